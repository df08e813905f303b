import { describe, expect, it } from 'vitest';
import { obtainPasswordWithOrigin } from './password.js';
import type { PasswordSources } from './password.js';
import { createRefusingPrompter } from '../ui/prompt.js';
import { AppError, PromptError } from '../errors.js';

const base = (over: Partial<PasswordSources>): PasswordSources => ({
  passwordStdin: false,
  env: {},
  passwordCommand: undefined,
  readStdin: async () => {
    throw new Error('stdin must not be read');
  },
  runCommand: async () => {
    throw new Error('no command expected');
  },
  passwordCommandTimeoutSeconds: 60,
  prompter: createRefusingPrompter('no-prompt'),
  username: 'alice',
  ...over,
});

/** The password alone, as most of these cases check it (the origin has its own cases below). */
const obtainPassword = async (sources: PasswordSources): Promise<string> => (await obtainPasswordWithOrigin(sources)).password;

describe('obtainPasswordWithOrigin', () => {
  it('reads stdin first and strips one trailing newline', async () => {
    await expect(obtainPassword(base({ passwordStdin: true, env: { AWSFED_PASSWORD: 'env' }, readStdin: async () => 'p@ss word\n' }))).resolves.toBe('p@ss word');
  });
  it('refuses an empty stdin', async () => {
    await expect(obtainPassword(base({ passwordStdin: true, readStdin: async () => '\n' }))).rejects.toMatchObject({ code: 'PASSWORD_STDIN_EMPTY' });
  });
  it('then AWSFED_PASSWORD', async () => {
    await expect(obtainPassword(base({ env: { AWSFED_PASSWORD: 'from-env' }, passwordCommand: 'x' }))).resolves.toBe('from-env');
  });
  it('then the password command, without quoting its output on failure', async () => {
    await expect(obtainPassword(base({ passwordCommand: 'pass show', runCommand: async () => ({ exitCode: 0, stdout: 's3cret\n', stderr: '' }) }))).resolves.toBe('s3cret');
    const failure = await obtainPassword(base({ passwordCommand: 'pass show', runCommand: async () => ({ exitCode: 3, stdout: 'leaked-secret', stderr: 'leaked-secret' }) })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('PASSWORD_COMMAND_FAILED');
    expect(String((failure as AppError).message) + (failure as AppError).hint).not.toContain('leaked-secret');
  });
  it('runs the password command with stderr left to the terminal and the time limit, and takes the first line', async () => {
    const seen: unknown[] = [];
    const password = await obtainPassword(
      base({
        passwordCommand: 'pass show corp/ad',
        passwordCommandTimeoutSeconds: 5,
        runCommand: async (_command, _env, options) => {
          seen.push(options);
          return { exitCode: 0, stdout: 's3cret\r\nurl: https://corp.example\nuser: alice\n', stderr: '' };
        },
      }),
    );
    expect(password).toBe('s3cret');
    expect(seen).toEqual([{ inheritStderr: true, timeoutMs: 5000 }]);
  });
  it('a timed-out password command is a typed error naming the setting, never quoting the output', async () => {
    const failure = await obtainPassword(
      base({ passwordCommand: 'slow', passwordCommandTimeoutSeconds: 2, runCommand: async () => ({ exitCode: 1, stdout: 'partial-secret', stderr: '', timedOut: true }) }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'PASSWORD_COMMAND_TIMEOUT', exitCode: 3 });
    expect((failure as AppError).message).toContain('within 2 s');
    expect((failure as AppError).hint).toContain('--password-command-timeout');
    expect((failure as AppError).hint).toContain('AWSFED_PASSWORD_COMMAND_TIMEOUT');
    expect(JSON.stringify([(failure as AppError).message, (failure as AppError).hint])).not.toContain('partial-secret');
  });
  it('an empty first line is refused even when later lines have text', async () => {
    await expect(
      obtainPassword(base({ passwordCommand: 'x', runCommand: async () => ({ exitCode: 0, stdout: '\nsecret-on-line-2\n', stderr: '' }) })),
    ).rejects.toMatchObject({ code: 'PASSWORD_COMMAND_EMPTY' });
  });
  it('then the prompt, which refuses under --no-prompt with a hint naming the other sources', async () => {
    const failure = await obtainPassword(base({})).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PromptError);
    expect((failure as PromptError).hint).toMatch(/--password-stdin/);
  });
  it('the keychain comes after the explicit sources and before the prompt', async () => {
    const keychain = async () => 'remembered';
    await expect(obtainPasswordWithOrigin(base({ keychain }))).resolves.toEqual({ password: 'remembered', origin: 'keychain' });
    await expect(obtainPasswordWithOrigin(base({ keychain, env: { AWSFED_PASSWORD: 'from-env' } }))).resolves.toEqual({ password: 'from-env', origin: 'env' });
    await expect(
      obtainPasswordWithOrigin(base({ keychain, passwordCommand: 'pass show', runCommand: async () => ({ exitCode: 0, stdout: 'cmd\n', stderr: '' }) })),
    ).resolves.toEqual({ password: 'cmd', origin: 'command' });
    await expect(obtainPasswordWithOrigin(base({ keychain, passwordStdin: true, readStdin: async () => 'piped\n' }))).resolves.toEqual({ password: 'piped', origin: 'stdin' });
  });
  it('an empty keychain falls through to the prompt, whose refusal names --remember-password', async () => {
    const failure = await obtainPasswordWithOrigin(base({ keychain: async () => undefined })).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'PROMPT_UNAVAILABLE', hint: expect.stringContaining('awsfed login --remember-password') });
  });
});
