/**
 * Runs the built CLI (dist/bin.cjs) as a subprocess with a temporary HOME, the way a user runs it.
 * The environment is built from scratch: nothing of the developer's AWS settings leaks in.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'dist', 'bin.cjs');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TempHome {
  home: string;
  awsDir: string;
  configFile: string;
  credentialsFile: string;
  /** A minimal environment pointing every AWS path into this home. */
  env: Record<string, string>;
  read(file: 'config' | 'credentials'): Promise<string>;
  cleanup(): Promise<void>;
}

export async function makeTempHome(): Promise<TempHome> {
  const home = await mkdtemp(join(tmpdir(), 'awsfed-test-home-'));
  const awsDir = join(home, '.aws');
  await mkdir(awsDir, { mode: 0o700 });
  const configFile = join(awsDir, 'config');
  const credentialsFile = join(awsDir, 'credentials');
  return {
    home,
    awsDir,
    configFile,
    credentialsFile,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      TMPDIR: home,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      // The IdP session cache stays inside this home, never in the developer's cache directory.
      XDG_CACHE_HOME: join(home, '.cache'),
      // The AWS CLI and SDK must never reach the instance metadata service from a test.
      AWS_EC2_METADATA_DISABLED: 'true',
      // A role list or {alias} would post the assertion to the real AWS sign-in page; the tests of account
      // names turn this on with AWSFED_SIGNIN_ENDPOINT pointing at the loopback sign-in emulator.
      AWSFED_ACCOUNT_NAME_LOOKUP: 'false',
      // Windows integrated sign-in tries Kerberos first: never with the developer's ticket cache or realm
      // (whose KDCs are on the network). The Kerberos tests give their loopback realm's instead.
      KRB5CCNAME: `FILE:${join(home, 'no-krb5-ticket')}`,
      KRB5_CONFIG: join(home, 'no-krb5.conf'),
      LANG: 'C.UTF-8',
    },
    read: (file) => readFile(file === 'config' ? configFile : credentialsFile, 'utf8'),
    cleanup: () => rm(home, { recursive: true, force: true }),
  };
}

export function runCli(args: string[], options: { env: Record<string, string>; input?: string; timeoutMs?: number }): Promise<RunResult> {
  return runProcess(process.execPath, [BIN, ...args], options);
}

export function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string | undefined>; input?: string; timeoutMs?: number; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: options.env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 20000} ms\nstdout:${stdout}\nstderr:${stderr}`));
    }, options.timeoutMs ?? 20000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    // A child that exits (or closes its stdin, as fish -c does) before reading it: EPIPE here is no failure.
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A run's exit code and output, for assertion messages. */
export function explain(r: RunResult): string {
  return `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
}
