/**
 * The interactive morning login, typed into a real terminal (tmux) the way a person does it:
 * Enter on the stored user name, the password (masked), a role picked from the list grouped by account.
 */
import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';
import type { TmuxTerminal } from './helpers/tmux.js';
import { DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment, DemoEnvironmentOptions } from '../src/emulator/demo-environment.js';

const ROLE = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const ASSUMED = (account: string, name: string) => `arn:aws:sts::${account}:assumed-role/${name}/${DEMO_USER.username}`;

let environment: DemoEnvironment | undefined;
let home: TempHome | undefined;
let terminal: TmuxTerminal | undefined;

beforeEach(() => {
  // A missing tmux fails here with a message naming it; the tests never skip.
  requireTool('tmux');
});

/** The emulators in this process, and a profile configured with the IdP URL and the stored user name. */
async function setUp(options: DemoEnvironmentOptions = {}): Promise<void> {
  environment = await startDemoEnvironment(options);
  home = await makeTempHome();
  const configured = await runCli(['configure', '--idp-url', environment.adfs.entryUrl, '--username', DEMO_USER.username], { env: home.env });
  expect(configured.code, configured.stderr).toBe(0);
}

afterEach(async () => {
  await terminal?.kill();
  await environment?.close();
  await home?.cleanup();
  terminal = environment = home = undefined;
});

async function startLogin(): Promise<TmuxTerminal> {
  terminal = await startTmux({
    command: [process.execPath, BIN, 'login'],
    env: { ...home!.env, AWS_ENDPOINT_URL_STS: environment!.sts.url },
  });
  return terminal;
}

/** Enter on the stored user name, then the password; returns the screen once the role list is drawn. */
async function signInUpToRoleList(t: TmuxTerminal): Promise<string> {
  const nameScreen = await t.waitFor('the user name prompt', /User name:/);
  expect(nameScreen).toContain(`(${DEMO_USER.username})`); // the stored name is the default
  await t.keys('Enter');

  await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
  await t.type(DEMO_USER.password);
  const typed = await t.waitFor('the masked password', (s) => s.includes('*'.repeat(DEMO_USER.password.length)));
  expect(typed).not.toContain(DEMO_USER.password);
  await t.keys('Enter');

  return t.waitFor('the role list', (s) => /Choose a role/.test(s) && s.includes('ADFS-Developers'));
}

async function exitCode(t: TmuxTerminal): Promise<{ code: number; screen: string }> {
  const screen = await t.waitFor('the program to exit', EXIT_MARK);
  return { code: Number(EXIT_MARK.exec(screen)![1]), screen };
}

function assumeRoleCalls(): string[] {
  return environment!.sts.calls.filter((c) => c.action === 'AssumeRoleWithSAML' && c.status === 200).map((c) => c.params['RoleArn']!);
}

describe('awsfed login in a terminal', () => {
  it('accepts the stored user name, masks the password, and takes the second role of the grouped list', async () => {
    await setUp();
    const t = await startLogin();
    const list = await signInUpToRoleList(t);

    // The list is grouped by account, sorted by account then role name, the cursor on the first role.
    const lines = list.split('\n');
    const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const heading1 = index(/111111111111/);
    const heading2 = index(/222222222222/);
    const admins = index(/ADFS-Admins/);
    const readOnly = index(/ADFS-ReadOnly/);
    const developers = index(/ADFS-Developers/);
    expect([heading1, admins, readOnly, heading2, developers].every((i) => i >= 0), list).toBe(true);
    expect(heading1 < admins && admins < readOnly && readOnly < heading2 && heading2 < developers, list).toBe(true);
    expect(lines[admins], list).toMatch(/❯/);
    expect(list).not.toContain(DEMO_USER.password);

    await t.keys('Down');
    const moved = await t.waitFor('the cursor on ADFS-ReadOnly', /❯\s+ADFS-ReadOnly/);
    expect(moved).not.toMatch(/❯\s+ADFS-Admins/);
    await t.keys('Enter');

    const { code, screen } = await exitCode(t);
    expect(code, screen).toBe(0);
    expect(screen).toContain('Signed in. Profile saml now holds temporary credentials.');
    // The answered prompt names the role the way --role accepts it.
    expect(screen).toMatch(/✔ Choose a role.*: 111111111111\/ADFS-ReadOnly$/m);
    expect(screen).toMatch(/role\s+ADFS-ReadOnly/);
    expect(screen).toMatch(/account\s+111111111111/);
    expect(screen).not.toContain(DEMO_USER.password);

    const credentials = await home!.read('credentials');
    expect(credentials).toContain('[saml]');
    expect(credentials).toContain(`x_principal_arn = ${ASSUMED('111111111111', 'ADFS-ReadOnly')}`);
    expect(assumeRoleCalls()).toEqual([ROLE('111111111111', 'ADFS-ReadOnly')]);
  });

  it('inside the IdP session the next login asks for no user name and no password, and lists the last role first', async () => {
    await setUp();
    // The morning login, held ADFS-Developers; its IdP session is saved in the temporary HOME.
    const first = await runCli(['login', '--role', '*Developers', '--no-prompt'], {
      env: { ...home!.env, AWS_ENDPOINT_URL_STS: environment!.sts.url, AWSFED_PASSWORD: DEMO_USER.password },
    });
    expect(first.code, first.stderr).toBe(0);

    const t = await startLogin();
    const list = await t.waitFor('the role list', (s) => /Choose a role/.test(s) && s.includes('ADFS-Admins'));
    expect(list).not.toMatch(/User name:|Password for/);
    const lines = list.split('\n');
    const index = (re: RegExp) => lines.findIndex((l) => re.test(l));
    // The role last held, with its account, comes first, the cursor on it; the other account follows.
    expect(index(/222222222222/) < index(/ADFS-Developers/) && index(/ADFS-Developers/) < index(/111111111111/), list).toBe(true);
    expect(index(/111111111111/) < index(/ADFS-Admins/), list).toBe(true);
    expect(lines[index(/ADFS-Developers/)], list).toMatch(/❯/);
    await t.keys('Enter');

    const { code, screen } = await exitCode(t);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/role\s+ADFS-Developers/);
    expect(screen).not.toMatch(/User name:|Password for/);
    expect(assumeRoleCalls()).toEqual([ROLE('222222222222', 'ADFS-Developers'), ROLE('222222222222', 'ADFS-Developers')]);
  });

  it('narrows the role list as you type: "Dev" then Enter picks ADFS-Developers', async () => {
    await setUp();
    const t = await startLogin();
    await signInUpToRoleList(t);

    await t.type('Dev');
    const filtered = await t.waitFor('the list filtered to Developers', (s) => /❯\s+ADFS-Developers/.test(s) && !s.includes('ADFS-Admins'));
    expect(filtered).not.toContain('ADFS-ReadOnly');
    expect(filtered).toContain('222222222222');
    expect(filtered).not.toMatch(/^.*111111111111.*$/m);
    await t.keys('Enter');

    const { code, screen } = await exitCode(t);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/role\s+ADFS-Developers/);
    expect(await home!.read('credentials')).toContain(`x_principal_arn = ${ASSUMED('222222222222', 'ADFS-Developers')}`);
    expect(assumeRoleCalls()).toEqual([ROLE('222222222222', 'ADFS-Developers')]);
  });

  it('Ctrl-C at the password prompt cancels with one line and a hint, no stack trace, and changes no file', async () => {
    await setUp();
    const configBefore = await home!.read('config');
    const t = await startLogin();
    await t.waitFor('the user name prompt', /User name:/);
    await t.keys('Enter');
    await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
    await t.type('half-typed');
    await t.keys('C-c');

    const { code, screen } = await exitCode(t);
    expect(code, screen).toBe(130);
    const after = screen.slice(screen.indexOf('Password for'));
    expect(after).toContain('awsfed: Cancelled at the prompt.');
    expect(after).toContain('hint: Nothing was changed.');
    // One message line and its hint: nothing else between the prompt and the exit mark.
    const messageLines = after.split('\n').filter((l) => l.trim() !== '' && !/Password for|EXIT=/.test(l));
    expect(messageLines, screen).toEqual(['awsfed: Cancelled at the prompt.', '  hint: Nothing was changed.']);
    expect(screen).not.toMatch(/\bat .*\.js:\d+/);
    expect(screen).not.toMatch(/ExitPromptError|unexpected error/);
    expect(screen).not.toContain('half-typed');

    expect(await home!.read('config')).toBe(configBefore);
    expect(existsSync(home!.credentialsFile)).toBe(false);
    expect(environment!.sts.calls).toEqual([]);
  });

  it('a list longer than a page names the highlighted role with its account, and ACCOUNT/ROLE typed finds it', async () => {
    const accounts = ['111111111111', '222222222222', '333333333333', '444444444444'];
    const names = ['ADFS-Admins', 'ADFS-Billing', 'ADFS-Developers', 'ADFS-Network', 'ADFS-ReadOnly', 'ADFS-Security'];
    const roles = accounts.flatMap((a) => names.map((n) => ({ roleArn: ROLE(a, n), principalArn: `arn:aws:iam::${a}:saml-provider/ADFS` })));
    await setUp({ users: [demoUser({ roles })] });
    const t = await startLogin();
    const list = await signInUpToRoleList(t);
    expect(list).toContain('Choose a role (24;');
    expect(list).not.toContain('444444444444'); // a page of 15 rows: the last account is below

    // Scroll into the third account: its heading may leave the screen, the line under the list stays.
    for (let i = 0; i < 13; i++) await t.keys('Down');
    const scrolled = await t.waitFor('the cursor on the third account\'s ADFS-Billing', /^333333333333\/ADFS-Billing$/m);
    expect(scrolled).toMatch(/❯\s+ADFS-Billing/);

    await t.type('3333/netw');
    const filtered = await t.waitFor('the list filtered to one role', (s) => /❯\s+ADFS-Network/.test(s) && !s.includes('ADFS-Admins'));
    expect(filtered.match(/ADFS-/g)).toHaveLength(2); // the choice and the line naming it
    await t.keys('Enter');

    const { code, screen } = await exitCode(t);
    expect(code, screen).toBe(0);
    expect(assumeRoleCalls()).toEqual([ROLE('333333333333', 'ADFS-Network')]);
  });
});
