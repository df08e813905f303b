/**
 * ensureProfileCredentials in-process against the loopback STS (and, for the login case, AD FS)
 * emulators, with a temporary HOME: which calls it makes, what it writes back, what it throws.
 */
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../ui/progress.js';
import { fakeDeps } from '../../test/helpers/fake-deps.js';
import { applyCredentials, readStoredCredentials } from '../credentials/credentials.js';
import { DEMO_ROLES, DEMO_USER, startDemoEnvironment } from '../emulator/demo-environment.js';
import type { DemoEnvironment } from '../emulator/demo-environment.js';
import { parseIni } from '../ini/document.js';
import { issueSamlResponse } from '../emulator/saml-issuer.js';
import { assumeRoleWithSaml } from '../sts/client.js';
import type { SamlCredentials } from '../sts/client.js';
import { createGatewaySignIn } from '../commands/gateway-sign-in.js';
import { ensureProfileCredentials } from './credentials.js';
import type { GatewaySignIn } from './credentials.js';

const SIGN_IN = createGatewaySignIn();

const GATEWAY = DEMO_ROLES[0]!;
const SHARED = 'arn:aws:iam::333333333333:role/Shared';
const PROD = 'arn:aws:iam::444444444444:role/Prod';
const DENIED = 'arn:aws:iam::555555555555:role/Denied';

let env: DemoEnvironment;
let home: string;

beforeAll(async () => {
  env = await startDemoEnvironment({
    stsRoles: [
      { roleArn: SHARED, trustedPrincipals: [GATEWAY.roleArn] },
      { roleArn: PROD, trustedPrincipals: [SHARED] },
      { roleArn: DENIED, trustedPrincipals: ['arn:aws:iam::999999999999:role/Nobody'] },
    ],
  });
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

const CONFIG = `[profile saml]
awsfed_idp_url = IDP
awsfed_username = ${DEMO_USER.username}
awsfed_role = 111111111111/ADFS-Admins
awsfed_role_session_name = alice.session
region = us-east-1

[profile shared]
role_arn = ${SHARED}
source_profile = saml

[profile prod]
role_arn = ${PROD}
source_profile = shared
region = eu-west-1

[profile denied]
role_arn = ${DENIED}
source_profile = saml

[profile loop]
role_arn = ${SHARED}
source_profile = loop2

[profile loop2]
role_arn = ${SHARED}
source_profile = loop

[profile static]
region = us-west-2

[profile from-static]
role_arn = ${SHARED}
source_profile = static
`;

async function gatewayKeys(): Promise<SamlCredentials> {
  const samlAssertion = issueSamlResponse({
    signer: env.signer,
    issuer: 'http://adfs.corp.example/adfs/services/trust',
    nameId: DEMO_USER.username,
    roles: [GATEWAY],
    roleSessionName: DEMO_USER.username,
    now: new Date(),
  });
  return assumeRoleWithSaml({ region: 'us-east-1', endpoint: env.sts.url }, { roleArn: GATEWAY.roleArn, principalArn: GATEWAY.principalArn, samlAssertion, durationSeconds: 3600 });
}

async function setup(sections: Record<string, { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }>, config = CONFIG) {
  home = await mkdtemp(join(tmpdir(), 'awsfed-chain-creds-'));
  const configFile = join(home, 'config');
  const credentialsFile = join(home, 'credentials');
  await writeFile(configFile, config.replace('IDP', env.adfs.entryUrl));
  const doc = parseIni('', credentialsFile);
  for (const [name, c] of Object.entries(sections)) applyCredentials(doc, name, c);
  await writeFile(credentialsFile, doc.toString(), { mode: 0o600 });
  const deps = fakeDeps(home, {
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
    AWS_ENDPOINT_URL_STS: env.sts.url,
    AWSFED_PASSWORD: DEMO_USER.password,
  });
  const stored = async (name: string) => readStoredCredentials(parseIni(await readFile(credentialsFile, 'utf8'), credentialsFile), name);
  return { deps, stored };
}

const past = (c: SamlCredentials) => ({ ...c, expiration: new Date(Date.now() - 60_000) });
const callsSince = (n: number) => env.sts.calls.slice(n).map((c) => `${c.action} ${c.params.RoleArn ?? ''}`.trim());

describe('ensureProfileCredentials', () => {
  it('returns cached keys that stay valid long enough, without calling STS', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: gw, prod: { ...gw, accessKeyId: 'ASIACACHEDPROD000000', expiration: new Date(Date.now() + 3000_000) } });
    const before = env.sts.calls.length;
    const r = await ensureProfileCredentials('prod', deps, { noPrompt: true, signIn: SIGN_IN });
    expect(r).toMatchObject({ profile: 'prod', source: 'cache', region: 'eu-west-1', credentials: { accessKeyId: 'ASIACACHEDPROD000000' } });
    expect(callsSince(before)).toEqual([]);
  });

  it('before any sign-in stored a RoleSessionName, names the session as `awsfed add` does (DOMAIN\\user -> user)', async () => {
    const gw = await gatewayKeys();
    const config = CONFIG.replace('awsfed_role_session_name = alice.session\n', '').replace(`awsfed_username = ${DEMO_USER.username}`, 'awsfed_username = CORP\\alice');
    const { deps } = await setup({ saml: gw }, config);
    const before = env.sts.calls.length;
    await ensureProfileCredentials('shared', deps, { noPrompt: true, signIn: SIGN_IN });
    expect(env.sts.calls.slice(before).map((c) => c.params.RoleSessionName)).toEqual(['alice']);
  });

  it('assumes along the whole chain when the target and the intermediate are stale, and writes both back', async () => {
    const gw = await gatewayKeys();
    const { deps, stored } = await setup({ saml: gw, prod: { ...gw, expiration: new Date(Date.now() + 120_000) } });
    const before = env.sts.calls.length;
    const r = await ensureProfileCredentials('prod', deps, { noPrompt: true, signIn: SIGN_IN });
    expect(r.source).toBe('assumed');
    expect(r.region).toBe('eu-west-1');
    expect(callsSince(before)).toEqual([`AssumeRole ${SHARED}`, `AssumeRole ${PROD}`]);
    // The session name is the one the gateway login remembered.
    expect(env.sts.calls.slice(before).map((c) => c.params.RoleSessionName)).toEqual(['alice.session', 'alice.session']);
    expect((await stored('prod'))?.accessKeyId).toBe(r.credentials.accessKeyId);
    expect((await stored('prod'))?.principalArn).toBe('arn:aws:sts::444444444444:assumed-role/Prod/alice.session');
    expect((await stored('shared'))?.principalArn).toBe('arn:aws:sts::333333333333:assumed-role/Shared/alice.session');
  });

  it('starts from a cached intermediate profile when its keys are still valid', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: gw });
    await ensureProfileCredentials('shared', deps, { noPrompt: true, signIn: SIGN_IN });
    const before = env.sts.calls.length;
    const r = await ensureProfileCredentials('prod', deps, { noPrompt: true, signIn: SIGN_IN, minValiditySeconds: 300 });
    expect(r.source).toBe('assumed');
    expect(callsSince(before)).toEqual([`AssumeRole ${PROD}`]);
  });

  it('signs in to the gateway (non-interactively) when the root keys have expired', async () => {
    const gw = await gatewayKeys();
    const { deps, stored } = await setup({ saml: past(gw) });
    const before = env.sts.calls.length;
    const r = await ensureProfileCredentials('shared', deps, { noPrompt: true, signIn: SIGN_IN });
    expect(r.source).toBe('login');
    expect(r.region).toBe('us-east-1');
    expect(callsSince(before)).toEqual([`AssumeRoleWithSAML ${GATEWAY.roleArn}`, `AssumeRole ${SHARED}`]);
    expect((await stored('saml'))!.expiration.getTime()).toBeGreaterThan(Date.now());
  });

  it('the progress port shows each wait in turn: the IdP host, the STS call for the gateway role, then the hop', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: past(gw) });
    const events: string[] = [];
    const progress: Progress = { live: true, start: (t) => void events.push(t), update: () => undefined, stop: () => void events.push('stop') };
    deps.progress = () => progress;
    await ensureProfileCredentials('shared', deps, { noPrompt: true, signIn: SIGN_IN });
    const host = new URL(env.adfs.entryUrl).host;
    // Each page of the sign-in shows the host again: consecutive repeats are folded.
    const shown = events.filter((e) => e !== 'stop').filter((e, i, all) => e !== all[i - 1]);
    expect(shown).toEqual([`Contacting ${host}…`, `Asking AWS STS for ${GATEWAY.roleArn.split(':')[4]}/ADFS-Admins…`, 'Asking AWS STS for shared…']);
    // Every line shown was also taken down.
    expect(events.filter((e) => e === 'stop')).toHaveLength(events.length / 2);
  });

  it('a gateway target with expired keys is a login', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: past(gw) });
    const r = await ensureProfileCredentials('saml', deps, { noPrompt: true, signIn: SIGN_IN });
    expect(r).toMatchObject({ profile: 'saml', source: 'login', region: 'us-east-1' });
  });

  it('throws the failing hop\'s error and writes nothing for it', async () => {
    const gw = await gatewayKeys();
    const { deps, stored } = await setup({ saml: gw });
    await expect(ensureProfileCredentials('denied', deps, { noPrompt: true, signIn: SIGN_IN })).rejects.toMatchObject({ code: 'STS_ACCESS_DENIED' });
    expect(await stored('denied')).toBeUndefined();
  });

  it('throws chain errors with the whole path, and refuses a root that is not a gateway', async () => {
    const { deps } = await setup({});
    await expect(ensureProfileCredentials('loop', deps, { noPrompt: true, signIn: SIGN_IN })).rejects.toMatchObject({ code: 'CHAIN_CYCLE', message: 'profile chain loops: loop -> loop2 -> loop' });
    await expect(ensureProfileCredentials('nope', deps, { noPrompt: true, signIn: SIGN_IN })).rejects.toMatchObject({ code: 'CHAIN_NO_SUCH_PROFILE' });
    await expect(ensureProfileCredentials('from-static', deps, { noPrompt: true, signIn: SIGN_IN })).rejects.toMatchObject({ code: 'CHAIN_ROOT_NO_CREDENTIALS' });
  });

  it('a gateway login that cannot prompt fails with the prompt error', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: past(gw) });
    delete deps.env.AWSFED_PASSWORD;
    await expect(ensureProfileCredentials('prod', deps, { noPrompt: true, signIn: SIGN_IN })).rejects.toMatchObject({ code: 'PROMPT_UNAVAILABLE' });
  });
});

describe('ensureProfileCredentials on the gateway itself', () => {
  it('signs in again when its keys would not last minValiditySeconds', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: { ...gw, expiration: new Date(Date.now() + 200_000) } });
    const r = await ensureProfileCredentials('saml', deps, { noPrompt: true, signIn: SIGN_IN, minValiditySeconds: 300 });
    expect(r.source).toBe('login');
    expect(r.credentials.expiration.getTime() - Date.now()).toBeGreaterThan(300_000);
  });
});

describe('the gateway sign-in is a port', () => {
  it('a gateway without valid keys is signed in through the function passed in, with its profile and --no-prompt', async () => {
    const gw = await gatewayKeys();
    const { deps } = await setup({ saml: past(gw) });
    const requests: Array<{ profile: string; noPrompt: boolean }> = [];
    const signIn: GatewaySignIn = async (request) => {
      requests.push({ profile: request.profile, noPrompt: request.noPrompt });
      return { credentials: gw, accountId: '111111111111', roleName: 'ADFS-Admins' };
    };
    const before = env.sts.calls.length;
    const r = await ensureProfileCredentials('shared', deps, { noPrompt: true, signIn });
    expect(requests).toEqual([{ profile: 'saml', noPrompt: true }]);
    expect(r.source).toBe('login');
    // No SAML call of its own: the keys came from the port.
    expect(callsSince(before)).toEqual([`AssumeRole ${SHARED}`]);
    expect(deps.stderr.join('\n')).toContain('Signed in to gateway saml (111111111111/ADFS-Admins).');
  });

  it('a re-login rides on the IdP session of the previous sign-in: no password needed', async () => {
    const gw = await gatewayKeys();
    const { deps, stored } = await setup({ saml: past(gw) });
    await ensureProfileCredentials('saml', deps, { noPrompt: true, signIn: SIGN_IN });
    const first = await stored('saml');
    // Expire the new keys by hand and take the password away: only the session can sign in now.
    const credentialsFile = deps.env.AWS_SHARED_CREDENTIALS_FILE!;
    const doc = parseIni(await readFile(credentialsFile, 'utf8'), credentialsFile);
    applyCredentials(doc, 'saml', { ...first!, expiration: new Date(Date.now() - 60_000) });
    await writeFile(credentialsFile, doc.toString(), { mode: 0o600 });
    delete deps.env.AWSFED_PASSWORD;
    const r = await ensureProfileCredentials('saml', deps, { noPrompt: true, signIn: SIGN_IN });
    expect(r.source).toBe('login');
    expect(r.credentials.expiration.getTime()).toBeGreaterThan(Date.now());
    // ...and a sign-in that skips the session needs the password again.
    applyCredentials(doc, 'saml', { ...first!, expiration: new Date(Date.now() - 60_000) });
    await writeFile(credentialsFile, doc.toString(), { mode: 0o600 });
    await expect(ensureProfileCredentials('saml', deps, { noPrompt: true, signIn: createGatewaySignIn({ noSession: true }) })).rejects.toMatchObject({
      code: 'PROMPT_UNAVAILABLE',
    });
  });
});
