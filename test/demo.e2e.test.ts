/**
 * `awsfed demo` (what `npm run demo` runs after the build): the whole working day against the built-in
 * emulators in a temporary directory, never in the caller's ~/.aws or cache directory: the sign-in with
 * an Authenticator push and number matching, two destination accounts added and chained, `list`, and a
 * second login that asks nothing. Without prompts via a subprocess, typed into a real terminal (tmux) as
 * a newcomer would, interrupted with Ctrl-C, and kept running with --keep.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, explain, makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux } from './helpers/tmux.js';
import type { TmuxTerminal } from './helpers/tmux.js';
import { DEMO_DESTINATIONS, DEMO_USER } from '../src/emulator/demo-environment.js';

let home: TempHome | undefined;
let terminal: TmuxTerminal | undefined;
const killers: (() => void)[] = [];
const run = promisify(execFile);

afterEach(async () => {
  for (const kill of killers.splice(0)) kill();
  await terminal?.kill();
  await home?.cleanup();
  terminal = home = undefined;
});

/** A temporary HOME without .aws; TMPDIR is inside it, so whatever the demo leaves behind is seen there. */
async function bareHome(): Promise<TempHome> {
  const h = await makeTempHome();
  await rm(h.awsDir, { recursive: true });
  return h;
}

/** The demo's own directories left in HOME (TMPDIR): none once it has ended without --keep. */
async function demoDirsLeft(h: TempHome): Promise<string[]> {
  return (await readdir(h.home)).filter((name) => name.startsWith('awsfed-demo-'));
}

/** HOME holds nothing the demo wrote: no .aws, no .cache (the caller's XDG_CACHE_HOME), no demo directory. */
async function expectHomeUntouched(h: TempHome): Promise<void> {
  expect(existsSync(h.awsDir), 'the caller\'s ~/.aws').toBe(false);
  expect(existsSync(join(h.home, '.cache')), 'the caller\'s cache directory').toBe(false);
  expect(await demoDirsLeft(h)).toEqual([]);
}

/** The text after `marker` (which must be there). */
function after(text: string, marker: string): string {
  const at = text.indexOf(marker);
  expect(at, `"${marker}" in:\n${text}`).toBeGreaterThanOrEqual(0);
  return text.slice(at + marker.length);
}

/** The row of a profile in a table (the first line that starts with its name). */
function row(text: string, profile: string): string {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(`${profile} `));
  expect(line, `a row for ${profile} in:\n${text}`).toBeDefined();
  return line!;
}

/**
 * How the program in the pane ended: the EXIT=N mark, or the pane's death by a signal (which ends the
 * pane's shell too). Polled a bounded number of times (a "does not hang" guard of about a minute).
 */
async function paneEnd(t: TmuxTerminal): Promise<{ exit?: string; signal?: string; shellStatus?: string; screen: string }> {
  const tmux = requireTool('tmux');
  let screen = '';
  for (let i = 0; i < 600; i++) {
    screen = await t.screen();
    const mark = EXIT_MARK.exec(screen);
    if (mark) return { exit: mark[1]!, screen };
    const { stdout } = await run(tmux, ['-L', t.socket, 'display-message', '-p', '-t', `${t.socket}:0`, '#{pane_dead}:#{pane_dead_signal}:#{pane_dead_status}']);
    const [dead, signal, status] = stdout.trim().split(':');
    // tmux sometimes marks the pane dead without recording how its shell ended (an empty status): the
    // shell is gone all the same, and it never printed EXIT=, so it did not go on normally.
    if (dead === '1') return signal ? { signal, screen } : { shellStatus: status ?? '', screen };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the demo did not end; the terminal shows:\n${screen}`);
}

const BANNER = /Number to enter in Authenticator:\s+(\d{2})\b/g;

describe('awsfed demo', () => {
  // Each test runs a whole demo (key generation, two emulators, a push of a few seconds) on a shared
  // machine: the limits below only guard against a hang.
  it('--no-prompt runs the whole day: push with the number shown, two destinations chained and listed valid, a second login that asks nothing', async () => {
    home = await bareHome();
    // The caller's AWS settings point at HOME/.aws and a dead STS; the demo must ignore them.
    const result = await runCli(['demo', '--no-prompt'], {
      env: { ...home.env, AWS_PROFILE: 'prod', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' },
      timeoutMs: 100_000,
    });
    expect(result.code, explain(result)).toBe(0);

    expect(result.stderr).toContain(`Sign in as ${DEMO_USER.username} with the password ${DEMO_USER.password}`);
    expect(result.stderr).toContain('your ~/.aws is not touched');
    expect(result.stderr).toMatch(/emulated AD FS and an emulated AWS STS on 127\.0\.0\.1/);
    expect(result.stderr).toMatch(/answers the prompts itself/);
    expect(result.stdout).not.toContain(DEMO_USER.password);

    // The push: the number to match shown once, in its banner, and the wait for the approval.
    const banners = [...result.stderr.matchAll(BANNER)];
    expect(banners, result.stderr).toHaveLength(1);
    expect(result.stderr).toContain(`Approve the sign-in in Microsoft Authenticator on your phone by entering ${banners[0]![1]}`);

    // Once: the gateway and the two destinations.
    const once = after(result.stdout, '== 1. Once');
    for (const d of DEMO_DESTINATIONS) {
      expect(once).toContain(`$ awsfed add ${d.name} --account ${d.account} --role ${d.role}`);
      expect(once).toContain(`added profile ${d.name}: arn:aws:iam::${d.account}:role/${d.role}, assumed from saml`);
    }

    // The morning: login --chain writes the gateway and both destinations.
    const morning = after(result.stdout, '== 2. The morning');
    expect(morning).toContain("$ awsfed login --chain --role '*ReadOnly' --no-prompt");
    expect(morning).toMatch(/Signed in: profile saml holds 111111111111\/ADFS-ReadOnly until /);
    for (const d of DEMO_DESTINATIONS) {
      expect(row(morning, d.name)).toMatch(new RegExp(`${d.account}/${d.role}\\s+ok\\s`));
      // GetCallerIdentity with the destination's keys: the STS accepted the hop.
      expect(morning).toMatch(new RegExp(`^  ${d.name}\\s+arn:aws:sts::${d.account}:assumed-role/${d.role}/alice@corp\\.example$`, 'm'));
    }
    const listed = after(morning, '$ awsfed list');
    expect(row(listed, 'saml')).toMatch(/\(gateway\).*valid, \d+h \d\dm left/);
    for (const d of DEMO_DESTINATIONS) expect(row(listed, d.name)).toMatch(new RegExp(`${d.account}\\s+${d.role}\\s+saml\\s.*valid, (\\d+h )?\\d+m left`));

    // Later: the second login, checked by the demo against what the emulated AD FS saw.
    const later = after(result.stdout, '== 3. Later that day');
    expect(later).toContain('$ awsfed login --role 111111111111/ADFS-ReadOnly');
    expect(later).toMatch(/Signed in: profile saml holds 111111111111\/ADFS-ReadOnly until /);
    expect(later).toMatch(/Asked nothing: AD FS saw 1 request, no password and no second factor\./);

    expect(result.stdout).toMatch(/Done\. The demo removed \S+awsfed-demo-\w+\.$/m);
    await expectHomeUntouched(home);
  }, 120_000);

  it('in a terminal: the user types the shown password, picks a role, sees the number, and the day runs to the end', async () => {
    requireTool('tmux');
    home = await bareHome();
    terminal = await startTmux({ command: [process.execPath, BIN, 'demo'], env: home.env, height: 120 });
    const t = terminal;

    const intro = await t.waitFor('the demo introduction and the user name prompt', /User name:/, 60_000);
    const shown = /with the password (\S+)/.exec(intro);
    expect(shown, intro).not.toBeNull();
    expect(intro).not.toMatch(/answers the prompts itself/);
    expect(intro).toContain(`(${DEMO_USER.username})`);
    await t.keys('Enter');

    await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
    await t.type(shown![1]!);
    await t.waitFor('the masked password', (s) => s.includes('*'.repeat(shown![1]!.length)));
    await t.keys('Enter');

    // The push comes before the role list: the number is on screen while the emulated phone waits.
    const push = await t.waitFor('the number to match', /Number to enter in Authenticator:\s+\d{2}\b/, 30_000);
    expect(push).toMatch(/Approve the sign-in in Microsoft Authenticator (?:on your phone )?by entering \d{2}/);

    const list = await t.waitFor('the role list', (s) => /Choose a role/.test(s) && s.includes('ADFS-Developers'), 30_000);
    expect(list).toMatch(/❯\s+ADFS-Admins/);
    await t.keys('Down', 'Down');
    await t.waitFor('the cursor on ADFS-Developers', /❯\s+ADFS-Developers/);
    await t.keys('Enter');

    const screen = await t.waitFor('the demo to exit', EXIT_MARK, 60_000);
    expect(EXIT_MARK.exec(screen)![1], screen).toBe('0');
    expect(screen).toMatch(/Signed in: profile saml holds 222222222222\/ADFS-Developers until /);
    for (const d of DEMO_DESTINATIONS) {
      expect(screen).toMatch(new RegExp(`^  ${d.name}\\s+arn:aws:sts::${d.account}:assumed-role/${d.role}/alice@corp\\.example$`, 'm'));
    }
    // The second login takes the role picked in the morning and shows no prompt after its command line.
    const later = after(screen, '$ awsfed login --role 222222222222/ADFS-Developers');
    expect(later).toContain('Asked nothing: AD FS saw 1 request, no password and no second factor.');
    expect(later).not.toMatch(/User name:|Password for|Choose a role|Number to enter/);
    expect(screen).not.toContain(`Password for alice@corp.example: ${shown![1]}`);
    await expectHomeUntouched(home);
  }, 120_000);

  it('Ctrl-C during the push wait ends the demo (SIGINT: 130) and removes its directory', async () => {
    requireTool('tmux');
    home = await bareHome();
    terminal = await startTmux({ command: [process.execPath, BIN, 'demo'], env: home.env });
    const t = terminal;
    await t.waitFor('the user name prompt', /User name:/, 60_000);
    await t.keys('Enter');
    await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
    await t.type(DEMO_USER.password);
    await t.keys('Enter');
    await t.waitFor('the number to match', /Number to enter in Authenticator/, 30_000);
    expect(await demoDirsLeft(home)).toHaveLength(1);
    await t.keys('C-c');

    // The demo ends by the signal itself (raised again once its directory is gone), so the pane's shell,
    // seeing its child killed by SIGINT, stops too, as a script should on Ctrl-C: tmux then marks the
    // pane dead by signal 2, or the shell itself exits with 130 (asked of tmux: its "Pane is dead" line is
    // sometimes drawn late). A demo that turns Ctrl-C into exit status 130 prints EXIT=130 instead.
    const end = await paneEnd(t);
    const outcome = end.exit ?? (end.signal !== undefined ? `signal ${end.signal}` : `shell ${end.shellStatus}`);
    expect(outcome, end.screen).toMatch(/^(130|signal 2|shell 130|shell )$/);
    expect(end.screen).not.toMatch(/unexpected error|\bat .*\.js:\d+/);
    await expectHomeUntouched(home);
  }, 120_000);

  it('Ctrl-C at the password prompt ends the demo and removes its directory', async () => {
    requireTool('tmux');
    home = await bareHome();
    terminal = await startTmux({ command: [process.execPath, BIN, 'demo'], env: home.env });
    const t = terminal;
    await t.waitFor('the user name prompt', /User name:/, 60_000);
    await t.keys('Enter');
    await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
    await t.keys('C-c');

    const screen = await t.waitFor('the demo to exit', EXIT_MARK, 30_000);
    expect(EXIT_MARK.exec(screen)![1], screen).toBe('130');
    expect(screen).toContain('Cancelled at the prompt.');
    await expectHomeUntouched(home);
  }, 120_000);

  it('--keep keeps the emulators running and the directory until Ctrl-C, and prints how to use them', async () => {
    home = await bareHome();
    const child = spawn(process.execPath, [BIN, 'demo', '--no-prompt', '--keep'], { env: home.env, stdio: ['ignore', 'pipe', 'pipe'] });
    killers.push(() => child.kill('SIGKILL'));
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));

    // A generous "does not hang" guard, bounded by a count of polls.
    for (let i = 0; i < 1000 && !stdout.includes('until Ctrl-C') && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect(stdout, `stdout:\n${stdout}\nstderr:\n${stderr}`).toContain('The emulators keep running until Ctrl-C.');
    expect(stdout).not.toContain('Done. The demo removed');

    // The printed variables point `awsfed list` at the demo's files: every profile is there, still valid.
    const vars = Object.fromEntries(
      ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL_STS', 'XDG_CACHE_HOME'].map((k) => {
        const m = new RegExp(`${k}=(\\S+)`).exec(stdout);
        expect(m, `${k} in:\n${stdout}`).not.toBeNull();
        return [k, m![1]!];
      }),
    );
    const [dir] = await demoDirsLeft(home);
    expect(dir).toBeDefined();
    expect(vars.AWS_CONFIG_FILE).toBe(join(home.home, dir!, '.aws', 'config'));
    const listed = await runCli(['list'], { env: { ...home.env, ...vars } });
    expect(listed.code, explain(listed)).toBe(0);
    for (const d of DEMO_DESTINATIONS) expect(row(listed.stdout, d.name)).toMatch(/valid/);
    // The STS emulator still answers (any HTTP answer will do: it is listening).
    const sts = await fetch(vars.AWS_ENDPOINT_URL_STS!, { method: 'POST' });
    expect(sts.status).toBeGreaterThanOrEqual(400);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain(`Emulators stopped. The files stay in ${join(home.home, dir!)}`);
    expect(existsSync(vars.AWS_CONFIG_FILE!)).toBe(true);
    await expect(fetch(vars.AWS_ENDPOINT_URL_STS!, { method: 'POST' })).rejects.toThrow();
    expect(existsSync(home.awsDir)).toBe(false);
  }, 120_000);
});
