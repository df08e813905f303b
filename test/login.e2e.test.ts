/**
 * End to end: the built CLI (dist/bin.cjs) signs in non-interactively against the loopback AD FS and STS
 * emulators started here, and writes ~/.aws/credentials and ~/.aws/config in a temporary HOME.
 * Covers every IdP variant, the --role forms, session durations, password sources, `awsfed configure`
 * and TLS with a private CA. Every run is also checked for leaked secrets.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, GATEWAY_ACCOUNT, OTHER_ACCOUNT, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import type { AdfsVariant } from '../src/emulator/adfs.js';
import { parseIni } from '../src/ini/document.js';
import { ROOT, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { becomesGone } from './helpers/processes.js';
import { expectNoSecrets } from './helpers/secrets.js';

const PASSWORD = DEMO_USER.password;
const USERNAME = DEMO_USER.username;
const ADMINS = DEMO_ROLES[0]!;
const READ_ONLY = DEMO_ROLES[1]!;
const DEVELOPERS = DEMO_ROLES[2]!;
const PASSWORD_SCRIPT = join(ROOT, 'fixtures', 'e2e', 'password-command.sh');

const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  return home;
}

function cliEnv(home: TempHome, env: DemoEnvironment, extra: Record<string, string> = {}): Record<string, string> {
  return { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...extra };
}

interface WrittenCredentials {
  section: Record<string, string>;
  config: Record<string, string> | undefined;
}

/** Parses what login wrote for `profile`, checks the shape of every key, and checks the run leaked nothing. */
async function expectCredentials(home: TempHome, result: RunResult, role: { roleArn: string }, profile = 'saml'): Promise<WrittenCredentials> {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const credentials = parseIni(await home.read('credentials'), home.credentialsFile);
  const section = credentials.getSection(profile);
  expect(section, `[${profile}] in the credentials file`).toBeDefined();
  const s = section!;
  expect(s.aws_access_key_id).toMatch(/^ASIA[A-Z0-9]{16}$/);
  expect(s.aws_secret_access_key).toMatch(/^\S{30,}$/);
  expect(s.aws_session_token).toMatch(/^\S{100,}$/);
  expect(s.x_security_token_expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  expect(Number.isNaN(Date.parse(s.x_security_token_expires!))).toBe(false);
  const m = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(role.roleArn)!;
  expect(s.x_principal_arn).toBe(`arn:aws:sts::${m[1]}:assumed-role/${m[2]}/${USERNAME}`);
  expect(s).not.toHaveProperty('aws_security_token');
  expectNoSecrets(result, [PASSWORD, s.aws_secret_access_key!, s.aws_session_token!]);
  expect(result.stdout).toContain(`account  ${m[1]}`);
  expect(result.stdout).toContain(`role     ${m[2]}`);
  const config = parseIni(await home.read('config'), home.configFile).getSection(profile === 'default' ? 'default' : `profile ${profile}`);
  return { section: s, config };
}

function samlCalls(env: DemoEnvironment) {
  return env.sts.calls.filter((c) => c.action === 'AssumeRoleWithSAML');
}

/** The last AssumeRoleWithSAML call succeeded for this role with this duration. */
function expectAssumed(env: DemoEnvironment, role: { roleArn: string; principalArn: string }, durationSeconds: number): void {
  const call = samlCalls(env).at(-1);
  expect(call).toBeDefined();
  expect(call!.status).toBe(200);
  expect(call!.signed).toBe(false);
  expect(call!.params.RoleArn).toBe(role.roleArn);
  expect(call!.params.PrincipalArn).toBe(role.principalArn);
  expect(call!.params.DurationSeconds).toBe(String(durationSeconds));
}

describe.each<{ variant: AdfsVariant; relyingParty?: string }>([
  { variant: 'adfs3' },
  { variant: 'adfs2019' },
  { variant: 'adfs2' },
  { variant: 'generic' },
  { variant: 'site-selection' },
  { variant: 'site-selection', relyingParty: 'Amazon Web Services' },
])('login against the $variant IdP (relying party: $relyingParty)', ({ variant, relyingParty }) => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ variant });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('signs in with --username, AWSFED_PASSWORD and --role, and writes credentials and config', async () => {
    const home = await newHome();
    const before = samlCalls(env).length;
    const args = ['login', '--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', '*ReadOnly', '--no-prompt'];
    if (relyingParty !== undefined) args.push('--relying-party', relyingParty);
    const result = await runCli(args, { env: cliEnv(home, env, { AWSFED_PASSWORD: PASSWORD }) });
    const written = await expectCredentials(home, result, READ_ONLY);
    expect(samlCalls(env).length).toBe(before + 1);
    expectAssumed(env, READ_ONLY, 28800);
    expect(written.config).toEqual({ region: 'us-east-1', output: 'json', awsfed_role_session_name: 'alice@corp.example' });
    // The IdP saw the password posted once, never an empty AuthMethod or a duplicate field.
    const posts = env.adfs.requests.filter((r) => r.method === 'POST');
    expect(posts.length, 'POSTs seen by the IdP').toBeGreaterThan(0);
    for (const post of posts) expect(new Set(post.fieldNames).size).toBe(post.fieldNames.length);
    if (variant === 'site-selection') {
      // The relying party was picked on the site-selection page ("Sign in to one of the following sites").
      expect(posts.some((p) => p.fieldNames.includes('SignInOtherSite') && p.fieldNames.includes('RelyingParty'))).toBe(true);
    }
  });

  it('signs in with --password-stdin and a full role ARN', async () => {
    const home = await newHome();
    const args = ['login', '--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', DEVELOPERS.roleArn, '--password-stdin'];
    if (relyingParty !== undefined) args.push('--relying-party', relyingParty);
    const result = await runCli(args, { env: cliEnv(home, env), input: `${PASSWORD}\n` });
    await expectCredentials(home, result, DEVELOPERS);
    expectAssumed(env, DEVELOPERS, 28800);
  });
});

describe('site selection with another relying party named', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ variant: 'site-selection' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('--relying-party picks the named relying party, whose token is not a SAML response for AWS', async () => {
    const home = await newHome();
    const result = await runCli(
      ['login', '--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', '*ReadOnly', '--no-prompt', '--relying-party', 'Salesforce'],
      { env: cliEnv(home, env, { AWSFED_PASSWORD: PASSWORD }) },
    );
    // Salesforce's assertion carries no AWS roles: the choice of relying party really reached the IdP.
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/no AWS role/);
    expect(samlCalls(env)).toHaveLength(0);
    expectNoSecrets(result, [PASSWORD]);
  });
});

describe('role choice, duration and password sources (AD FS 3.0)', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({
      variant: 'adfs3',
      users: [
        demoUser(),
        demoUser({ username: 'solo@corp.example', roles: [DEVELOPERS], roleSessionName: USERNAME }),
        demoUser({ username: 'short@corp.example', roles: [READ_ONLY], roleSessionName: USERNAME }),
      ],
      // ReadOnly keeps IAM's default MaxSessionDuration of one hour.
      stsRoles: [{ roleArn: READ_ONLY.roleArn, maxSessionDuration: 3600 }],
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  const login = (home: TempHome, args: string[], extraEnv: Record<string, string> = { AWSFED_PASSWORD: PASSWORD }, input?: string) =>
    runCli(['login', '--idp-url', env.adfs.entryUrl, '--no-prompt', ...args], { env: cliEnv(home, env, extraEnv), input });

  it('--role ACCOUNT/ROLE-NAME', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--role', `${GATEWAY_ACCOUNT}/ADFS-Admins`, '--duration', '2h']);
    await expectCredentials(home, result, ADMINS);
    expectAssumed(env, ADMINS, 7200);
  });

  it('--role as a glob', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--role', '*Develop*', '--duration', '1h']);
    await expectCredentials(home, result, DEVELOPERS);
    expectAssumed(env, DEVELOPERS, 3600);
  });

  it('the role stored with `awsfed configure --role`', async () => {
    const home = await newHome();
    const configured = await runCli(['configure', '--role', `${OTHER_ACCOUNT}/ADFS-Developers`], { env: home.env });
    expect(configured.code).toBe(0);
    expect(parseIni(await home.read('config')).get('profile saml', 'awsfed_role')).toBe(`${OTHER_ACCOUNT}/ADFS-Developers`);
    const result = await login(home, ['--username', USERNAME]);
    await expectCredentials(home, result, DEVELOPERS);
    expectAssumed(env, DEVELOPERS, 28800);
  });

  it('the only role is chosen without --role', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', 'solo@corp.example']);
    await expectCredentials(home, result, DEVELOPERS);
    expectAssumed(env, DEVELOPERS, 28800);
  });

  it('duration defaults to the SessionDuration the IdP sent (28800)', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins']);
    const { section } = await expectCredentials(home, result, ADMINS);
    expectAssumed(env, ADMINS, 28800);
    const call = samlCalls(env).at(-1)!;
    const lifetime = Date.parse(section.x_security_token_expires!) - call.at.getTime();
    expect(Math.round(lifetime / 3600_000)).toBe(8);
  });

  it('--duration 1h asks STS for 3600 seconds', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins', '--duration', '1h']);
    const { section } = await expectCredentials(home, result, ADMINS);
    expectAssumed(env, ADMINS, 3600);
    const lifetime = Date.parse(section.x_security_token_expires!) - samlCalls(env).at(-1)!.at.getTime();
    expect(Math.round(lifetime / 3600_000)).toBe(1);
  });

  it("over the role's MaxSessionDuration: STS refuses 8h, the CLI retries at 3600 s and says so", async () => {
    const home = await newHome();
    const before = samlCalls(env).length;
    const result = await login(home, ['--username', 'short@corp.example', '--duration', '8h']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: .*28800.*MaxSessionDuration.*3600/);
    const calls = samlCalls(env).slice(before);
    expect(calls.map((c) => [c.params.RoleArn, c.params.DurationSeconds, c.status, c.errorCode])).toEqual([
      [READ_ONLY.roleArn, '28800', 400, 'ValidationError'],
      [READ_ONLY.roleArn, '3600', 200, undefined],
    ]);
    const credentials = parseIni(await home.read('credentials')).getSection('saml')!;
    expect(credentials.aws_access_key_id).toMatch(/^ASIA/);
    expect(credentials.x_principal_arn).toBe(`arn:aws:sts::${GATEWAY_ACCOUNT}:assumed-role/ADFS-ReadOnly/${USERNAME}`);
    expectNoSecrets(result, [PASSWORD, credentials.aws_secret_access_key!, credentials.aws_session_token!]);
  });

  it('--password-stdin wins over AWSFED_PASSWORD', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--role', '*ReadOnly', '--duration', '1h', '--password-stdin'], { AWSFED_PASSWORD: 'Wrong-Passw0rd!' }, PASSWORD);
    await expectCredentials(home, result, READ_ONLY);
    expectNoSecrets(result, [PASSWORD, 'Wrong-Passw0rd!']);
  });

  it('AWSFED_PASSWORD wins over awsfed_password_command', async () => {
    const home = await newHome();
    expect((await runCli(['configure', '--password-command', 'printf %s Wrong-Passw0rd!'], { env: home.env })).code).toBe(0);
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins']);
    await expectCredentials(home, result, ADMINS);
    expectNoSecrets(result, [PASSWORD, 'Wrong-Passw0rd!']);
  });

  it('awsfed_password_command stored by `awsfed configure --password-command` (inline printf)', async () => {
    const home = await newHome();
    const configured = await runCli(['configure', '--password-command', `printf %s ${PASSWORD}`], { env: home.env });
    expect(configured.code).toBe(0);
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins'], {});
    await expectCredentials(home, result, ADMINS);
  });

  it('awsfed_password_command as a script (its trailing newline is not part of the password)', async () => {
    const home = await newHome();
    const configured = await runCli(['configure', '--password-command', PASSWORD_SCRIPT], { env: home.env });
    expect(configured.code).toBe(0);
    expectNoSecrets(configured, [PASSWORD]);
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins'], {});
    await expectCredentials(home, result, ADMINS);
  });

  it("the password command's stderr reaches the terminal (a PIN prompt shows), and only its first stdout line is the password", async () => {
    const home = await newHome();
    const command = `printf 'PIN for the vault: ' >&2; printf '%s\\n%s\\n' '${PASSWORD}' 'second-line-not-the-password'`;
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins', '--password-command', command], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('PIN for the vault: ');
    expectAssumed(env, ADMINS, 28800);
    expectNoSecrets(result, [PASSWORD, 'second-line-not-the-password']);
  });

  it('a password command that does not finish is stopped after --password-command-timeout (exit 3, the setting named)', async () => {
    const home = await newHome();
    const pidFile = join(home.home, 'grandchild.pid');
    // A pipeline: the sleeping grandchild holds stdout open, so only killing the process group ends it.
    const command = `sleep 30 & echo $! > '${pidFile}'; wait; echo never-printed | cat`;
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins', '--password-command', command], {
      AWSFED_PASSWORD_COMMAND_TIMEOUT: '1',
    });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('awsfed: the password command did not finish within 1 s');
    expect(result.stderr).toContain('AWSFED_PASSWORD_COMMAND_TIMEOUT');
    expect(result.stdout).toBe('');
    expect(await becomesGone(Number(await readFile(pidFile, 'utf8')))).toBe(true);
  });

  it('--password-command-timeout must be a number of seconds', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--password-command', 'true', '--password-command-timeout', 'soon'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--password-command-timeout is "soon"');
  });

  it('a region and output given as flags are written to the profile section of the config file', async () => {
    const home = await newHome();
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins', '--region', 'eu-west-1', '--output', 'text', '--profile', 'corp']);
    const { config } = await expectCredentials(home, result, ADMINS, 'corp');
    expect(config).toEqual({ region: 'eu-west-1', output: 'text', awsfed_role_session_name: 'alice@corp.example' });
    expect(parseIni(await home.read('credentials')).sectionNames()).toEqual(['corp']);
  });

  it.each([
    [['--output', 'xml'], {}, 'BAD_OUTPUT', '--output is "xml"'],
    [['--region', 'mars'], {}, 'BAD_REGION', '--region is "mars"'],
    [[], { AWS_DEFAULT_OUTPUT: 'xml' }, 'BAD_OUTPUT', 'AWS_DEFAULT_OUTPUT is "xml"'],
    [[], { AWS_REGION: 'mars' }, 'BAD_REGION', 'AWS_REGION is "mars"'],
    [[], { AWS_DEFAULT_REGION: 'Europe' }, 'BAD_REGION', 'AWS_DEFAULT_REGION is "Europe"'],
  ] as Array<[string[], Record<string, string>, string, string]>)(
    'refuses %j %j (the AWS CLI would fail on the profile) before signing in; nothing is written',
    async (args, extraEnv, code, message) => {
      const home = await newHome();
      const before = samlCalls(env).length;
      const result = await login(home, ['--username', USERNAME, '--role', '*Admins', '--debug', ...args], { AWSFED_PASSWORD: PASSWORD, ...extraEnv });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(`awsfed: ${message}`);
      expect(result.stderr).toContain(code);
      expect(result.stderr).toMatch(/hint: \S/);
      expect(samlCalls(env).length).toBe(before);
      await expect(home.read('credentials')).rejects.toThrow();
      await expect(home.read('config')).rejects.toThrow();
      expectNoSecrets(result, [PASSWORD]);
    },
  );

  it('refuses a region stored by hand in the profile, naming the key and the file', async () => {
    const home = await newHome();
    await writeFile(home.configFile, '[profile saml]\nregion = mars\n');
    const result = await login(home, ['--username', USERNAME, '--role', '*Admins']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`awsfed: region of [profile saml] in ${home.configFile} is "mars"`);
    expect(await home.read('config')).toBe('[profile saml]\nregion = mars\n');
  });
});

describe('awsfed configure, then login with the stored settings', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ variant: 'adfs2019' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('writes awsfed_* keys; a host name expands to the IdP-initiated sign-on URL', async () => {
    const home = await newHome();
    const result = await runCli(
      [
        'configure',
        '--profile',
        'corp',
        '--idp-url',
        'adfs.corp.example',
        '--username',
        USERNAME,
        '--role',
        '*ReadOnly',
        '--duration',
        '2h',
        '--region',
        'eu-west-1',
        '--output',
        'text',
        '--ca-bundle',
        '/etc/ssl/corp-ca.pem',
        '--relying-party',
        'Amazon Web Services',
        '--password-command',
        'pass show corp/ad',
      ],
      { env: home.env },
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(home.configFile);
    const doc = parseIni(await home.read('config'));
    expect(doc.sectionNames()).toEqual(['profile corp']);
    expect(doc.getSection('profile corp')).toEqual({
      awsfed_idp_url: 'https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices',
      awsfed_username: USERNAME,
      awsfed_role: '*ReadOnly',
      awsfed_duration: '7200',
      region: 'eu-west-1',
      output: 'text',
      awsfed_ca_bundle: '/etc/ssl/corp-ca.pem',
      awsfed_relying_party: 'Amazon Web Services',
      awsfed_password_command: 'pass show corp/ad',
    });
    expect((await stat(home.configFile)).mode & 0o777).toBe(0o600);
  });

  it('login uses the stored IdP URL, user name, role and duration; only the password comes from outside', async () => {
    const home = await newHome();
    const configured = await runCli(
      ['configure', '--profile', 'corp', '--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', '*ReadOnly', '--duration', '2h', '--region', 'eu-west-1'],
      { env: home.env },
    );
    expect(configured.code).toBe(0);
    const result = await runCli(['login', '--profile', 'corp', '--password-stdin', '--no-prompt'], { env: cliEnv(home, env), input: PASSWORD });
    const { config } = await expectCredentials(home, result, READ_ONLY, 'corp');
    expectAssumed(env, READ_ONLY, 7200);
    expect(config).toMatchObject({ awsfed_idp_url: env.adfs.entryUrl, region: 'eu-west-1', output: 'json' });
  });
});

describe('TLS with a private CA', () => {
  let env: DemoEnvironment;
  let caFile: string;
  let caHome: TempHome;
  beforeAll(async () => {
    env = await startDemoEnvironment({ variant: 'adfs3', https: true });
    caHome = await makeTempHome();
    caFile = join(caHome.home, 'corp-ca.pem');
    await writeFile(caFile, env.ca!.ca.certPem);
  });
  afterAll(async () => {
    try {
      await env?.close();
    } finally {
      await caHome?.cleanup();
    }
  });

  const args = (): string[] => ['login', '--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', '*ReadOnly', '--no-prompt'];

  it('the emulator really serves https', () => {
    expect(env.adfs.entryUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
  });

  it('--ca-bundle FILE', async () => {
    const home = await newHome();
    const result = await runCli([...args(), '--ca-bundle', caFile], { env: cliEnv(home, env, { AWSFED_PASSWORD: PASSWORD }) });
    await expectCredentials(home, result, READ_ONLY);
  });

  it('AWS_CA_BUNDLE', async () => {
    const home = await newHome();
    const result = await runCli(args(), { env: cliEnv(home, env, { AWSFED_PASSWORD: PASSWORD, AWS_CA_BUNDLE: caFile }) });
    await expectCredentials(home, result, READ_ONLY);
  });

  it('awsfed_ca_bundle stored by `awsfed configure --ca-bundle`', async () => {
    const home = await newHome();
    expect((await runCli(['configure', '--ca-bundle', caFile], { env: home.env })).code).toBe(0);
    expect(parseIni(await home.read('config')).get('profile saml', 'awsfed_ca_bundle')).toBe(caFile);
    const result = await runCli(args(), { env: cliEnv(home, env, { AWSFED_PASSWORD: PASSWORD }) });
    await expectCredentials(home, result, READ_ONLY);
  });

  it('without the CA: exit 3, the TLS failure names the host and the hint names --ca-bundle; nothing written', async () => {
    const home = await newHome();
    const result = await runCli(args(), { env: cliEnv(home, env, { AWSFED_PASSWORD: PASSWORD }) });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsfed: TLS verification of 127\.0\.0\.1(:\d+)? failed/m);
    expect(result.stderr).toMatch(/hint: .*--ca-bundle/);
    expectNoSecrets(result, [PASSWORD]);
    await expect(readFile(home.credentialsFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('plain http to another machine', () => {
  it('is refused before any network use, with a message about https', async () => {
    const home = await newHome();
    const result = await runCli(['login', '--idp-url', 'http://adfs.example.invalid/', '--username', USERNAME, '--role', '*ReadOnly', '--no-prompt'], {
      env: { ...home.env, AWSFED_PASSWORD: PASSWORD, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9/' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^awsfed: Refusing http:\/\/ for adfs\.example\.invalid: your password would cross the network unencrypted/m);
    expect(result.stderr).toMatch(/hint: Use https:\/\/adfs\.example\.invalid/);
    // .invalid never resolves (RFC 2606): a DNS lookup would have ended in "Cannot reach ... (ENOTFOUND)".
    expect(result.stderr).not.toMatch(/ENOTFOUND|EAI_AGAIN|Cannot reach/);
    expectNoSecrets(result, [PASSWORD]);
    await expect(readFile(home.credentialsFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('`awsfed configure` refuses it too', async () => {
    const home = await newHome();
    const result = await runCli(['configure', '--idp-url', 'http://adfs.example.invalid/'], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/https/);
    await expect(readFile(home.configFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

