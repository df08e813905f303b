/** Failures of `awsfed switch` and `awsfed exec` that are not about credentials. */
import { AppError, type AppErrorOptions, ExitCode } from '../errors.js';

/** Exit codes of a command that could not be run, as POSIX shells report them. */
export const ExecExitCode = { notExecutable: 126, notFound: 127 } as const;

export class ShellError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.usage, ...options });
  }
}

/** The command given to `awsfed exec` could not be started. */
export class ExecError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExecExitCode.notExecutable, ...options });
  }
}
