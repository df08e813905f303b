import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.js';
import { createMfaCodeSource, type MfaCodeSources } from './mfa-code.js';
import { createRefusingPrompter, type Prompter } from '../ui/prompt.js';
import type { CodeRequest } from '../idp/adfs/mfa/ports.js';

const CODE: CodeRequest = { adapter: 'SecurIDAuthentication', purpose: 'code', label: 'RSA SecurID passcode:', attempt: 1 };

const typed = (answers: string[]): Prompter => ({
  ...createRefusingPrompter('no-tty'),
  interactive: true,
  password: async () => answers.shift() ?? '',
});

const base = (over: Partial<MfaCodeSources>): MfaCodeSources => ({
  flag: undefined,
  stdinCode: undefined,
  env: {},
  command: undefined,
  commandTimeoutSeconds: 60,
  runCommand: async () => {
    throw new Error('no command expected');
  },
  prompter: createRefusingPrompter('no-prompt'),
  ...over,
});

describe('createMfaCodeSource', () => {
  it('--mfa-code first, then --mfa-code-stdin, then AWSFED_MFA_CODE; each given once, not repeatable', async () => {
    const all = { flag: '111111', stdinCode: async () => '222222\n', env: { AWSFED_MFA_CODE: '333333' } };
    await expect(createMfaCodeSource(base(all)).next(CODE)).resolves.toEqual({ code: '111111', repeatable: false });
    await expect(createMfaCodeSource(base({ ...all, flag: undefined })).next(CODE)).resolves.toEqual({ code: '222222', repeatable: false });
    await expect(createMfaCodeSource(base({ env: all.env })).next(CODE)).resolves.toEqual({ code: '333333', repeatable: false });
  });

  it('a given code is not handed out twice: the second request goes to the prompt', async () => {
    const source = createMfaCodeSource(base({ flag: '111111', prompter: typed(['444444']) }));
    await source.next(CODE);
    await expect(source.next({ ...CODE, attempt: 2 })).resolves.toEqual({ code: '444444', repeatable: true });
    expect(source.secrets()).toEqual(['111111', '444444']);
  });

  it('an empty stdin is MFA_CODE_STDIN_EMPTY', async () => {
    await expect(createMfaCodeSource(base({ stdinCode: async () => '' })).next(CODE)).rejects.toMatchObject({ code: 'MFA_CODE_STDIN_EMPTY', exitCode: 7 });
  });

  it('awsfed_mfa_command: first line of stdout, stderr to the terminal, bounded; failures typed without quoting output', async () => {
    const calls: unknown[] = [];
    const ok = base({
      command: 'otp-tool',
      runCommand: async (command, _env, options) => {
        calls.push([command, options]);
        return { exitCode: 0, stdout: '555555\nnotes\n', stderr: '' };
      },
    });
    await expect(createMfaCodeSource(ok).next(CODE)).resolves.toEqual({ code: '555555', repeatable: false });
    expect(calls).toEqual([['otp-tool', { inheritStderr: true, timeoutMs: 60_000 }]]);

    const run = (result: { exitCode: number; stdout: string; timedOut?: boolean }) =>
      createMfaCodeSource(base({ command: 'otp-tool', runCommand: async () => ({ stderr: '', ...result }) })).next(CODE);
    await expect(run({ exitCode: 1, stdout: '666666' })).rejects.toMatchObject({ code: 'MFA_COMMAND_FAILED', message: expect.not.stringContaining('666666') });
    await expect(run({ exitCode: 0, stdout: '\n' })).rejects.toMatchObject({ code: 'MFA_COMMAND_EMPTY' });
    await expect(run({ exitCode: 0, stdout: '', timedOut: true })).rejects.toMatchObject({ code: 'MFA_COMMAND_TIMEOUT' });
    // The command may come from the flag, the variable or the profile: each hint names all three. The command
    // itself is not quoted: it may carry a TOTP seed (oathtool --totp KEY).
    for (const result of [{ exitCode: 1, stdout: '' }, { exitCode: 0, stdout: '\n' }, { exitCode: 0, stdout: '', timedOut: true }]) {
      const error = (await run(result).catch((e: unknown) => e)) as AppError;
      expect(error.hint).toMatch(/--mfa-command \/ AWSFED_MFA_COMMAND \/ awsfed_mfa_command/);
      expect(`${error.message} ${error.hint}`).not.toContain('otp-tool');
    }
  });

  it('a new PIN is only ever typed: without a terminal the refusal says so', async () => {
    const source = createMfaCodeSource(base({ flag: '111111', command: 'otp-tool' }));
    await expect(source.next({ ...CODE, purpose: 'new-pin', label: 'New RSA SecurID PIN:' })).rejects.toMatchObject({
      code: 'PROMPT_UNAVAILABLE',
      hint: expect.stringContaining('new PIN can only be typed'),
    });
  });

  it('without any source and without a terminal: the refusal names every source', async () => {
    await expect(createMfaCodeSource(base({})).next(CODE)).rejects.toMatchObject({
      code: 'PROMPT_UNAVAILABLE',
      hint: expect.stringContaining('--mfa-code, AWSFED_MFA_CODE, --mfa-code-stdin or awsfed_mfa_command'),
    });
  });
});
