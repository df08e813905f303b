/**
 * The login half of `npm run bench` (issue 8, item 5): start-up, a credential-process cache hit, a full
 * non-interactive login with 0 and 50 ms per request, the same login by the Python reference
 * (test/bench/reference_login.py, the AWS blog's approach), the requests each makes, a 500-role
 * assertion's parse and role list, and the targets, all from one run.
 *
 * Robust on a shared 2-core machine: the compared commands run round-robin (one of each per round, the
 * starting row rotating), so a burst of load from a neighbour hits every row alike instead of all runs of
 * one command. Each child runs under test/bench/measure.py, which reads its wall time and exact peak RSS
 * (os.wait4's ru_maxrss). The emulators run in this process, whose event loop only waits meanwhile.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { startAdfsEmulator, type AdfsEmulator } from '../emulator/adfs.js';
import { createSelfSignedIdentity } from '../emulator/certs.js';
import { issueSamlResponse } from '../emulator/saml-issuer.js';
import { startStsEmulator, type StsEmulator } from '../emulator/sts.js';
import { parseSamlResponse } from '../saml/parse.js';
import { sortRoles } from '../roles/match.js';
import { formatTable } from '../ui/table.js';

export interface LoginBenchOptions {
  runs: number;
  write(line: string): void;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.cjs');
const FLOOR = join(ROOT, 'dist', 'bench', 'package-floor.js');
const MEASURE = join(ROOT, 'test', 'bench', 'measure.py');
const REFERENCE = join(ROOT, 'test', 'bench', 'reference_login.py');
const USERNAME = 'bench@corp.example';
const PASSWORD = 'Bench-Passw0rd!';
const PROFILE = 'bench';
const ROLE = { roleArn: 'arn:aws:iam::111111111111:role/ADFS-Bench', principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS' };
const LATENCIES = [0, 50] as const;
const MANY_ROLES = 500;

/** The 500-role target: parse and draw under this much CPU. */
const ROLES_CPU_TARGET_MS = 50;

interface Sample {
  wallMs: number;
  maxRssKib: number;
}

interface Job {
  argv: string[];
  env: Record<string, string>;
}

/** The long-lived measure.py: one job at a time, answers in order. */
class Runner {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private counter = 0;
  constructor(
    private readonly dir: string,
    python: string,
  ) {
    this.child = spawn(python, [MEASURE], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => process.stderr.write(`measure.py: ${d}`));
    this.lines = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async hello(): Promise<number> {
    const first = await this.lines.next();
    if (first.done) throw new Error('test/bench/measure.py ended at once (is python3 on PATH?)');
    return (JSON.parse(first.value) as { runner_maxrss_kib: number }).runner_maxrss_kib;
  }

  /** Runs one job; the child's stdout and stderr come back as text. */
  async run(job: Job): Promise<Sample & { status: number; stdout: string; stderr: string }> {
    const n = ++this.counter;
    const stdout = join(this.dir, `out-${n}`);
    const stderr = join(this.dir, `err-${n}`);
    this.child.stdin.write(`${JSON.stringify({ ...job, stdout, stderr })}\n`);
    const next = await this.lines.next();
    if (next.done) throw new Error('test/bench/measure.py ended unexpectedly');
    const reply = JSON.parse(next.value) as { wall_ms: number; maxrss_kib: number; status: number };
    const [out, err] = await Promise.all([readFile(stdout, 'utf8'), readFile(stderr, 'utf8')]);
    await Promise.all([rm(stdout), rm(stderr)]);
    return { wallMs: reply.wall_ms, maxRssKib: reply.maxrss_kib, status: reply.status, stdout: out, stderr: err };
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end();
    await exited;
  }
}

interface Row {
  name: string;
  job: Job;
  /** Checks one run's output; a string is why it failed (then no figure is printed for the row). */
  check(result: { status: number; stdout: string; stderr: string }): string | undefined;
  samples: Sample[];
  /** Set when the row cannot run in this build: printed loudly instead of figures. */
  unavailable?: string;
  failure?: string;
}

interface LoginSetup {
  latencyMs: number;
  adfs: AdfsEmulator;
  sts: StsEmulator;
  home: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

async function startLoginSetup(latencyMs: number, signer: ReturnType<typeof createSelfSignedIdentity>, base: string): Promise<LoginSetup> {
  const sts = await startStsEmulator({
    providers: [{ principalArn: ROLE.principalArn, certPem: signer.certPem }],
    roles: [{ roleArn: ROLE.roleArn, maxSessionDuration: 43200 }],
    latencyMs,
  });
  const adfs = await startAdfsEmulator({
    variant: 'adfs3',
    users: [{ username: USERNAME, password: PASSWORD, roles: [ROLE], roleSessionName: USERNAME, sessionDuration: 28800 }],
    signer,
    latencyMs,
  });
  const home = join(base, `home-${latencyMs}ms`);
  const aws = join(home, '.aws');
  await mkdir(aws, { recursive: true, mode: 0o700 });
  // The stored user name and the IdP URL in the profile, as `awsfed configure` writes them; one role.
  await writeFile(join(aws, 'config'), `[profile ${PROFILE}]\nawsfed_idp_url = ${adfs.entryUrl}\nawsfed_username = ${USERNAME}\nregion = us-east-1\n`, { mode: 0o600 });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: home,
    XDG_CACHE_HOME: join(home, '.cache'),
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    LANG: 'C.UTF-8',
  };
  return { latencyMs, adfs, sts, home, env, close: async () => void (await Promise.all([adfs.close(), sts.close()])) };
}

function awsfedLoginJob(setup: LoginSetup, extra: string[] = []): Job {
  // --no-session: every run signs in from scratch, as the reference does (no IdP cookies reused).
  return { argv: [process.execPath, BIN, 'login', '--profile', PROFILE, '--no-prompt', '--no-session', ...extra], env: { ...setup.env, AWSFED_PASSWORD: PASSWORD } };
}

function referenceJob(setup: LoginSetup, python: string): Job {
  return {
    argv: [python, REFERENCE, '--idp-url', setup.adfs.entryUrl, '--sts-endpoint', setup.sts.url, '--credentials-file', join(setup.home, 'reference-credentials'), '--username', USERNAME],
    env: { PATH: setup.env.PATH!, HOME: setup.home, LANG: 'C.UTF-8', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: join(setup.home, 'reference-credentials'), AWS_EC2_METADATA_DISABLED: 'true', REFERENCE_PASSWORD: PASSWORD },
  };
}

const exitedZero = (r: { status: number; stderr: string }): string | undefined =>
  r.status === 0 ? undefined : `exit ${r.status}: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`;

/** A Version 1 credential_process answer (what the AWS CLI and SDKs accept), nothing else on stdout. */
function credentialProcessCheck(r: { status: number; stdout: string; stderr: string }): string | undefined {
  const failed = exitedZero(r);
  if (failed) return failed;
  try {
    const json = JSON.parse(r.stdout) as Record<string, unknown>;
    if (json.Version !== 1 || typeof json.AccessKeyId !== 'string' || typeof json.SecretAccessKey !== 'string' || typeof json.SessionToken !== 'string') {
      return 'stdout is JSON but not a Version 1 credential_process answer';
    }
  } catch {
    return 'stdout is not JSON';
  }
  if (r.stderr !== '') return 'it wrote to stderr (a cache hit must be silent)';
  return undefined;
}

interface Stats {
  median: number;
  min: number;
  max: number;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

const mib = (kib: number): string => `${(kib / 1024).toFixed(1)} MiB`;
const msText = (v: number): string => `${v.toFixed(v < 10 ? 1 : 0)} ms`;
const spread = (s: Stats, unit: (v: number) => string): string => `${unit(s.median)} (${unit(s.min)} .. ${unit(s.max)})`;

/** The IdP and STS requests one run made, from the emulators' own logs. */
async function countRequests(setup: LoginSetup, run: () => Promise<{ stderr: string; stdout: string }>): Promise<{ idp: string[]; sts: number; output: string }> {
  const idpBefore = setup.adfs.requests.length;
  const stsBefore = setup.sts.calls.length;
  const result = await run();
  return {
    idp: setup.adfs.requests.slice(idpBefore).map((r) => `${r.method} ${r.path.split('?')[0]} -> ${r.status}`),
    sts: setup.sts.calls.length - stsBefore,
    output: result.stderr,
  };
}

/** CPU (user + system) of parsing a 500-role assertion and drawing the role list the login shows. */
async function measureManyRoles(runs: number): Promise<{ cold: number; warm: Stats }> {
  const signer = createSelfSignedIdentity('awsfed bench 500 roles');
  const roles = Array.from({ length: MANY_ROLES }, (_, i) => ({
    roleArn: `arn:aws:iam::${String(100000000000 + (i % 60))}:role/Bench-Role-${i}`,
    principalArn: `arn:aws:iam::${String(100000000000 + (i % 60))}:saml-provider/ADFS`,
  }));
  const samlResponse = issueSamlResponse({ signer, issuer: 'http://adfs.bench.example/adfs/services/trust', nameId: USERNAME, roles, roleSessionName: USERNAME, sessionDuration: 3600, now: new Date() });
  // Modules are loaded before the clock starts: loading is start-up cost, measured by the rows above.
  const { createInquirerPrompter } = await import('../ui/inquirer-prompter.js');
  const once = async (): Promise<number> => {
    const input = new PassThrough();
    const output = new PassThrough();
    let drawn = '';
    const prompter = await createInquirerPrompter({ input, output });
    const before = process.cpuUsage();
    const assertion = parseSamlResponse(samlResponse);
    if (assertion.roles.length !== MANY_ROLES) throw new Error(`the 500-role assertion parsed to ${assertion.roles.length} roles`);
    // The same choices login builds (src/commands/login.ts, chooseRole), drawn by the real prompt.
    const choices = sortRoles(assertion.roles).map((r) => ({ value: r, name: r.roleName, group: r.accountId }));
    const first = sortRoles(assertion.roles)[0]!.roleName;
    const answer = prompter.choose(`Choose a role (${choices.length}; type to filter):`, choices);
    await new Promise<void>((resolve) => {
      const onData = (chunk: Buffer): void => {
        drawn += chunk.toString('utf8');
        if (drawn.includes(first)) {
          output.off('data', onData);
          resolve();
        }
      };
      output.on('data', onData);
    });
    const used = process.cpuUsage(before);
    input.write('\r');
    await answer;
    return (used.user + used.system) / 1000;
  };
  const cold = await once();
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push(await once());
  return { cold, warm: stats(warm) };
}

export async function benchLogins(opts: LoginBenchOptions): Promise<{ ok: boolean }> {
  const { write, runs } = opts;
  const python = 'python3';
  const base = await mkdtemp(join(tmpdir(), 'awsfed-bench-'));
  const runner = new Runner(base, python);
  const signer = createSelfSignedIdentity('awsfed bench signing');
  const setups: LoginSetup[] = [];
  let ok = true;
  try {
    const runnerRss = await runner.hello();
    for (const latency of LATENCIES) setups.push(await startLoginSetup(latency, signer, base));
    const [fast] = setups;

    const rows: Row[] = [
      { name: 'node -e 0', job: { argv: [process.execPath, '-e', '0'], env: { PATH: fast!.env.PATH! } }, check: exitedZero, samples: [] },
      { name: 'awsfed --version', job: { argv: [process.execPath, BIN, '--version'], env: fast!.env }, check: exitedZero, samples: [] },
      { name: 'awsfed --help', job: { argv: [process.execPath, BIN, '--help'], env: fast!.env }, check: exitedZero, samples: [] },
      {
        name: `awsfed credential-process --profile ${PROFILE} (cache hit)`,
        job: { argv: [process.execPath, BIN, 'credential-process', '--profile', PROFILE], env: fast!.env },
        check: credentialProcessCheck,
        samples: [],
      },
    ];
    for (const setup of setups) {
      rows.push({ name: `awsfed login, ${setup.latencyMs} ms/request`, job: awsfedLoginJob(setup), check: exitedZero, samples: [] });
      rows.push({
        name: `python reference, ${setup.latencyMs} ms/request`,
        job: referenceJob(setup, python),
        check: (r) => exitedZero(r) ?? (/^requests \d+$/m.test(r.stdout) ? undefined : 'no "requests N" line'),
        samples: [],
      });
    }
    // The floor: the fixed runtime packages of a sign-in loaded and set up, nothing done (package-floor.ts).
    const floor: Row = { name: 'floor: axios + cheerio/slim + STS client loaded, nothing done', job: { argv: [process.execPath, FLOOR], env: fast!.env }, check: exitedZero, samples: [] };
    rows.push(floor);
    const [bare, version, , cacheHit] = rows as [Row, Row, Row, Row];
    const fixedRows = 4; // node -e 0, --version, --help, the cache hit: measured after the logins wrote the keys

    // Warm-up, not counted: the file cache, Python's bytecode cache. The logins go first: the 0 ms one
    // writes the credentials the cache-hit row then reads (keys awsfed itself wrote, valid for 8 hours).
    // The cache-hit row has no password in its environment, so a miss fails instead of timing a login.
    for (const row of [...rows.slice(fixedRows), ...rows.slice(0, fixedRows)]) {
      const result = await runner.run(row.job);
      const why = row.check(result);
      if (why === undefined) continue;
      if (row === cacheHit) {
        row.unavailable = `awsfed credential-process is NOT AVAILABLE in this build (${why}); no figure for this row`;
      } else {
        row.failure = why;
      }
    }

    // Round-robin: one run of each row per round, starting one row later each round.
    const active = rows.filter((r) => r.unavailable === undefined && r.failure === undefined);
    for (let round = 0; round < runs; round++) {
      for (let k = 0; k < active.length; k++) {
        const row = active[(round + k) % active.length]!;
        if (row.failure !== undefined) continue;
        const result = await runner.run(row.job);
        const why = row.check(result);
        if (why !== undefined) row.failure = why;
        else row.samples.push({ wallMs: result.wallMs, maxRssKib: result.maxRssKib });
      }
    }

    // Requests per login: one more run of each with the emulators' logs read around it, awsfed's with --debug.
    const requestLines: string[] = [];
    const requestCounts = new Map<string, { awsfed: number; reference: number }>();
    for (const setup of setups) {
      const mine = await countRequests(setup, () => runner.run(awsfedLoginJob(setup, ['--debug'])));
      const theirs = await countRequests(setup, () => runner.run(referenceJob(setup, python)));
      const reasons = mine.output.split('\n').filter((l) => l.startsWith('debug: request: ')).map((l) => l.slice('debug: request: '.length));
      requestCounts.set(String(setup.latencyMs), { awsfed: mine.idp.length + mine.sts, reference: theirs.idp.length + theirs.sts });
      if (setup.latencyMs === 0) {
        requestLines.push(`awsfed login: ${mine.idp.length} IdP requests + ${mine.sts} STS call (emulators' logs); --debug lists ${reasons.length}:`);
        for (const r of reasons) requestLines.push(`  ${r.replace(/127\.0\.0\.1:\d+/, 'LOOPBACK')}`);
        requestLines.push(`python reference: ${theirs.idp.length} IdP requests + ${theirs.sts} STS call (emulators' logs):`);
        for (const r of theirs.idp) requestLines.push(`  ${r}`);
        for (let i = 0; i < theirs.sts; i++) requestLines.push('  POST / (STS AssumeRoleWithSAML)');
        if (reasons.length !== mine.idp.length + mine.sts) {
          ok = false;
          requestLines.push(`  NOTE: --debug listed ${reasons.length} requests but the emulators saw ${mine.idp.length + mine.sts}`);
        }
      }
    }

    const roles = await measureManyRoles(runs);

    // ---- report ----
    write(`Logins and start-up: ${runs} runs per row, round-robin; wall time and peak RSS per child from os.wait4 (test/bench/measure.py)`);
    write(`Peak RSS is ru_maxrss of each child, exact; Linux keeps the high-water mark across exec, so values below the runner's own ${mib(runnerRss)} could not show (none is near it).`);
    write('Every child runs with a small fixed environment (PATH, HOME, the AWS_* variables pointing at the emulators): a variable such as');
    write('NODE_EXTRA_CA_CERTS in a real environment adds its cost to every node row alike (and not to python).');
    write('');
    const table: string[][] = [];
    for (const row of rows) {
      if (row.unavailable !== undefined) {
        table.push([row.name, '*** NOT AVAILABLE (see below) ***', '-', '0']);
        continue;
      }
      if (row.failure !== undefined || row.samples.length === 0) {
        table.push([row.name, '*** FAILED (see below) ***', '-', String(row.samples.length)]);
        continue;
      }
      const wall = stats(row.samples.map((s) => s.wallMs));
      const rss = stats(row.samples.map((s) => s.maxRssKib));
      table.push([row.name, spread(wall, msText), spread(rss, mib), String(row.samples.length)]);
    }
    write(formatTable(['ROW', 'WALL median (min .. max)', 'PEAK RSS median (min .. max)', 'N'], table));
    write('');

    const med = (row: Row, pick: (s: Sample) => number): number | undefined =>
      row.unavailable === undefined && row.failure === undefined && row.samples.length > 0 ? stats(row.samples.map(pick)).median : undefined;
    const ratioText = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? 'n/a' : (a / b).toFixed(2));
    const ratioRows: string[][] = [];
    for (const setup of setups) {
      const mine = rows.find((r) => r.name === `awsfed login, ${setup.latencyMs} ms/request`)!;
      const theirs = rows.find((r) => r.name === `python reference, ${setup.latencyMs} ms/request`)!;
      const counts = requestCounts.get(String(setup.latencyMs))!;
      ratioRows.push([
        `${setup.latencyMs} ms/request`,
        ratioText(med(mine, (s) => s.wallMs), med(theirs, (s) => s.wallMs)),
        ratioText(med(mine, (s) => s.maxRssKib), med(theirs, (s) => s.maxRssKib)),
        `${counts.awsfed} / ${counts.reference}`,
      ]);
    }
    write('awsfed login / python reference (medians, same run)');
    write(formatTable(['LATENCY', 'WALL RATIO', 'RSS RATIO', 'REQUESTS awsfed / python'], ratioRows));
    write('');
    write('HTTP requests per login (0 ms/request)');
    for (const line of requestLines) write(line);
    write('');
    write(`${MANY_ROLES}-role assertion: CPU (process.cpuUsage) to parse it (src/saml/parse.ts) and draw the role list (the login's role prompt, first screen)`);
    write(`  median of ${runs}: ${spread(roles.warm, msText)}; first run in this process (cold JIT): ${msText(roles.cold)}`);
    write('');

    // ---- targets ----
    const target = (name: string, figure: string, met: boolean | undefined): string[] => [name, figure, met === undefined ? 'NOT MEASURED' : met ? 'met' : 'NOT met'];
    const targets: string[][] = [];
    for (const setup of setups) {
      const mine = rows.find((r) => r.name === `awsfed login, ${setup.latencyMs} ms/request`)!;
      const theirs = rows.find((r) => r.name === `python reference, ${setup.latencyMs} ms/request`)!;
      const [mw, tw, mr, tr] = [med(mine, (s) => s.wallMs), med(theirs, (s) => s.wallMs), med(mine, (s) => s.maxRssKib), med(theirs, (s) => s.maxRssKib)];
      targets.push(
        target(
          `login wall <= 0.5x python (${setup.latencyMs} ms/request)`,
          mw !== undefined && tw !== undefined ? `${msText(mw)} vs ${msText(tw)} = ${(mw / tw).toFixed(2)}x` : 'n/a',
          mw !== undefined && tw !== undefined ? mw <= 0.5 * tw : undefined,
        ),
      );
      targets.push(
        target(
          `login peak RSS <= python (${setup.latencyMs} ms/request)`,
          mr !== undefined && tr !== undefined ? `${mib(mr)} vs ${mib(tr)} = ${(mr / tr).toFixed(2)}x` : 'n/a',
          mr !== undefined && tr !== undefined ? mr <= tr : undefined,
        ),
      );
    }
    const b = med(bare, (s) => s.wallMs);
    const c = med(cacheHit, (s) => s.wallMs);
    const v = med(version, (s) => s.wallMs);
    targets.push(target('credential-process cache hit <= 1.3x node -e 0', c !== undefined && b !== undefined ? `${msText(c)} vs ${msText(b)} = ${(c / b).toFixed(2)}x` : cacheHit.unavailable ? 'n/a: command not in this build' : 'n/a', c !== undefined && b !== undefined ? c <= 1.3 * b : undefined));
    targets.push(target('awsfed --version <= 1.2x node -e 0', v !== undefined && b !== undefined ? `${msText(v)} vs ${msText(b)} = ${(v / b).toFixed(2)}x` : 'n/a', v !== undefined && b !== undefined ? v <= 1.2 * b : undefined));
    targets.push(target(`${MANY_ROLES} roles parsed and drawn < ${ROLES_CPU_TARGET_MS} ms CPU`, `${msText(roles.warm.median)} (median)`, roles.warm.median < ROLES_CPU_TARGET_MS));
    const fr = med(floor, (s) => s.maxRssKib);
    const fw = med(floor, (s) => s.wallMs);
    const reference0 = rows.find((r) => r.name === 'python reference, 0 ms/request')!;
    const pr = med(reference0, (s) => s.maxRssKib);
    const pw = med(reference0, (s) => s.wallMs);
    write('Targets (issue 8)');
    if (fr !== undefined && pr !== undefined && fw !== undefined && pw !== undefined) {
      write(`Floor: the fixed runtime packages alone, loaded and nothing done, take ${mib(fr)} peak RSS (${(fr / pr).toFixed(2)}x the reference's whole login)`);
      write(`and ${msText(fw)} (${(fw / pw).toFixed(2)}x its wall time): no login built on them can go below that on this machine.`);
    }
    write(formatTable(['TARGET', 'FIGURES', 'STATUS'], targets));

    if (cacheHit.unavailable !== undefined) {
      ok = false;
      write('');
      write(`*** ${cacheHit.unavailable}: the cache-hit row and its target are missing from this run. ***`);
    }
    const failed = rows.filter((r) => r.failure !== undefined);
    if (failed.length > 0) {
      ok = false;
      write('');
      for (const r of failed) write(`*** ${r.name} FAILED: ${r.failure} ***`);
    }
  } finally {
    await runner.close();
    await Promise.all(setups.map((s) => s.close()));
    await rm(base, { recursive: true, force: true });
  }
  return { ok };
}
