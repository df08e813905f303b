/**
 * The moto_server helper itself: servers started at the same moment never collide on a port, even
 * when another process takes a port between the moment one is chosen and the moment moto binds it.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { explain, makeTempHome, runProcess, type TempHome } from './cli.js';
import { motoAdminEnv, startMotoServer, type MotoServer } from './moto.js';
import { requireTool } from './peers.js';

const homes: TempHome[] = [];
const servers: MotoServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  return home;
}

async function answers(server: MotoServer): Promise<number> {
  const res = await fetch(`${server.url}/moto-api/`, { signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res.status;
}

/**
 * A moto_server that stands for the race: before moto starts, "another process" binds the port moto is
 * asked for and keeps it (the socket is handed on across exec), unless the port is 0, which no one can
 * take in advance. Then the real moto_server runs with the same arguments.
 */
async function squattingMoto(home: TempHome): Promise<string> {
  const real = requireTool('moto_server');
  const python = requireTool('python3');
  const script = join(home.home, 'moto_server');
  await writeFile(
    script,
    `#!${python}
import os, socket, sys
args = sys.argv[1:]
port = int(args[args.index('-p') + 1])
if port != 0:
    squatter = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    squatter.bind(('127.0.0.1', port))
    squatter.listen()
    squatter.set_inheritable(True)
os.execv(${JSON.stringify(real)}, [${JSON.stringify(real)}] + args)
`,
  );
  await chmod(script, 0o755);
  return script;
}

describe('startMotoServer', () => {
  it('two servers started at once listen on different ports and each answers on its own', async () => {
    const [a, b] = await Promise.all([newHome(), newHome()]);
    const started = await Promise.allSettled([startMotoServer(a.env), startMotoServer(b.env)]);
    for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
    expect(started.map((s) => s.status), JSON.stringify(started.map((s) => (s.status === 'rejected' ? String(s.reason) : s.value.url)))).toEqual(['fulfilled', 'fulfilled']);
    const [first, second] = servers as [MotoServer, MotoServer];
    expect(first.port).not.toBe(second.port);
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    expect(await answers(first)).toBe(200);
    expect(await answers(second)).toBe(200);
    // Two processes, not two names for one: the second still answers once the first is stopped.
    await first.close();
    expect(await answers(second)).toBe(200);
  });

  it('starts even when another process takes the port it would have been given in advance', async () => {
    const home = await newHome();
    const server = await startMotoServer(home.env, { command: await squattingMoto(home) });
    servers.push(server);
    expect(await answers(server)).toBe(200);
  });

  it('reset() forgets what moto holds, so a shared server gives each test an empty IAM', async () => {
    const aws = requireTool('aws');
    const home = await newHome();
    const server = await startMotoServer(home.env);
    servers.push(server);
    const iam = (args: string[]) => runProcess(aws, ['iam', ...args, '--output', 'json'], { env: { ...home.env, ...motoAdminEnv(server.url) }, cwd: home.home, timeoutMs: 30000 });
    const created = await iam(['create-group', '--group-name', 'gateway']);
    expect(created.code, explain(created)).toBe(0);
    const before = await iam(['get-group', '--group-name', 'gateway']);
    expect(before.code, explain(before)).toBe(0);
    await server.reset();
    const after = await iam(['get-group', '--group-name', 'gateway']);
    expect(after.code, explain(after)).not.toBe(0);
    expect(after.stderr).toContain('NoSuchEntity');
  });
});
