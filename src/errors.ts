/**
 * Every failure a user can cause is an AppError: a stable code, a one-line message that says what
 * happened, a hint that says what to do next, and the exit code main.ts uses. The original error is
 * kept as `cause` and shown only under --debug. Messages and hints never contain secrets.
 *
 * The code decides the exit status (src/error-codes.ts is the one source of truth): a throw site
 * cannot pick another one, so the README's table and what a script sees never disagree. The
 * subclasses are categories for `instanceof`, and each accepts only the codes of its exit status, so
 * the compiler catches an IdpError thrown with a usage code.
 */
import { ERROR_CODES, ExitCode, type ErrorCode, type ErrorCodeExiting } from './error-codes.js';

export { ExitCode };
export type { ErrorCode };

export interface AppErrorOptions {
  /** Defaults to the registry's "what to do" for the code. */
  hint?: string | undefined;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const spec = ERROR_CODES[code];
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint ?? spec.todo;
    this.exitCode = 'exitFromCause' in spec && options.cause instanceof AppError ? options.cause.exitCode : spec.exit;
  }
}

/** Bad flags, bad settings values. */
export class UsageError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.usage>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.usage>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

/** Anything the identity provider said or did: wrong password, unknown page, TLS, network. */
export class IdpError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.auth>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.auth>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A SAMLResponse that cannot be decoded, is hostile, or carries no usable roles. */
export class SamlError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.saml>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.saml>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

/** STS refused or failed. */
export class StsError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.sts>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.sts>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

/** ~/.aws/config or ~/.aws/credentials cannot be read, parsed, locked or written. */
export class FileError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.files>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.files>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A prompt was needed but cannot be shown (no TTY, or --no-prompt), or was cancelled (Ctrl-C). */
export class PromptError extends AppError {
  declare readonly code: ErrorCodeExiting<typeof ExitCode.prompt | typeof ExitCode.interrupted>;
  constructor(code: ErrorCodeExiting<typeof ExitCode.prompt | typeof ExitCode.interrupted>, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
