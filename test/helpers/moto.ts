/**
 * moto_server (the third-party AWS emulator) on 127.0.0.1, started and stopped by a test.
 * The child's environment is the temporary home's (never process.env): moto must not read ~/.aws.
 */
import { spawn, type ChildProcess } from 'node:child_process';
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
  /** Forgets everything moto holds (IAM roles, policies, issued keys): a clean emulator for the next test. */
  reset(): Promise<void>;
  close(): Promise<void>;
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

/**
 * The port moto's web server (werkzeug) says it listens on: " * Running on http://127.0.0.1:PORT".
 * It prints the line once the socket is bound, with the port the OS gave it for `-p 0`.
 */
export function listeningPort(output: string): number | undefined {
  const port = /Running on https?:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
  return port === undefined ? undefined : Number(port);
}

export interface MotoStartOptions {
  /** The moto_server executable; found on PATH when absent (a test of this helper wraps it). */
  command?: string;
}

export async function startMotoServer(env: Record<string, string>, options: MotoStartOptions = {}): Promise<MotoServer> {
  const command = options.command ?? requireTool('moto_server');
  // Port 0: the OS picks a free port at the moment moto binds it. A port picked in advance (listen on 0,
  // read, close, hand to moto) can be taken by another moto or any other process in between, and moto
  // then exits with "Address already in use": two test files starting moto at once could collide.
  const child: ChildProcess = spawn(command, ['-H', '127.0.0.1', '-p', '0'], {
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

  // Wait until moto says which port it bound and answers there (it starts in a second or two); give up
  // after 20 s with its output. Whatever goes wrong before it answers, the child is stopped first.
  const deadline = Date.now() + START_DEADLINE_MS;
  let port: number | undefined;
  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`moto_server exited (code ${exited}) before answering:\n${log}`);
      port ??= listeningPort(log);
      if (port !== undefined) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/moto-api/`, { signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          break;
        } catch {
          // Bound but not answering yet: poll again.
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`moto_server did not answer within ${START_DEADLINE_MS} ms (${port === undefined ? 'it printed no port' : `port ${port}`}):\n${log}`);
      }
      await delay(100);
    }
  } catch (error) {
    await close();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const reset = async (): Promise<void> => {
    const res = await fetch(`${url}/moto-api/reset`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`moto_server refused /moto-api/reset (HTTP ${res.status}):\n${log}`);
  };
  return { url, port: port!, output: () => log, reset, close };
}
