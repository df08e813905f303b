/**
 * moto_server (the third-party AWS emulator) on 127.0.0.1, started and stopped by a test.
 * The child's environment is the temporary home's (never process.env): moto must not read ~/.aws.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { requireTool } from './peers.js';

const START_DEADLINE_MS = 20_000;

/** Every moto_server child still running: killed when the test process exits, whatever happened to the test. */
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

export interface MotoServer {
  url: string;
  port: number;
  /** What moto printed so far (for failure messages). */
  output(): string;
  close(): Promise<void>;
}

/** A port that was free a moment ago: listen on 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** The dummy credentials and region moto accepts for calls that need no real identity. */
export function motoAdminEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
}

export async function startMotoServer(env: Record<string, string>): Promise<MotoServer> {
  const command = requireTool('moto_server');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let log = '';
  let exited: number | null | undefined;
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (log += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
  const exit = new Promise<void>((resolve) => {
    const ended = (code: number | null): void => {
      if (exited !== undefined) return;
      exited = code;
      liveChildren.delete(child);
      resolve();
    };
    child.once('exit', ended);
    // A child that could not be spawned emits 'error' and never 'exit'.
    child.once('error', (e) => {
      log += `\n${e.message}`;
      ended(null);
    });
  });

  const close = async (): Promise<void> => {
    if (exited !== undefined) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exit.then(() => true), delay(5000).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exit;
    }
  };

  // Wait until it answers (moto starts in a second or two); give up after 20 s with its output.
  // Whatever goes wrong before it answers, the child is stopped before the error is thrown.
  const deadline = Date.now() + START_DEADLINE_MS;
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`moto_server exited (code ${exited}) before answering on ${url}:\n${log}`);
      try {
        const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${url} within ${START_DEADLINE_MS} ms:\n${log}`);
        await delay(100);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { url, port, output: () => log, close };
}
