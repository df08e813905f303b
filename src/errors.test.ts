import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ExitCode, type ErrorCode } from './error-codes.js';
import { AppError, FileError, IdpError, PromptError, SamlError, StsError, UsageError } from './errors.js';

const CODES = Object.keys(ERROR_CODES) as ErrorCode[];

describe('AppError and the registry', () => {
  it('takes every code\'s exit status from the registry, whichever class throws it', () => {
    for (const code of CODES) {
      expect({ code, exit: new AppError(code, 'm').exitCode }).toEqual({ code, exit: ERROR_CODES[code].exit });
    }
  });

  it('uses the registry\'s "what to do" as the hint when the throw site gives none, and the site\'s own otherwise', () => {
    expect(new IdpError('IDP_TLS', 'm').hint).toBe(ERROR_CODES.IDP_TLS.todo);
    expect(new IdpError('IDP_TLS', 'm', { hint: 'pass --ca-bundle' }).hint).toBe('pass --ca-bundle');
  });

  it('lets a wrapper code exit as the AppError it wraps, and with its own status without one', () => {
    const cause = new IdpError('IDP_BAD_CREDENTIALS', 'wrong password');
    expect(new AppError('CHAIN_ROOT_FAILED', 'skipped', { cause }).exitCode).toBe(ExitCode.auth);
    expect(new AppError('CHAIN_SOURCE_FAILED', 'skipped', { cause: new UsageError('CHAIN_CYCLE', 'loop') }).exitCode).toBe(ExitCode.usage);
    expect(new AppError('CHAIN_ROOT_FAILED', 'skipped').exitCode).toBe(ExitCode.sts);
    expect(new AppError('CHAIN_ROOT_FAILED', 'skipped', { cause: new Error('not an AppError') }).exitCode).toBe(ExitCode.sts);
    // Only codes marked as wrappers inherit: a plain code keeps its own status whatever its cause.
    expect(new StsError('STS_ERROR', 'x', { cause }).exitCode).toBe(ExitCode.sts);
  });

  it('keeps the category classes for instanceof', () => {
    const errors = [
      new UsageError('DURATION_INVALID', 'm'),
      new IdpError('IDP_TLS', 'm'),
      new SamlError('SAML_DECODE', 'm'),
      new StsError('STS_ERROR', 'm'),
      new FileError('FILE_LOCKED', 'm'),
      new PromptError('PROMPT_UNAVAILABLE', 'm'),
    ];
    expect(errors.map((e) => [e.name, e instanceof AppError, e.exitCode])).toEqual([
      ['UsageError', true, 2],
      ['IdpError', true, 3],
      ['SamlError', true, 4],
      ['StsError', true, 5],
      ['FileError', true, 6],
      ['PromptError', true, 7],
    ]);
  });

  it('has one-line texts for every code (the generator escapes |)', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
      for (const text of [spec.what, spec.todo]) {
        expect({ code, text, ok: text.trim() !== '' && !/[\r\n]/.test(text) }).toEqual({ code, text, ok: true });
      }
    }
  });
});
