/**
 * End to end: every way a login can fail, run through the built CLI against loopback servers. Each
 * failure must give its own clear message and hint, a non-zero exit code of its class, leave
 * ~/.aws/credentials and ~/.aws/config byte-for-byte untouched (and create nothing next to them), and
 * print no secret: not the password, not the SAMLResponse, not a key or token from the files.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import type { AdfsVariant } from '../src/emulator/adfs.js';
import { AdfsText, renderAdfsSamlPostPage } from '../src/emulator/adfs-pages.js';
import { createSelfSignedIdentity } from '../src/emulator/certs.js';
import { issueSamlResponse } from '../src/emulator/saml-issuer.js';
import { startStsEmulator } from '../src/emulator/sts.js';
import type { StsEmulator } from '../src/emulator/sts.js';
import { parseIni } from '../src/ini/document.js';
import { ROOT, makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

const PASSWORD = DEMO_USER.password;
const USERNAME = DEMO_USER.username;
const E2E = join(ROOT, 'fixtures', 'e2e');
const SAML_FIXTURES = join(ROOT, 'fixtures', 'saml');

/** Every secret that must never be printed: the password, values from the pre-existing files, SAMLResponses served here. */
const SECRETS = new Set<string>([PASSWORD]);

let credentialsBefore: Buffer;
let configBefore: Buffer;

beforeAll(async () => {
  credentialsBefore = await readFile(join(E2E, 'credentials-rich.ini'));
  configBefore = await readFile(join(E2E, 'config-rich.ini'));
  for (const [, section] of Object.entries(sections(credentialsBefore.toString('utf8')))) {
    for (const key of ['aws_secret_access_key', 'aws_session_token', 'aws_security_token']) if (section[key]) SECRETS.add(section[key]);
  }
  expect(SECRETS.size).toBeGreaterThan(5);
});

function sections(text: string): Record<string, Record<string, string>> {
  const doc = parseIni(text);
  return Object.fromEntries(doc.sectionNames().map((n) => [n, doc.getSection(n) ?? {}]));
}

const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

/** A HOME whose ~/.aws already holds a credentials file and a config file with other profiles. */
async function preparedHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  await writeFile(home.credentialsFile, credentialsBefore, { mode: 0o600 });
  await writeFile(home.configFile, configBefore, { mode: 0o600 });
  return home;
}

/** Runs `awsfed login ...`; then checks the run failed with `exitCode`, printed nothing secret and changed no file. */
async function failingLogin(
  home: TempHome,
  args: string[],
  exitCode: number,
  options: { env?: Record<string, string>; input?: string; sts?: string; secrets?: ReadonlySet<string> } = {},
): Promise<RunResult> {
  const result = await runCli(['login', ...args], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: options.sts ?? 'http://127.0.0.1:9/', ...options.env },
    input: options.input,
  });
  expect(result.code, `exit code; stderr was:\n${result.stderr}`).toBe(exitCode);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^awsfed: \S/m);
  expect(result.stderr).toMatch(/\n {2}hint: \S/);
  expectNoSecrets(result, options.secrets ?? SECRETS);
  expect(await readFile(home.credentialsFile)).toEqual(credentialsBefore);
  expect(await readFile(home.configFile)).toEqual(configBefore);
  expect((await readdir(home.awsDir)).sort()).toEqual(['config', 'credentials']);
  return result;
}

/** A tiny loopback web server for pages the emulators do not serve. */
async function startPageServer(routes: Record<string, string>): Promise<{ url: (path: string) => string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits.push(`${req.method ?? 'GET'} ${req.url ?? '/'}`);
    req.resume();
    const body = routes[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body ?? '<html><head><title>Not here</title></head></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

describe('the IdP says no (AD FS 3.0 emulator)', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({
      variant: 'adfs3',
      users: [
        demoUser(),
        demoUser({ username: 'bob@corp.example', locked: true }),
        demoUser({ username: 'carol@corp.example', passwordExpired: true }),
        demoUser({ username: 'dave@corp.example', mfaAdapter: 'ThirdPartyWebAdapter' }),
        demoUser({ username: 'erin@corp.example', roles: [] }),
      ],
    });
  });
  afterAll(async () => {
    await env?.close();
  });

  const args = (username: string, ...more: string[]) => ['--idp-url', env.adfs.entryUrl, '--username', username, '--no-prompt', ...more];
  /** None of these failures may reach STS: they all happen before a role is assumed. */
  const run = async (home: TempHome, argv: string[], exitCode: number, extra: { env?: Record<string, string>; input?: string } = {}) => {
    const before = env.sts.calls.length;
    const result = await failingLogin(home, argv, exitCode, { env: extra.env ?? { AWSFED_PASSWORD: PASSWORD }, input: extra.input, sts: env.sts.url });
    expect(env.sts.calls.length).toBe(before);
    return result;
  };

  it('wrong password: exit 3, quotes the IdP', async () => {
    const home = await preparedHome();
    const result = await run(home, args(USERNAME, '--role', '*ReadOnly'), 3, { env: { AWSFED_PASSWORD: 'Wrong-Passw0rd!' } });
    expect(result.stderr).toContain(`"${AdfsText.badCredentials}"`);
    expect(result.stderr).toContain(new URL(env.adfs.entryUrl).host);
    expect(result.stderr).toMatch(/hint: Check the user name .* and the password/);
    expect(result.stderr).not.toContain('Wrong-Passw0rd!');
  });

  it('locked account', async () => {
    const home = await preparedHome();
    const result = await run(home, args('bob@corp.example', '--role', '*ReadOnly'), 3);
    expect(result.stderr).toContain(`"${AdfsText.accountLocked}"`);
    expect(result.stderr).toMatch(/hint: .*unlock/);
  });

  it('expired password', async () => {
    const home = await preparedHome();
    const result = await run(home, args('carol@corp.example', '--role', '*ReadOnly'), 3);
    expect(result.stderr).toMatch(/password has expired/i);
    expect(result.stderr).toMatch(/hint: Change your password/);
  });

  it('an MFA page names the adapter that is not supported yet', async () => {
    const home = await preparedHome();
    const result = await run(home, args('dave@corp.example', '--role', '*ReadOnly'), 3);
    expect(result.stderr).toMatch(/^awsfed: MFA adapter ThirdPartyWebAdapter is not supported yet/m);
  });

  it('no roles in the assertion: exit 4, says there is no AWS role', async () => {
    const home = await preparedHome();
    const result = await run(home, args('erin@corp.example'), 4);
    expect(result.stderr).toMatch(/no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute.*no AWS role/);
    expect(result.stderr).toMatch(/hint: .*claim rule/);
  });

  it('a --role that matches none of the roles lists them', async () => {
    const home = await preparedHome();
    const result = await run(home, args(USERNAME, '--role', '*Billing*'), 4);
    expect(result.stderr).toContain('--role "*Billing*" matches none of your 3 roles');
    for (const role of DEMO_ROLES) expect(result.stderr).toContain(role.roleArn);
    expect(result.stderr).toMatch(/hint: .*ACCOUNT\/ROLE-NAME/);
  });

  it('no terminal and no --role: lists the roles and says how to pick one', async () => {
    const home = await preparedHome();
    // No --no-prompt here: standard input of the subprocess is a pipe, not a terminal.
    const result = await run(home, ['--idp-url', env.adfs.entryUrl, '--username', USERNAME], 4);
    expect(result.stderr).toContain('Your sign-in offers 3 roles and none was chosen');
    for (const role of DEMO_ROLES) expect(result.stderr).toContain(role.roleArn);
    expect(result.stderr).toMatch(/hint: Pick one with --role/);
  });

  it('--no-prompt without a password source: exit 7, names the missing value and how to supply it', async () => {
    const home = await preparedHome();
    const result = await run(home, args(USERNAME, '--role', '*ReadOnly'), 7, { env: {} });
    expect(result.stderr).toMatch(/^awsfed: Cannot ask for "Password[^"]*": --no-prompt is set\./m);
    expect(result.stderr).toMatch(/hint: .*--password-stdin.*AWSFED_PASSWORD/);
  });

  it('--password-stdin with nothing on stdin', async () => {
    const home = await preparedHome();
    const result = await run(home, args(USERNAME, '--role', '*ReadOnly', '--password-stdin'), 7, { input: '' });
    expect(result.stderr).toContain('--password-stdin was given but standard input was empty');
  });

  it('STS refuses an assertion signed by another identity: exit 5, invalid signature', async () => {
    const home = await preparedHome();
    // This STS trusts a different token-signing certificate for the same provider ARNs.
    const other = createSelfSignedIdentity('stale adfs signing');
    const sts: StsEmulator = await startStsEmulator({
      providers: [...new Set(DEMO_ROLES.map((r) => r.principalArn))].map((principalArn) => ({ principalArn, certPem: other.certPem })),
      roles: DEMO_ROLES.map((r) => ({ roleArn: r.roleArn, maxSessionDuration: 43200 })),
    });
    try {
      const result = await failingLogin(home, args(USERNAME, '--role', '*ReadOnly'), 5, { env: { AWSFED_PASSWORD: PASSWORD }, sts: sts.url });
      expect(result.stderr).toMatch(/AssumeRoleWithSAML failed for arn:aws:iam::111111111111:role\/ADFS-ReadOnly \(InvalidIdentityToken\).*signature invalid/);
      expect(result.stderr).toMatch(/hint: .*token-signing certificate/);
      expect(sts.calls.map((c) => [c.action, c.status, c.errorCode])).toEqual([['AssumeRoleWithSAML', 400, 'InvalidIdentityToken']]);
    } finally {
      await sts.close();
    }
  });
});

describe.each<{ variant: AdfsVariant; said: string }>([
  { variant: 'adfs2019', said: AdfsText.badCredentials },
  { variant: 'adfs2', said: AdfsText.badCredentialsAdfs2 },
  { variant: 'generic', said: AdfsText.keycloakBadCredentials },
])('wrong password on the $variant IdP', ({ variant, said }) => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ variant });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('exit 3, quotes the IdP, never retries the password', async () => {
    const home = await preparedHome();
    const result = await failingLogin(home, ['--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', '*ReadOnly', '--password-stdin'], 3, {
      input: 'Wrong-Passw0rd!\n',
      sts: env.sts.url,
    });
    expect(result.stderr).toContain(`"${said}"`);
    expect(result.stderr).not.toContain('Wrong-Passw0rd!');
    // One password post: a second attempt would count towards the account lockout.
    const passwordPosts = env.adfs.requests.filter((r) => r.fieldNames.some((f) => /password/i.test(f)));
    expect(passwordPosts).toHaveLength(1);
    expect(env.sts.calls).toHaveLength(0);
  });
});

describe('IdP-initiated sign-on disabled', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ variant: 'disabled' });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('the hint names Set-AdfsProperties -EnableIdpInitiatedSignonPage', async () => {
    const home = await preparedHome();
    const result = await failingLogin(home, ['--idp-url', env.adfs.entryUrl, '--username', USERNAME, '--role', '*ReadOnly', '--no-prompt'], 3, {
      env: { AWSFED_PASSWORD: PASSWORD },
      sts: env.sts.url,
    });
    expect(result.stderr).toMatch(/^awsfed: The IdP refused the sign-in at http:\/\/127\.0\.0\.1:\d+\/adfs\/ls\/IdpInitiatedSignOn\.aspx: "An error occurred/m);
    expect(result.stderr).toMatch(/hint: .*Set-AdfsProperties -EnableIdpInitiatedSignonPage \$true/);
    // Nothing was posted: the page is refused before any credentials are sent.
    expect(env.adfs.requests.filter((r) => r.method === 'POST')).toHaveLength(0);
  });
});

describe('pages no emulator serves', () => {
  let server: Awaited<ReturnType<typeof startPageServer>>;
  let noRolesSaml: string;
  /** SECRETS and the SAMLResponses served here: a set of this suite's own, so that what the other suites check does not depend on whether this one ran first. */
  let pageSecrets: Set<string>;
  beforeAll(async () => {
    const signer = createSelfSignedIdentity('tiny idp');
    noRolesSaml = issueSamlResponse({ signer, issuer: 'http://tiny.idp/adfs/services/trust', nameId: USERNAME, roles: [], now: new Date() });
    const xxe = (await readFile(join(SAML_FIXTURES, 'xxe-external-entity.xml'))).toString('base64');
    const lol = (await readFile(join(SAML_FIXTURES, 'billion-laughs.xml'))).toString('base64');
    pageSecrets = new Set([...SECRETS, noRolesSaml, xxe, lol]);
    const post = (samlResponse: string) => renderAdfsSamlPostPage({ action: 'https://signin.aws.amazon.com/saml', samlResponse });
    server = await startPageServer({
      '/unknown': await readFile(join(E2E, 'unknown-page.html'), 'utf8'),
      '/no-roles': post(noRolesSaml),
      '/xxe': post(xxe),
      '/billion-laughs': post(lol),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  /** Logs in at `path` of the tiny server; the only request must be one GET of that page (nothing is posted to it). */
  const pageLogin = async (home: TempHome, path: string, exitCode: number, before: string[] = []) => {
    const hits = server.hits.length;
    const argv = [...before, '--idp-url', server.url(path), '--username', USERNAME, '--role', '*ReadOnly', '--no-prompt'];
    const result = await failingLogin(home, argv, exitCode, { env: { AWSFED_PASSWORD: PASSWORD }, secrets: pageSecrets });
    expect(server.hits.slice(hits)).toEqual([`GET ${path}`]);
    return result;
  };

  it('an unknown page: the error names its title; with --debug a redacted copy (0600) is saved and its path printed', async () => {
    const home = await preparedHome();
    const result = await pageLogin(home, '/unknown', 3, ['--debug']);
    expect(result.stderr).toMatch(/^awsfed: Unrecognised IdP page "Hotel Wi-Fi - Accept the terms" at http:\/\/127\.0\.0\.1:\d+\/unknown$/m);
    const saved = /A redacted copy of the page is in (\S+?);/.exec(result.stderr)?.[1];
    expect(saved, result.stderr).toBeDefined();
    expect(saved!.startsWith(home.home)).toBe(true);
    const info = await stat(saved!);
    expect(info.isFile()).toBe(true);
    expect(info.mode & 0o777).toBe(0o600);
    const copy = await readFile(saved!, 'utf8');
    expect(copy).toContain('Hotel Wi-Fi - Accept the terms');
    expect(copy).toContain('visible-terms-marker');
    expect(copy).not.toContain('leaked-page-password-value');
    expect(copy).not.toContain(PASSWORD);
    expect(result.stderr).not.toContain('leaked-page-password-value');
  });

  it('an unknown page without --debug: no copy, the hint says how to get one', async () => {
    const home = await preparedHome();
    const result = await pageLogin(home, '/unknown', 3);
    expect(result.stderr).toContain('Unrecognised IdP page "Hotel Wi-Fi - Accept the terms"');
    expect(result.stderr).toMatch(/hint: .*--debug/);
    expect(result.stderr).not.toMatch(/redacted copy of the page is in/);
  });

  it('an assertion without roles (served directly): exit 4', async () => {
    const home = await preparedHome();
    const result = await pageLogin(home, '/no-roles', 4);
    expect(result.stderr).toMatch(/no AWS role to sign in to/);
  });

  it.each(['/xxe', '/billion-laughs'])('hostile XML in the SAMLResponse (%s): exit 4, refused as a DTD/entity attack', async (path) => {
    const home = await preparedHome();
    const result = await pageLogin(home, path, 4);
    expect(result.stderr).toMatch(/^awsfed: .*DTD.*refuses DTDs and entities \(XXE \/ entity expansion\)/m);
    expect(result.stderr).not.toContain('root:');
    expect(result.stderr).not.toContain('lollol');
  });
});
