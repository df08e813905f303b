/**
 * A real MIT Kerberos realm on loopback for the Windows integrated sign-in tests (issue 9 item 2): its
 * own database, KDC (krb5kdc, TCP on a free 127.0.0.1 port), principals and keytab, all in a temporary
 * directory, reached through KRB5_CONFIG / KRB5_KDC_PROFILE / KRB5CCNAME / KRB5_KTNAME so that nothing
 * of the machine's Kerberos set-up (/etc/krb5.conf, /var/lib/krb5kdc) is read or touched.
 *
 * Needs the Debian packages krb5-kdc (krb5kdc, kdb5_util), krb5-admin-server (kadmin.local) and
 * krb5-user (kinit, klist); a missing one fails the test naming it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './peers.js';

export interface TestRealm {
  readonly realm: string;
  readonly dir: string;
  /** The environment of a client of this realm (krb5.conf), without a ticket cache. */
  readonly env: Record<string, string>;
  /** Gets a ticket for `user` with `password` into a fresh cache; its KRB5CCNAME. */
  kinit(user: string, password: string): string;
  /** The environment an acceptor (the emulated AD FS) needs: krb5.conf and the service keytab. */
  readonly acceptorEnv: Record<string, string>;
  close(): Promise<void>;
}

const TOOLS: Record<string, string> = {
  krb5kdc: 'krb5kdc (Debian package krb5-kdc)',
  kdb5_util: 'kdb5_util (Debian package krb5-kdc)',
  'kadmin.local': 'kadmin.local (Debian package krb5-admin-server)',
  kinit: 'kinit (Debian package krb5-user)',
};

function tool(name: string): string {
  try {
    return requireTool(name);
  } catch {
    for (const dir of ['/usr/sbin', '/sbin']) {
      const r = spawnSync('sh', ['-c', `command -v ${name}`], { env: { ...process.env, PATH: dir }, encoding: 'utf8' });
      if (r.status === 0) return r.stdout.trim();
    }
    throw new Error(`This test needs ${TOOLS[name] ?? name}, which is not on PATH (also looked in /usr/sbin). Install it (see README, "Tests").`);
  }
}

/** /usr/sbin is not on every PATH (a non-root shell's): the KDC tools live there. */
function withSbin(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, PATH: `${env.PATH ?? ''}:/usr/sbin:/sbin` };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function waitForPort(port: number, kdc: ChildProcess, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    if (kdc.exitCode !== null) throw new Error(`krb5kdc exited with ${kdc.exitCode} before it listened`);
    const up = await new Promise<boolean>((done) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        done(true);
      });
      socket.on('error', () => done(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error(`krb5kdc did not listen on 127.0.0.1:${port} within ${limitMs} ms`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/**
 * Starts a realm with `users` (name and password) and host-based `services` (e.g. HTTP/127.0.0.1), whose
 * keys go into one keytab.
 */
export async function startTestRealm(opts: { realm?: string; users: Array<{ name: string; password: string }>; services: string[] }): Promise<TestRealm> {
  for (const name of Object.keys(TOOLS)) tool(name);
  const realm = opts.realm ?? 'AWSFED.TEST';
  const dir = await mkdtemp(join(tmpdir(), 'awsfed-kdc-'));
  const port = await freePort();
  const keytab = join(dir, 'http.keytab');
  const krb5Conf = join(dir, 'krb5.conf');
  const kdcConf = join(dir, 'kdc.conf');
  // TCP only (udp_preference_limit = 1), no DNS: the service name is the URL's host as written.
  await writeFile(
    krb5Conf,
    `[libdefaults]
  default_realm = ${realm}
  dns_lookup_realm = false
  dns_lookup_kdc = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  ticket_lifetime = 1h
[realms]
  ${realm} = {
    kdc = 127.0.0.1:${port}
  }
[domain_realm]
  127.0.0.1 = ${realm}
  localhost = ${realm}
`,
  );
  await writeFile(
    kdcConf,
    `[kdcdefaults]
  kdc_listen = 127.0.0.1:${port}
  kdc_tcp_listen = 127.0.0.1:${port}
[realms]
  ${realm} = {
    database_name = ${join(dir, 'principal')}
    key_stash_file = ${join(dir, 'stash')}
    acl_file = ${join(dir, 'kadm5.acl')}
    kdc_listen = 127.0.0.1:${port}
    kdc_tcp_listen = 127.0.0.1:${port}
  }
[logging]
  kdc = FILE:${join(dir, 'kdc.log')}
`,
  );
  try {
    return await startIn(dir, port, realm, opts, keytab, krb5Conf, kdcConf);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(
  dir: string,
  port: number,
  realm: string,
  opts: { users: Array<{ name: string; password: string }>; services: string[] },
  keytab: string,
  krb5Conf: string,
  kdcConf: string,
): Promise<TestRealm> {
  await writeFile(join(dir, 'kadm5.acl'), '');
  const env: Record<string, string> = { KRB5_CONFIG: krb5Conf, KRB5_KDC_PROFILE: kdcConf };
  const run = (command: string, args: string[], input?: string): void => {
    const r = spawnSync(command, args, { env: withSbin({ ...process.env, ...env }), input, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  };
  run('kdb5_util', ['create', '-s', '-r', realm, '-P', 'awsfed-test-master-key']);
  for (const user of opts.users) run('kadmin.local', ['-r', realm, '-q', `addprinc -pw ${user.password} ${user.name}`]);
  for (const service of opts.services) {
    run('kadmin.local', ['-r', realm, '-q', `addprinc -randkey ${service}`]);
    run('kadmin.local', ['-r', realm, '-q', `ktadd -k ${keytab} ${service}`]);
  }
  const kdc = spawn('krb5kdc', ['-n', '-r', realm, '-P', join(dir, 'kdc.pid')], { env: withSbin({ ...process.env, ...env }), stdio: 'ignore' });
  try {
    await waitForPort(port, kdc, 15_000);
  } catch (error) {
    kdc.kill('SIGKILL');
    throw error;
  }
  let caches = 0;
  return {
    realm,
    dir,
    env: { KRB5_CONFIG: krb5Conf },
    // No replay cache under /var/tmp: the acceptor keeps none (each test's tickets are fresh anyway).
    acceptorEnv: { KRB5_CONFIG: krb5Conf, KRB5_KTNAME: `FILE:${keytab}`, KRB5RCACHETYPE: 'none' },
    kinit(user, password) {
      const cache = `FILE:${join(dir, `cc-${++caches}`)}`;
      const r = spawnSync('kinit', [user], { env: { ...process.env, KRB5_CONFIG: krb5Conf, KRB5CCNAME: cache }, input: `${password}\n`, encoding: 'utf8', timeout: 30_000 });
      if (r.status !== 0) throw new Error(`kinit ${user} failed (${r.status ?? r.signal}): ${r.stderr}`);
      return cache;
    },
    async close() {
      const exited = new Promise((done) => kdc.once('exit', done));
      kdc.kill('SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 3000).unref())]);
      if (kdc.exitCode === null) kdc.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sets `vars` in this process (the in-process emulator's acceptor reads them); gives them back. */
export function setProcessEnv(vars: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
