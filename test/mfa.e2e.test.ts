/**
 * Second factors end to end: the built CLI against the AD FS and STS emulators, non-interactively (each
 * code source, a push that needs no code) and in a real terminal (tmux) for a typed code. The emulator
 * approves pushes after a number of polls (1.5 s apart), so nothing here waits on a clock of its own.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';
import type { TmuxTerminal } from './helpers/tmux.js';
import { DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { EMULATOR_MFA_CODE } from '../src/emulator/adfs.js';

const PASSWORD = DEMO_USER.password;
const user = (name: string, more: Parameters<typeof demoUser>[0]) => demoUser({ username: `${name}@corp.example`, ...more });

let env: DemoEnvironment;
let home: TempHome;
beforeAll(async () => {
  env = await startDemoEnvironment({
    variant: 'adfs2019',
    users: [
      user('push', { mfaAdapter: 'AzureMfaAuthentication', mfaPushApproveAfterPolls: 2, mfaNumberToMatch: '73' }),
      user('deny', { mfaAdapter: 'AzureMfaAuthentication', mfaPushDenyAfterPolls: 1 }),
      user('never', { mfaAdapter: 'AzureMfaAuthentication' }),
      user('server', { mfaAdapter: 'AzureMfaServerAuthentication', mfaServerAnswerAfterMs: 500 }),
      user('securid', { mfaAdapter: 'SecurIDAuthentication' }),
      user('vip', { mfaAdapter: 'SymantecVipAdapter' }),
      user('azcode', { mfaAdapter: 'AzureMfaAuthentication', mfaAzureCode: true }),
      user('choose', { mfaMethods: ['AzureMfaAuthentication', 'SafeNet-MFA'] }),
      user('choosepush', { mfaMethods: ['SafeNet-MFA', 'AzureMfaAuthentication'], mfaPushApproveAfterPolls: 2, mfaNumberToMatch: '58' }),
    ],
  });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => {
  await home?.cleanup();
});

async function login(name: string, args: string[] = [], extra: { env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
  return runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', `${name}@corp.example`, '--role', '*ReadOnly', '--no-prompt', ...args], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD, ...extra.env },
    ...(extra.input !== undefined ? { input: extra.input } : {}),
    timeoutMs: 60_000,
  });
}

async function noCredentialsWritten(): Promise<void> {
  await expect(home.read('credentials')).rejects.toThrow();
}

describe('push (Azure MFA, cloud adapter)', () => {
  it('waits for the approval without a terminal, showing the number to match on stderr', async () => {
    const result = await login('push');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Number to enter in Authenticator: +73/);
    expect(result.stderr).toMatch(/waiting up to 2 min \(--mfa-timeout\)/);
    expect(result.stdout).toContain('Signed in. Profile saml now holds temporary credentials.');
    expect(await home.read('credentials')).toContain('[saml]');
  });

  it('a declined push: exit 3, MFA_DENIED with a hint, files untouched', async () => {
    const result = await login('deny');
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/^awsfed: The second factor \(Azure MFA\) was denied/m);
    expect(result.stderr).toMatch(/hint: Run the login again and approve/);
    await noCredentialsWritten();
  });

  it('an unanswered push ends at --mfa-timeout with exit 3', async () => {
    const result = await login('never', ['--mfa-timeout', '2s']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/was not answered within 2 s \(--mfa-timeout\)/);
    await noCredentialsWritten();
  });

  it('a bad --mfa-timeout is a usage error before anything is posted', async () => {
    const result = await login('push', ['--mfa-timeout', 'soon']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/--mfa-timeout is "soon"/);
  });
});

describe('Azure MFA Server', () => {
  it('the blocking POST returns when the phone answers', async () => {
    const result = await login('server');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Azure MFA Server/);
  });
});

describe('codes given non-interactively', () => {
  it('--mfa-code; not even --debug shows the code', async () => {
    const result = await runCli(['--debug', 'login', '--idp-url', env.adfs.entryUrl, '--username', 'securid@corp.example', '--role', '*ReadOnly', '--no-prompt', '--mfa-code', EMULATOR_MFA_CODE], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/debug: RSA SecurID: posting the code/);
    expect(result.stderr).not.toContain(EMULATOR_MFA_CODE);
    expect(result.stdout).not.toContain(EMULATOR_MFA_CODE);
  });

  it('AWSFED_MFA_CODE', async () => {
    const result = await login('vip', [], { env: { AWSFED_MFA_CODE: EMULATOR_MFA_CODE } });
    expect(result.code, result.stderr).toBe(0);
  });

  it('--password-stdin --mfa-code-stdin: the password on the first line, the code on the second', async () => {
    const result = await login('azcode', ['--password-stdin', '--mfa-code-stdin'], { env: { AWSFED_PASSWORD: '' }, input: `${PASSWORD}\n${EMULATOR_MFA_CODE}\n` });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('awsfed_mfa_command (its first line)', async () => {
    const result = await login('securid', ['--mfa-command', `printf '%s\\nnotes\\n' ${EMULATOR_MFA_CODE}`]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a wrong code is tried once: exit 3, MFA_CODE_REJECTED quoting the IdP but not the code, files untouched', async () => {
    const result = await login('securid', ['--mfa-code', '424242']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/did not accept the RSA SecurID code .*could not be verified/);
    expect(result.stderr).not.toContain('424242');
    await noCredentialsWritten();
  });

  it('no code and no terminal: exit 7 naming the ways to give one', async () => {
    const result = await login('vip');
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toMatch(/--mfa-code, AWSFED_MFA_CODE, --mfa-code-stdin or awsfed_mfa_command/);
  });
});

describe('choose a method', () => {
  it('--mfa-method picks the provider, then its code is posted', async () => {
    const result = await login('choose', ['--mfa-method', 'SafeNet', '--mfa-code', EMULATOR_MFA_CODE]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('without a terminal and without --mfa-method: exit 7 listing the methods', async () => {
    const result = await login('choose');
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toMatch(/AzureMfaAuthentication \(Use Azure Multi-Factor Authentication\)/);
    expect(result.stderr).toMatch(/SafeNet-MFA \(Use SafeNet\)/);
  });
});

describe('in a terminal (tmux)', () => {
  let terminal: TmuxTerminal | undefined;
  afterEach(async () => {
    await terminal?.kill();
    terminal = undefined;
  });

  it('lists the methods of the choice page, takes the one typed, and shows the number to match', async () => {
    requireTool('tmux');
    terminal = await startTmux({
      command: [process.execPath, BIN, 'login', '--idp-url', env.adfs.entryUrl, '--username', 'choosepush@corp.example', '--role', '*ReadOnly'],
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
    });
    const t = terminal;
    const list = await t.waitFor('the list of methods', (s) => /Choose how to verify your identity/.test(s) && s.includes('AzureMfaAuthentication'));
    expect(list).toContain('Use SafeNet (SafeNet-MFA)');
    await t.type('Azure');
    await t.waitFor('the list filtered to Azure', (s) => /❯\s+Use Azure Multi-Factor Authentication/.test(s) && !s.includes('Use SafeNet'));
    await t.keys('Enter');
    await t.waitFor('the number to match', /Number to enter in Authenticator: +58/);
    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    expect(screen).toContain('Signed in.');
  });

  it.each(['--mfa-code-stdin', '--password-stdin', '--password-stdin --mfa-code-stdin'])(
    '%s on a terminal ends at once with STDIN_IS_TERMINAL, instead of waiting without a prompt while the typed code echoes',
    async (flagText) => {
      const flags = flagText.split(' ');
      requireTool('tmux');
      terminal = await startTmux({
        command: [process.execPath, BIN, 'login', '--idp-url', env.adfs.entryUrl, '--username', 'vip@corp.example', '--role', '*ReadOnly', ...flags],
        env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
      });
      // A generous "does not hang" guard: before, the run sat on the terminal's stdin until Ctrl-D.
      const screen = await terminal.waitFor('the program to exit', EXIT_MARK, 20_000);
      expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(2);
      expect(screen).toContain(`${flags.at(-1)} reads standard input, but it is this terminal`);
      expect(screen).toMatch(/hint: Pipe/);
      await noCredentialsWritten();
    },
  );

    it('asks for the SecurID passcode masked, asks again after a wrong one, then signs in', async () => {
    requireTool('tmux');
    terminal = await startTmux({
      command: [process.execPath, BIN, 'login', '--idp-url', env.adfs.entryUrl, '--username', 'securid@corp.example', '--role', '*ReadOnly'],
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
    });
    const t = terminal;
    await t.waitFor('the passcode prompt', /RSA SecurID passcode \(PIN \+ tokencode\):/);
    await t.type('000111');
    await t.keys('Enter');
    await t.waitFor('the refusal and a second prompt', (s) => /did not accept/.test(s) && (s.match(/RSA SecurID passcode/g) ?? []).length >= 2);
    await t.type(EMULATOR_MFA_CODE);
    await t.keys('Enter');
    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    expect(screen).toContain('Signed in.');
    expect(screen).not.toContain('000111');
    expect(screen).not.toContain(EMULATOR_MFA_CODE);
  });
});
