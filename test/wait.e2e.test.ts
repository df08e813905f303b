/**
 * The visible wait (issue 7, section 5), end to end in a real terminal (tmux): the push wait shows the
 * number as a line and a spinner line counting down; keys typed during the wait are neither echoed nor
 * left for the shell; Ctrl-C ends the run with 130, one "interrupted" line, files untouched and no lock
 * or temp file. Without a terminal, stderr carries no escape code.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';
import type { TmuxTerminal } from './helpers/tmux.js';
import { DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';

const user = (name: string, more: Parameters<typeof demoUser>[0]) => demoUser({ username: `${name}@corp.example`, ...more });
// Existing keys of another profile: an interrupted run must leave them byte for byte.
const EXISTING = '# mine\n[other]\naws_access_key_id = AKIAEXAMPLEOTHER\naws_secret_access_key = keep-me\n';
/** The spinner line (with the countdown) of the push wait. */
const SPINNER = /Approve the sign-in in Microsoft Authenticator by entering 46: \d:\d\d left/;

let env: DemoEnvironment;
let home: TempHome;
let terminal: TmuxTerminal | undefined;
beforeAll(async () => {
  env = await startDemoEnvironment({
    variant: 'adfs2019',
    users: [
      // Approved after 5 polls (1.5 s apart): long enough to see the spinner and type into it.
      user('slow', { mfaAdapter: 'AzureMfaAuthentication', mfaPushApproveAfterPolls: 5, mfaNumberToMatch: '46' }),
      user('never', { mfaAdapter: 'AzureMfaAuthentication', mfaNumberToMatch: '46' }),
    ],
  });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  home = await makeTempHome();
  await writeFile(home.credentialsFile, EXISTING, { mode: 0o600 });
});
afterEach(async () => {
  await terminal?.kill();
  terminal = undefined;
  await home?.cleanup();
});

/**
 * awsfed in bash, then bash reads whatever the terminal still holds for a second: what awsfed left in
 * the input queue would be read here (and shown as LEFTOVER=...), as a shell would run it.
 */
function inTerminal(name: string, args: string[] = ['--role', '*ReadOnly']): Promise<TmuxTerminal> {
  const login = [process.execPath, BIN, 'login', '--idp-url', env.adfs.entryUrl, '--username', `${name}@corp.example`, ...args, '--mfa-timeout', '60']
    .map((a) => `'${a}'`)
    .join(' ');
  return startTmux({
    command: ['bash', '--norc', '-c', `${login}; s=$?; if read -r -t 1 line; then echo "LEFTOVER=[$line]"; else echo NOTHING-LEFT; fi; exit $s`],
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password },
  });
}

describe('a push wait in a terminal (tmux)', () => {
  it('shows the number and the spinner countdown; keys typed meanwhile are not echoed nor left for the shell', async () => {
    requireTool('tmux');
    requireTool('bash');
    terminal = await inTerminal('slow');
    const t = terminal;
    const waiting = await t.waitFor('the spinner line with the countdown', SPINNER);
    expect(waiting).toMatch(/Number to enter in Authenticator: +46/);
    // The plain waiting line is for scripts; on a terminal the spinner says it.
    expect(waiting).not.toContain('waiting up to');
    await t.type('echo LEAK');
    await t.keys('Enter');
    const screen = await t.waitFor('the program to exit', EXIT_MARK, 30_000);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    expect(screen).toContain('Signed in.');
    expect(screen).toContain('NOTHING-LEFT');
    expect(screen).not.toContain('LEAK');
    // The spinner line is gone once the wait is over.
    expect(screen).not.toMatch(SPINNER);
  });

  it('a prompt after the wait (the role list) still takes keys: raw mode was handed back', async () => {
    requireTool('tmux');
    requireTool('bash');
    terminal = await inTerminal('slow', []);
    const t = terminal;
    await t.waitFor('the spinner line with the countdown', SPINNER);
    await t.type('xyz');
    await t.waitFor('the role list', /Choose a role \(3; type to filter\)/, 30_000);
    await t.type('ReadOnly');
    await t.waitFor('the list filtered', (s) => /❯\s+ADFS-ReadOnly/.test(s) && !s.includes('ADFS-Developers'));
    await t.keys('Enter');
    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    expect(screen).toContain('role     ADFS-ReadOnly');
    expect(screen).not.toContain('xyz');
    expect(screen).toContain('NOTHING-LEFT');
  });

  it('Ctrl-C during the wait: exit 130, one "interrupted" line, files untouched, no lock or temp file', async () => {
    requireTool('tmux');
    requireTool('bash');
    terminal = await inTerminal('never');
    const t = terminal;
    await t.waitFor('the spinner line with the countdown', SPINNER);
    await t.keys('C-c');
    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(130);
    expect(screen).toContain('awsfed: interrupted');
    expect(screen).not.toMatch(/\n\s+at /);
    expect(screen).toContain('NOTHING-LEFT');
    expect(await readFile(home.credentialsFile, 'utf8')).toBe(EXISTING);
    expect((await readdir(home.awsDir)).sort()).toEqual(['credentials']);
  });
});

describe('without a terminal', () => {
  it('stderr has the plain waiting line and no spinner escape code', async () => {
    const result = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', 'slow@corp.example', '--role', '*ReadOnly', '--no-prompt'], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password },
      timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/waiting up to 2 min \(--mfa-timeout\)/);
    expect(result.stderr).not.toContain('\u001b');
  });
});
