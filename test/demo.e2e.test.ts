/**
 * `awsfed demo` (what `npm run demo` runs after the build): the whole login against the built-in
 * emulators in a temporary directory, never in the caller's ~/.aws. Without prompts via runCli, and
 * typed into a real terminal (tmux) as a newcomer would.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';
import type { TmuxTerminal } from './helpers/tmux.js';
import { DEMO_USER } from '../src/emulator/demo-environment.js';

let home: TempHome | undefined;
let terminal: TmuxTerminal | undefined;

afterEach(async () => {
  await terminal?.kill();
  await home?.cleanup();
  terminal = home = undefined;
});

/** A temporary HOME without .aws; TMPDIR is inside it, so the demo's own directory is cleaned up too. */
async function bareHome(): Promise<TempHome> {
  const h = await makeTempHome();
  await rm(h.awsDir, { recursive: true });
  return h;
}

/** The two paths under "Files written:". */
function writtenFiles(stdout: string): string[] {
  const after = stdout.slice(stdout.indexOf('Files written:'));
  return [...after.matchAll(/^\s+(\/\S+)$/gm)].map((m) => m[1]!);
}

describe('awsfed demo', () => {
  it('--no-prompt signs in by itself, calls GetCallerIdentity and leaves the caller\'s ~/.aws alone', async () => {
    home = await bareHome();
    // The caller's AWS settings point at HOME/.aws; the demo must ignore them.
    const result = await runCli(['demo', '--no-prompt'], { env: { ...home.env, AWS_PROFILE: 'prod', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' } });
    expect(result.code, result.stderr).toBe(0);

    expect(result.stderr).toContain(`Sign in as ${DEMO_USER.username} with the password ${DEMO_USER.password}`);
    expect(result.stderr).toContain('your ~/.aws is not touched');
    expect(result.stderr).toMatch(/answers the prompts itself/);
    expect(result.stdout).not.toContain(DEMO_USER.password);

    expect(result.stdout).toContain('Signed in. Profile saml now holds temporary credentials.');
    expect(result.stdout).toContain('GetCallerIdentity with the new credentials:');
    expect(result.stdout).toMatch(/arn\s+arn:aws:sts::111111111111:assumed-role\/ADFS-ReadOnly\/alice@corp\.example$/m);

    const files = writtenFiles(result.stdout);
    expect(files).toHaveLength(2);
    const [configFile, credentialsFile] = files as [string, string];
    expect(configFile).toMatch(/\/\.aws\/config$/);
    expect(credentialsFile).toMatch(/\/\.aws\/credentials$/);
    expect(configFile.startsWith(`${home.home}/awsfed-demo-`)).toBe(true);

    const config = await readFile(configFile, 'utf8');
    expect(config).toContain('[profile saml]');
    expect(config).toMatch(/awsfed_idp_url = http:\/\/127\.0\.0\.1:\d+\/adfs\/ls\/IdpInitiatedSignOn\.aspx/);
    expect(config).toContain(`awsfed_username = ${DEMO_USER.username}`);
    const credentials = await readFile(credentialsFile, 'utf8');
    expect(credentials).toContain('[saml]');
    expect(credentials).toMatch(/^aws_access_key_id = ASIA\w+$/m);
    expect(credentials).toMatch(/^aws_secret_access_key = \S+$/m);
    expect(credentials).toMatch(/^aws_session_token = \S+$/m);
    expect(credentials).toContain('x_principal_arn = arn:aws:sts::111111111111:assumed-role/ADFS-ReadOnly/alice@corp.example');

    // HOME/.aws was neither created nor written: the only thing in HOME is the demo's temp directory.
    expect(existsSync(home.awsDir)).toBe(false);
    expect((await readdir(home.home)).every((name) => name.startsWith('awsfed-demo-'))).toBe(true);
  });

  it('in a terminal shows the password, takes it typed, offers the roles and exits 0', async () => {
    requireTool('tmux');
    home = await bareHome();
    terminal = await startTmux({ command: [process.execPath, BIN, 'demo'], env: home.env });
    const t = terminal;

    const intro = await t.waitFor('the demo introduction and the user name prompt', /User name:/);
    const shown = /with the password (\S+)/.exec(intro);
    expect(shown, intro).not.toBeNull();
    expect(intro).not.toMatch(/answers the prompts itself/);
    expect(intro).toContain(`(${DEMO_USER.username})`);
    await t.keys('Enter');

    await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
    await t.type(shown![1]!);
    await t.waitFor('the masked password', (s) => s.includes('*'.repeat(shown![1]!.length)));
    await t.keys('Enter');

    const list = await t.waitFor('the role list', (s) => /Choose a role/.test(s) && s.includes('ADFS-Developers'));
    expect(list).toMatch(/❯\s+ADFS-Admins/);
    await t.keys('Down', 'Down');
    await t.waitFor('the cursor on ADFS-Developers', /❯\s+ADFS-Developers/);
    await t.keys('Enter');

    const screen = await t.waitFor('the demo to exit', EXIT_MARK);
    expect(EXIT_MARK.exec(screen)![1], screen).toBe('0');
    expect(screen).toMatch(/arn\s+arn:aws:sts::222222222222:assumed-role\/ADFS-Developers\/alice@corp\.example/);
    expect(screen).toContain('Files written:');
    expect(existsSync(home.awsDir)).toBe(false);
  });
});
