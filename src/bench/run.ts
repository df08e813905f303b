/**
 * `npm run bench`: the login against a Python reference, how close chained refresh comes to the ideal
 * wall time, and what the CLI costs to start.
 *
 * 0. Logins (login-bench.ts, issue 8 item 5): `node -e 0`, `awsfed --version`, `--help`, a credential-process
 *    cache hit, a full non-interactive login at 0 and 50 ms per request, the same login by the Python
 *    reference (test/bench/reference_login.py), the floor of the fixed packages (package-floor.ts),
 *    requests per login, a 500-role assertion, the targets.
 *    `--runs N` (or AWSFED_BENCH_RUNS) sets the runs per row, default 15; `--runs 1` is the tests' tiny mode.
 * 1. Chaining: the loopback STS emulator (in a worker thread, as real STS is another machine's CPU)
 *    answers every call after 50 ms of injected latency and knows
 *    50 destination roles. One AssumeRoleWithSAML gives the root keys; executeHops then assumes all 50
 *    at several concurrency bounds. The ideal wall time at bound c is one round trip x ceil(50 / c),
 *    with the round trip measured in the same run (single AssumeRole calls, median of a few).
 *
 * A script, not a test: it prints figures and asserts nothing. It writes to stdout directly because it
 * is its own entry point (the CLI's rule of no direct output applies to the CLI's modules).
 */
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { executeHops, DEFAULT_CONCURRENCY } from '../chain/execute.js';
import type { Hop } from '../catalog/chain-plan.js';
import { createSelfSignedIdentity } from '../emulator/certs.js';
import { issueSamlResponse } from '../emulator/saml-issuer.js';
import type { StsEmulatorOptions } from '../emulator/sts.js';
import { silentLogger } from '../log.js';
import { assumeRole, assumeRoleWithSaml } from '../sts/client.js';
import type { AwsCredentials, StsTarget } from '../sts/client.js';
import { formatTable } from '../ui/table.js';
import { benchLogins } from './login-bench.js';

const DESTINATIONS = 50;
const LATENCY_MS = 50;
const BOUNDS: Array<number | undefined> = [1, 4, 8, 16, undefined];
const RTT_SAMPLES = 5;
const DEFAULT_RUNS = 15;

function runsWanted(): number {
  const i = process.argv.indexOf('--runs');
  const text = i >= 0 ? process.argv[i + 1] : process.env.AWSFED_BENCH_RUNS;
  if (text === undefined) return DEFAULT_RUNS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--runs / AWSFED_BENCH_RUNS must be a whole number >= 1, not ${JSON.stringify(text)}`);
  return n;
}
const RUNS = runsWanted();

const GATEWAY_ROLE = 'arn:aws:iam::111111111111:role/ADFS-Admins';
const PROVIDER = 'arn:aws:iam::111111111111:saml-provider/ADFS';
const destinationArn = (i: number) => `arn:aws:iam::${String(200000000000 + i)}:role/Bench${i}`;

const write = (text: string): void => void process.stdout.write(`${text}\n`);
// Node 20: the SDK would print a support notice on stderr (bin.ts silences it the same way).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Starts the STS emulator in a worker thread (see sts-worker.ts). */
async function startStsInWorker(options: StsEmulatorOptions): Promise<{ url: string; close(): Promise<void> }> {
  const worker = new Worker(new URL('./sts-worker.js', import.meta.url), { workerData: options });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url: string }) => resolve(m.url));
    worker.once('error', reject);
  });
  return {
    url,
    close: async () => {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('close');
      await exited;
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;
const ratio = (value: number): string => value.toFixed(2);

async function benchChaining(): Promise<void> {
  const signer = createSelfSignedIdentity('awsfed bench signing');
  const sts = await startStsInWorker({
    providers: [{ principalArn: PROVIDER, certPem: signer.certPem }],
    roles: [{ roleArn: GATEWAY_ROLE, maxSessionDuration: 43200 }, ...Array.from({ length: DESTINATIONS }, (_, i) => ({ roleArn: destinationArn(i) }))],
    latencyMs: LATENCY_MS,
  });
  try {
    const target: StsTarget = { region: 'us-east-1', endpoint: sts.url };
    const samlAssertion = issueSamlResponse({
      signer,
      issuer: 'http://adfs.bench.example/adfs/services/trust',
      nameId: 'bench@corp.example',
      roles: [{ roleArn: GATEWAY_ROLE, principalArn: PROVIDER }],
      roleSessionName: 'bench@corp.example',
      sessionDuration: 3600,
      now: new Date(),
    });
    const root: AwsCredentials = await assumeRoleWithSaml(target, { roleArn: GATEWAY_ROLE, principalArn: PROVIDER, samlAssertion, durationSeconds: 3600 });

    // One round trip: a single AssumeRole, as each hop makes (client set-up, signing, 50 ms, parsing).
    const single = async (): Promise<number> => {
      const start = performance.now();
      await assumeRole({ ...target, maxAttempts: 1 }, root, { roleArn: destinationArn(0), roleSessionName: 'bench', durationSeconds: 3600 });
      return performance.now() - start;
    };
    await single(); // warm-up: module loading and the first connection are not a round trip
    const samples: number[] = [];
    for (let i = 0; i < RTT_SAMPLES; i++) samples.push(await single());
    const rtt = median(samples);

    const hops: Hop[] = Array.from({ length: DESTINATIONS }, (_, i) => ({
      profile: `bench-${i}`,
      roleArn: destinationArn(i),
      sourceProfile: 'saml',
      depth: 1,
    }));
    const roots = new Map([['saml', root]]);
    const rows: string[][] = [];
    let sequential: number | undefined;
    for (const bound of BOUNDS) {
      const cpuBefore = process.cpuUsage();
      const start = performance.now();
      const outcomes = await executeHops(hops, roots, {
        ...(bound !== undefined ? { concurrency: bound } : {}),
        sts: () => target,
        assumeRole,
        log: silentLogger,
        defaultSessionName: 'bench@corp.example',
      });
      const wall = performance.now() - start;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const failed = outcomes.filter((o) => !o.ok).length;
      const c = bound ?? DEFAULT_CONCURRENCY;
      if (bound === 1) sequential = wall;
      const ideal = rtt * Math.ceil(DESTINATIONS / c);
      rows.push([
        bound === undefined ? `${c} (default)` : String(c),
        ms(wall),
        ms(ideal),
        ratio(wall / ideal),
        sequential !== undefined ? ratio(sequential / wall) : '-',
        ms(cpuMs),
        failed === 0 ? `${DESTINATIONS}/${DESTINATIONS}` : `${DESTINATIONS - failed}/${DESTINATIONS} (${failed} failed)`,
      ]);
    }

    write(`Chained refresh: ${DESTINATIONS} destinations, STS emulator with ${LATENCY_MS} ms latency per call`);
    write(`Round trip (one AssumeRole, median of ${RTT_SAMPLES}): ${ms(rtt)}   samples: ${samples.map((s) => s.toFixed(0)).join(', ')} ms`);
    write('');
    write(formatTable(['CONCURRENCY', 'WALL', 'IDEAL = RTT x ceil(50/c)', 'WALL/IDEAL', 'SEQUENTIAL/WALL', 'CPU', 'OK'], rows));
    write('');
    write(
      `CPU: this process's CPU time for the 50 calls, client and emulator thread together (SDK signing, HTTP, XML,\n` +
        `SigV4 checks). No concurrency bound takes WALL below CPU / CPUs. ` +
        `Host: ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`,
    );
  } finally {
    await sts.close();
  }
}


const logins = await benchLogins({ runs: RUNS, write });
write('');
await benchChaining();
// The bench reports rather than asserts: targets not met still exit 0. A row that could not be
// measured (a missing command, a failed login) is no figure at all, so that one exits non-zero.
if (!logins.ok) {
  write('');
  write('*** Some rows could not be measured (see the *** lines above): exit status 1. ***');
  process.exitCode = 1;
}
