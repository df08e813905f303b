/** Failures of `awsfed switch` and `awsfed exec` that are not about credentials. */
import { AppError, type AppErrorOptions, ExitCode } from '../errors.js';
import type { ErrorCodeExiting } from '../error-codes.js';

export class ShellError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.usage>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.usage>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

/** The command given to `awsfed exec` could not be started: 126 or 127, as POSIX shells report it. */
export class ExecError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.notExecutable | typeof ExitCode.notFound>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.notExecutable | typeof ExitCode.notFound>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
