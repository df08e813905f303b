import { describe, expect, it } from 'vitest';
import { obtainPassword } from './password.js';
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
  prompter: createRefusingPrompter('no-prompt'),
  username: 'alice',
  ...over,
});

describe('obtainPassword', () => {
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
  it('then the prompt, which refuses under --no-prompt with a hint naming the other sources', async () => {
    const failure = await obtainPassword(base({})).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PromptError);
    expect((failure as PromptError).hint).toMatch(/--password-stdin/);
  });
});
