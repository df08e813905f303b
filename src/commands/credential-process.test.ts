import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeDeps, memoryFiles } from '../../test/helpers/fake-deps.js';
import { IdpError, PromptError, SamlError } from '../errors.js';
import fc from 'fast-check';
import { configureCredentialProcess, runningAwsfed } from './configure-process.js';
import { credentialProcessLine, parseAwsfedProcessLine, shellQuote } from './process-line.js';
import { parseIni } from '../ini/document.js';
import { DEFAULT_MIN_TTL_SECONDS, formatProcessCredentials, parseCredentialProcessArgv, parseMinTtl, serveCachedCredentials } from './credential-process-cache.js';
import { credentialProcess, lockProfile, needsPersonError } from './credential-process.js';

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

  it('reads --profile, -p and --min-ttl (also with =); anything else, --debug included, is left to the full CLI', () => {
    expect(parseCredentialProcessArgv(['--profile', 'prod'])).toEqual({ profile: 'prod', minTtlSeconds: 900 });
    expect(parseCredentialProcessArgv(['-p', 'prod', '--min-ttl=1h'])).toEqual({ profile: 'prod', minTtlSeconds: 3600 });
    expect(parseCredentialProcessArgv(['-p', 'prod', '--debug'])).toBeUndefined();
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

  it.each([
    ['/usr/bin/node /opt/awsfed/dist/bin.cjs credential-process --profile prod', 'prod'],
    [`'/opt/my tools/node' '/opt/my tools/awsfed/dist/bin.cjs' credential-process --profile prod`, 'prod'],
    [`"/opt/my tools/node" "/opt/my \\"odd\\" tools/dist/bin.cjs" credential-process -p prod`, 'prod'],
    [`'/home/o'\\''brien/node' '/home/o'\\''brien/dist/bin.cjs' credential-process --min-ttl 30m --profile=prod`, 'prod'],
    [`/usr/bin/node /opt/my\\ tools/dist/bin.js credential-process --profile 'prod eu'`, 'prod eu'],
    ['awsfed credential-process --profile prod', 'prod'],
    ['C:\\\\Tools\\\\awsfed.cmd credential-process -p prod', 'prod'],
  ])('recognises awsfed\'s line %s (profile %s)', (line, profile) => {
    expect(parseAwsfedProcessLine(line)).toEqual({ profile });
  });

  it('an awsfed line without --profile is still awsfed\'s (AWSFED_PROFILE names the profile)', () => {
    expect(parseAwsfedProcessLine('awsfed credential-process --min-ttl 1h')).toEqual({ profile: undefined });
  });

  it.each([
    'granted credential-process --profile prod',
    'aws-vault export --format=json prod',
    `'/opt/credential-process tools/helper' --profile prod`,
    `/usr/bin/node '/opt/credential-process/dist/bin.cjs' --profile prod`,
    `/usr/bin/node '/opt/awsfed/dist/bin.cjs' credential-process --profile 'prod`,
    '',
  ])('is not awsfed\'s line: %s', (line) => {
    expect(parseAwsfedProcessLine(line)).toBeUndefined();
  });

  it('reads back the profile of every line configure writes, whatever the paths hold', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string({ minLength: 1 }), (node, dir, profile) => {
        const line = credentialProcessLine(node, `${dir}/dist/bin.cjs`, profile);
        expect(parseAwsfedProcessLine(line)).toEqual({ profile });
      }),
    );
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

  it('updates its own earlier line, quoted paths included, but not another tool\'s credential-process line', async () => {
    const ours = setup(`${gateway}[profile saml-process]\ncredential_process = '/opt/old tools/node' '/opt/old tools/awsfed/dist/bin.cjs' credential-process --profile saml\n`);
    await expect(configureCredentialProcess({ source: 'saml', ...paths }, ours.deps)).resolves.toMatchObject({ profile: 'saml-process' });
    expect(parseIni(ours.files.texts.get('/home/u/.aws/config')!, 'config').get('profile saml-process', 'credential_process')).toBe(
      '/usr/bin/node /opt/awsfed/dist/bin.js credential-process --profile saml',
    );
    const theirs = setup(`${gateway}[profile saml-process]\ncredential_process = granted credential-process --profile saml\n`);
    await expect(configureCredentialProcess({ source: 'saml', ...paths }, theirs.deps)).rejects.toMatchObject({ code: 'PROCESS_PROFILE_IN_USE', message: expect.stringContaining('another credential_process') });
  });
});

describe('the running awsfed in the line configure writes', () => {
  it('names node\'s binary and the script behind an npm bin symlink, resolved', async () => {
    const { mkdtemp, mkdir, rm, symlink, writeFile, realpath } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'awsfed-cp-bin-'));
    try {
      await mkdir(join(dir, 'lib', 'awsfed', 'dist'), { recursive: true });
      await mkdir(join(dir, 'bin'));
      await writeFile(join(dir, 'lib', 'awsfed', 'dist', 'bin.cjs'), '');
      await symlink('../lib/awsfed/dist/bin.cjs', join(dir, 'bin', 'awsfed'));
      const real = await realpath(join(dir, 'lib', 'awsfed', 'dist', 'bin.cjs'));
      expect(runningAwsfed(join(dir, 'bin', 'awsfed'), '/usr/bin/node')).toEqual({ nodePath: '/usr/bin/node', binPath: real });
      // A script that is gone still gets an absolute path.
      expect(runningAwsfed(join(dir, 'bin', 'gone'), '/usr/bin/node').binPath).toBe(join(dir, 'bin', 'gone'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is what configure writes when not told otherwise (cli.ts passes no paths)', async () => {
    const deps = fakeDeps('/home/u', { HOME: '/home/u' });
    const files = memoryFiles({ '/home/u/.aws/config': '[profile saml]\nawsfed_idp_url = https://adfs.example/adfs/ls/IdpInitiatedSignOn.aspx\n' });
    deps.files = files;
    const result = await configureCredentialProcess({ source: 'saml' }, deps);
    const { nodePath, binPath } = runningAwsfed();
    expect(result.written.credential_process).toBe(credentialProcessLine(nodePath, binPath, 'saml'));
  });
});

describe('credential-process asked for a profile that has a credential_process line', () => {
  // A temporary home: a run that goes on past the check takes its lock in the user's cache directory.
  const ask = async (line: string) => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const home = await mkdtemp(join(tmpdir(), 'awsfed-cp-helper-'));
    const deps = fakeDeps(home, { HOME: home, XDG_CACHE_HOME: join(home, 'cache') });
    deps.files = memoryFiles({
      [join(home, '.aws', 'config')]: `[profile saml]\nawsfed_idp_url = https://adfs.example/adfs/ls/IdpInitiatedSignOn.aspx\n\n[profile x]\ncredential_process = ${line}\n`,
    });
    try {
      return await credentialProcess({ profile: 'x', minTtlSeconds: 900 }, deps).then(() => undefined, (e: unknown) => e);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  };

  it('refuses awsfed\'s own line (quoted paths, --profile=), naming the profile it serves', async () => {
    const error = await ask(`'/opt/my tools/node' '/opt/my tools/awsfed/dist/bin.cjs' credential-process --min-ttl 30m --profile=saml`);
    expect(error).toMatchObject({ code: 'CREDENTIAL_PROCESS_OF_HELPER', message: 'x is the profile whose credential_process runs awsfed; awsfed serves the keys of saml.' });
  });

  it('does not take another tool\'s credential-process line for awsfed\'s', async () => {
    const error = await ask('granted credential-process --profile saml');
    // x is then what it is to awsfed: neither a gateway nor chained from one.
    expect(error).toMatchObject({ code: 'CHAIN_ROOT_NO_CREDENTIALS' });
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

describe('a cache miss', () => {
  it('reads the credentials file twice (before the lock, and under it for what another run wrote), not once more per step; the config twice', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const home = await mkdtemp(join(tmpdir(), 'awsfed-cp-reads-'));
    try {
      const now = new Date('2026-12-01T12:00:00Z');
      const deps = { ...fakeDeps(home, { HOME: home, XDG_CACHE_HOME: join(home, 'cache') }), clock: () => now };
      const credentialsFile = join(home, '.aws', 'credentials');
      const configFile = join(home, '.aws', 'config');
      const files = memoryFiles({
        [configFile]: '[profile saml]\nawsfed_idp_url = https://adfs.example/adfs/ls/IdpInitiatedSignOn.aspx\n\n[profile prod]\nrole_arn = arn:aws:iam::444444444444:role/Prod\nsource_profile = saml\n',
        // The gateway's keys hold: the miss is the destination's, served by one AssumeRole.
        [credentialsFile]: '[saml]\naws_access_key_id = ASIAGATEWAY\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-12-01T18:00:00Z\n',
      });
      const reads = new Map<string, number>();
      deps.files = { ...files, read: async (path) => (reads.set(path, (reads.get(path) ?? 0) + 1), files.read(path)) };
      deps.sts = {
        ...deps.sts,
        assumeRole: async (_target, _creds, input) => ({
          accessKeyId: 'ASIAPROD',
          secretAccessKey: 'prod-secret',
          sessionToken: 'prod-token',
          expiration: new Date('2026-12-01T13:00:00Z'),
          assumedRoleArn: `arn:aws:sts::444444444444:assumed-role/Prod/${input.roleSessionName}`,
        }),
      };
      const json = JSON.parse(await credentialProcess({ profile: 'prod', minTtlSeconds: 900 }, deps)) as Record<string, unknown>;
      expect(json).toMatchObject({ Version: 1, AccessKeyId: 'ASIAPROD' });
      expect(files.updates).toEqual([credentialsFile]);
      expect({ credentials: reads.get(credentialsFile), config: reads.get(configFile) }).toEqual({ credentials: 2, config: 2 });
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

describe('the password command under credential_process', () => {
  // Nobody watches a credential_process: a password (or MFA) command stuck on input it never gets must
  // not hold the calling SDK for the interactive minute. Each case signs in to the AD FS emulator.
  const run = async (extraConfig: string, extraEnv: Record<string, string> = {}): Promise<number | undefined> => {
    const { mkdtemp, mkdir, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { DEMO_ROLES, DEMO_USER, startDemoEnvironment } = await import('../emulator/demo-environment.js');
    const env = await startDemoEnvironment();
    const home = await mkdtemp(join(tmpdir(), 'awsfed-cp-pwcmd-'));
    try {
      await mkdir(join(home, '.aws'));
      const role = DEMO_ROLES[0]!.roleArn.replace(/^arn:aws:iam::(\d+):role\//, '$1/');
      await writeFile(
        join(home, '.aws', 'config'),
        `[profile saml]\nawsfed_idp_url = ${env.adfs.entryUrl}\nawsfed_username = ${DEMO_USER.username}\nawsfed_role = ${role}\nawsfed_password_command = get-password\n${extraConfig}`,
      );
      const deps = fakeDeps(home, { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), AWS_ENDPOINT_URL_STS: env.sts.url, ...extraEnv });
      let timeoutMs: number | undefined;
      deps.runCommand = async (_command, _env, options) => {
        timeoutMs = options?.timeoutMs;
        return { exitCode: 0, stdout: `${DEMO_USER.password}\n`, stderr: '' };
      };
      const json = JSON.parse(await credentialProcess({ profile: 'saml', minTtlSeconds: 900 }, deps)) as Record<string, unknown>;
      expect(json).toMatchObject({ Version: 1 });
      return timeoutMs;
    } finally {
      await rm(home, { recursive: true, force: true });
      await env.close();
    }
  };

  it('gets a short limit (15 s) when none is set', async () => {
    expect(await run('')).toBe(15_000);
  });

  it('an explicit setting still wins: awsfed_password_command_timeout, AWSFED_PASSWORD_COMMAND_TIMEOUT', async () => {
    expect(await run('awsfed_password_command_timeout = 90\n')).toBe(90_000);
    expect(await run('awsfed_password_command_timeout = 90\n', { AWSFED_PASSWORD_COMMAND_TIMEOUT: '2m' })).toBe(120_000);
  });
});
