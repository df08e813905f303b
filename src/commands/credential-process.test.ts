import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeDeps, memoryFiles } from '../../test/helpers/fake-deps.js';
import { IdpError, PromptError, SamlError } from '../errors.js';
import { configureCredentialProcess, credentialProcessLine, shellQuote } from './configure-process.js';
import { parseIni } from '../ini/document.js';
import { DEFAULT_MIN_TTL_SECONDS, formatProcessCredentials, parseCredentialProcessArgv, parseMinTtl, serveCachedCredentials } from './credential-process-cache.js';
import { lockProfile, needsPersonError } from './credential-process.js';

const SRC = normalize(join(dirname(fileURLToPath(import.meta.url)), '..'));
// Static, non-type imports only: `import('…')` is the lazy path, `import type` is erased.
const STATIC_IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)[^'";]*?\bfrom\s+['"]([^'"]+)['"]/g;

/** Every package (bare specifier) the module at `file` loads before it runs, through its static imports. */
function staticPackages(file: string, seen = new Set<string>(), out = new Set<string>()): Set<string> {
  if (seen.has(file)) return out;
  seen.add(file);
  for (const m of readFileSync(join(SRC, file), 'utf8').matchAll(STATIC_IMPORT)) {
    const spec = m[1]!;
    if (spec.startsWith('.')) staticPackages(normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'), seen, out);
    else out.add(spec);
  }
  return out;
}

describe('credential-process start-up cost', () => {
  it('the cache-hit module and the command module load no package at top level (only node: built-ins)', () => {
    for (const file of ['commands/credential-process-cache.ts', 'commands/credential-process.ts']) {
      expect([...staticPackages(file)].filter((p) => !p.startsWith('node:')), file).toEqual([]);
    }
    // The walker does see packages where there are some.
    expect([...staticPackages('cli.ts')]).toContain('commander');
  });

  it('nor the sign-in machinery: login, the chain, HTTP, the IdP conversation, SAML, STS, prompts', () => {
    const heavy = /^(commands\/(login|gateway-sign-in)|chain\/|http\/|idp\/|saml\/(parse|xml)|sts\/|ui\/(prompt|progress|inquirer)|session\/session-store)/;
    for (const file of ['commands/credential-process-cache.ts', 'commands/credential-process.ts']) {
      const seen = new Set<string>();
      staticPackages(file, seen);
      expect([...seen].filter((f) => heavy.test(f)), file).toEqual([]);
    }
  });
});

describe('--min-ttl and the fast-entry argv', () => {
  it('parses seconds and units like --duration, 0..12h, default 15m', () => {
    expect(parseMinTtl(undefined)).toBe(DEFAULT_MIN_TTL_SECONDS);
    expect(parseMinTtl('900')).toBe(900);
    expect(parseMinTtl('30m')).toBe(1800);
    expect(parseMinTtl('1h')).toBe(3600);
    expect(parseMinTtl('0')).toBe(0);
    for (const bad of ['soon', '13h', '-5', '']) expect(() => parseMinTtl(bad), bad).toThrow(expect.objectContaining({ code: 'MIN_TTL_INVALID' }));
  });

  it('reads --profile, -p, --min-ttl (also with =) and --debug; anything else is left to the full CLI', () => {
    expect(parseCredentialProcessArgv(['--profile', 'prod'])).toEqual({ profile: 'prod', minTtlSeconds: 900, debug: false });
    expect(parseCredentialProcessArgv(['-p', 'prod', '--min-ttl=1h', '--debug'])).toEqual({ profile: 'prod', minTtlSeconds: 3600, debug: true });
    expect(parseCredentialProcessArgv([])).toBeUndefined();
    expect(parseCredentialProcessArgv(['--profile'])).toBeUndefined();
    expect(parseCredentialProcessArgv(['--profile', 'prod', '--help'])).toBeUndefined();
    expect(parseCredentialProcessArgv(['--profile', 'prod', '--min-ttl', 'soon'])).toBeUndefined();
  });
});

describe('serveCachedCredentials', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const keys = (expires: string, principal = 'arn:aws:sts::444444444444:assumed-role/Prod/alice') =>
    `[prod]\naws_access_key_id = ASIAPROD\naws_secret_access_key = secret\naws_session_token = token\nx_security_token_expires = ${expires}\nx_principal_arn = ${principal}\n`;
  const config = '[profile prod]\nrole_arn = arn:aws:iam::444444444444:role/Prod\nsource_profile = saml\n';
  const serve = async (credentials: string, minTtlSeconds = 900) => {
    const deps = { ...fakeDeps('/home/u', { HOME: '/home/u' }), clock: () => now };
    deps.files = memoryFiles({ '/home/u/.aws/credentials': credentials, '/home/u/.aws/config': config });
    return serveCachedCredentials({ profile: 'prod', minTtlSeconds }, deps);
  };

  it('serves keys with more than the minimum left, as the exact Version 1 document', async () => {
    expect(await serve(keys('2026-12-01T12:16:00Z'))).toBe(
      '{"Version":1,"AccessKeyId":"ASIAPROD","SecretAccessKey":"secret","SessionToken":"token","Expiration":"2026-12-01T12:16:00Z"}',
    );
  });

  it('misses at or under the minimum, for another role, and without keys', async () => {
    expect(await serve(keys('2026-12-01T12:15:00Z'))).toBeUndefined();
    expect(await serve(keys('2026-12-01T12:40:00Z'), 3600)).toBeUndefined();
    expect(await serve(keys('2026-12-01T18:00:00Z', 'arn:aws:sts::111111111111:assumed-role/ADFS-Admins/alice'))).toBeUndefined();
    expect(await serve('')).toBeUndefined();
  });

  it('formats the expiry as RFC 3339 UTC without milliseconds', () => {
    const json = JSON.parse(formatProcessCredentials({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiration: new Date('2026-12-01T12:00:00.123Z') }));
    expect(json.Expiration).toBe('2026-12-01T12:00:00Z');
  });
});

describe('needsPersonError', () => {
  it('turns a refused prompt or a role choice into one line naming the login; other errors stay', () => {
    const prompt = new PromptError('PROMPT_UNAVAILABLE', 'Cannot ask for "Password": --no-prompt is set.');
    const e = needsPersonError(prompt, 'prod', 'saml')!;
    expect(e.code).toBe('INTERACTIVE_SIGN_IN_NEEDED');
    expect(e.exitCode).toBe(7);
    expect(e.message).toBe('prod needs an interactive sign-in: run `awsfed login --profile saml`');
    expect(e.hint).toBe('');
    expect(e.cause).toBe(prompt);
    expect(needsPersonError(new SamlError('ROLE_CHOICE_NEEDED', 'x'), 'saml', 'saml')?.code).toBe('INTERACTIVE_SIGN_IN_NEEDED');
    expect(needsPersonError(new IdpError('IDP_BAD_CREDENTIALS', 'x'), 'saml', 'saml')).toBeUndefined();
    expect(needsPersonError(new PromptError('PROMPT_CANCELLED', 'x'), 'saml', 'saml')).toBeUndefined();
  });
});

describe('the credential_process line', () => {
  it('quotes words with spaces or quotes the POSIX way, leaves plain paths bare', () => {
    expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
    expect(shellQuote('/opt/my tools/bin.js')).toBe(`'/opt/my tools/bin.js'`);
    expect(shellQuote(`/o'brien/bin.js`)).toBe(`'/o'\\''brien/bin.js'`);
    expect(credentialProcessLine('/n o/node', '/b/bin.js', 'prod')).toBe(`'/n o/node' /b/bin.js credential-process --profile prod`);
  });
});


describe('unattended MFA (credential_process)', () => {
  it('Duo: a preset passcode still answers; otherwise no push is sent, the run fails as needing a person', async () => {
    const { chooseFactor } = await import('../idp/mfa/duo/conversation.js');
    const ports = { http: {} as never, status: () => {}, sleep: async () => {}, now: () => 0, timeLimitMs: 1000, unattended: true };
    const offer = { factors: ['Duo Push', 'Passcode'], hidden: {} };
    await expect(chooseFactor(offer, { ...ports, code: '123456' })).resolves.toEqual({ factor: 'passcode', passcode: '123456' });
    await expect(chooseFactor(offer, ports)).rejects.toMatchObject({ code: 'PROMPT_UNAVAILABLE' });
    await expect(chooseFactor(offer, { ...ports, unattended: false })).resolves.toEqual({ factor: 'push' });
  });
});

describe('configureCredentialProcess', () => {
  const gateway = '[profile saml]\nawsfed_idp_url = https://adfs.example/adfs/ls/IdpInitiatedSignOn.aspx\nregion = eu-west-1\n';
  const setup = (config: string, credentials = '') => {
    const deps = fakeDeps('/home/u', { HOME: '/home/u' });
    const files = memoryFiles({ '/home/u/.aws/config': config, '/home/u/.aws/credentials': credentials });
    deps.files = files;
    return { deps, files };
  };
  const paths = { nodePath: '/usr/bin/node', binPath: '/opt/awsfed/dist/bin.js' };

  it('writes [profile saml-process] and leaves [profile saml] byte for byte', async () => {
    const { deps, files } = setup(gateway);
    const result = await configureCredentialProcess({ source: 'saml', ...paths }, deps);
    expect(result.profile).toBe('saml-process');
    expect(files.texts.get('/home/u/.aws/config')).toBe(
      `${gateway}\n[profile saml-process]\ncredential_process = /usr/bin/node /opt/awsfed/dist/bin.js credential-process --profile saml\nregion = eu-west-1\n`,
    );
  });

  it('refuses NAME == P, and a NAME with keys, a role_arn or an IdP URL unless --force', async () => {
    const keys = '[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n';
    const { deps } = setup(gateway, keys);
    await expect(configureCredentialProcess({ source: 'saml', as: 'saml', ...paths }, deps)).rejects.toMatchObject({ code: 'PROCESS_PROFILE_IS_SOURCE' });
    await expect(configureCredentialProcess({ source: 'saml', as: 'other', ...paths }, deps)).rejects.toMatchObject({ code: 'PROCESS_PROFILE_IN_USE' });
    const withRole = setup(`${gateway}[profile x]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = saml\n`);
    await expect(configureCredentialProcess({ source: 'saml', as: 'x', ...paths }, withRole.deps)).rejects.toMatchObject({ code: 'PROCESS_PROFILE_IN_USE' });
    await configureCredentialProcess({ source: 'saml', as: 'x', force: true, ...paths }, withRole.deps);
    const section = parseIni(withRole.files.texts.get('/home/u/.aws/config')!, 'config').getSection('profile x');
    expect(section).toEqual({ credential_process: '/usr/bin/node /opt/awsfed/dist/bin.js credential-process --profile saml', region: 'eu-west-1' });
    // Running it again (an awsfed line already there) is an update, not a clash.
    await expect(configureCredentialProcess({ source: 'saml', ...paths }, deps)).resolves.toMatchObject({ profile: 'saml-process' });
    await expect(configureCredentialProcess({ source: 'saml', ...paths }, deps)).resolves.toMatchObject({ profile: 'saml-process' });
  });
});

describe('the per-profile lock', () => {
  const lockDeps = async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const home = await mkdtemp(join(tmpdir(), 'awsfed-cp-lock-'));
    const deps = fakeDeps(home, { HOME: home, XDG_CACHE_HOME: join(home, 'cache') });
    const lock = join(home, 'cache', 'awsfed', 'credential-process', 'prod.lock');
    return { home, deps, lock };
  };

  it('a live holder past the wait limit is CREDENTIAL_PROCESS_BUSY (exit 6), naming the lock file', async () => {
    const { mkdir, writeFile, rm } = await import('node:fs/promises');
    const { hostname } = await import('node:os');
    const { home, deps, lock } = await lockDeps();
    await mkdir(dirname(lock), { recursive: true });
    // Our parent process: alive, on this host, and not us.
    await writeFile(lock, `${process.ppid} feedc0de ${hostname()}\n`);
    const error = await lockProfile('prod', deps, 200).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'CREDENTIAL_PROCESS_BUSY', exitCode: 6 });
    expect((error as Error & { hint: string }).hint).toContain(lock);
    await rm(home, { recursive: true, force: true });
  });

  it('a lock left by a run that died is taken over at once; the lock is gone after release', async () => {
    const { mkdir, writeFile, rm, stat } = await import('node:fs/promises');
    const { hostname } = await import('node:os');
    const { spawnSync } = await import('node:child_process');
    const { home, deps, lock } = await lockDeps();
    await mkdir(dirname(lock), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    await writeFile(lock, `${dead} feedc0de ${hostname()}\n`);
    const release = await lockProfile('prod', deps, 60_000);
    await release();
    await expect(stat(lock)).rejects.toMatchObject({ code: 'ENOENT' });
    await rm(home, { recursive: true, force: true });
  });
});
