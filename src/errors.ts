/**
 * Every failure a user can cause is an AppError: a stable code, a one-line message that says what
 * happened, a hint that says what to do next, and the exit code main.ts uses. The original error is
 * kept as `cause` and shown only under --debug. Messages and hints never contain secrets.
 */
export interface AppErrorOptions {
  hint?: string;
  exitCode?: number;
  cause?: unknown;
}

/** Exit codes: 1 generic failure, 2 usage, 3 IdP/auth, 4 SAML, 5 STS, 6 files, 7 needs a prompt. */
export const ExitCode = {
  failure: 1,
  usage: 2,
  auth: 3,
  saml: 4,
  sts: 5,
  files: 6,
  prompt: 7,
} as const;

export class AppError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}

/** Bad flags, bad settings values. */
export class UsageError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.usage, ...options });
  }
}

/** Anything the identity provider said or did: wrong password, unknown page, TLS, network. */
export class IdpError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.auth, ...options });
  }
}

/** A SAMLResponse that cannot be decoded, is hostile, or carries no usable roles. */
export class SamlError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.saml, ...options });
  }
}

/** STS refused or failed. */
export class StsError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.sts, ...options });
  }
}

/** ~/.aws/config or ~/.aws/credentials cannot be read, parsed, locked or written. */
export class FileError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.files, ...options });
  }
}

/** A prompt was needed but cannot be shown (no TTY, or --no-prompt). */
export class PromptError extends AppError {
  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(code, message, { exitCode: ExitCode.prompt, ...options });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
