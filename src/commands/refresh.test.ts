/** refresh() in-process with a fake AssumeRole in Deps.sts: targets, partial failure, the table and the JSON. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeDeps } from '../../test/helpers/fake-deps.js';
import { applyCredentials } from '../credentials/credentials.js';
import { PromptError, StsError, UsageError } from '../errors.js';
import { parseIni } from '../ini/document.js';
import type { SamlCredentials } from '../sts/client.js';
import type { Sts } from '../sts/port.js';
import { formatRefreshTable, parseConcurrency, refresh, refreshExitCode, refreshJson } from './refresh.js';
import type { RefreshResult, RefreshRow } from './refresh.js';

let home: string;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

const CONFIG = `[profile saml]
awsfed_idp_url = https://adfs.corp.example
awsfed_role_session_name = alice@corp.example

[profile other-gw]
region = eu-west-1

[profile shared]
role_arn = arn:aws:iam::333333333333:role/Shared
source_profile = saml

[profile prod]
role_arn = arn:aws:iam::444444444444:role/Prod
source_profile = shared
duration_seconds = 7200

[profile denied]
role_arn = arn:aws:iam::555555555555:role/Denied
source_profile = saml

[profile elsewhere]
role_arn = arn:aws:iam::666666666666:role/Else
source_profile = other-gw

[profile broken]
role_arn = arn:aws:iam::777777777777:role/Broken
source_profile = gone
`;

const GATEWAY_KEYS = { accessKeyId: 'ASIAGATEWAY000000000', secretAccessKey: 'gw-secret-value', sessionToken: 'gw-token-value', expiration: new Date(Date.now() + 3600_000) };

async function setup() {
  home = await mkdtemp(join(tmpdir(), 'awsfed-refresh-'));
  const configFile = join(home, 'config');
  const credentialsFile = join(home, 'credentials');
  await writeFile(configFile, CONFIG);
  const doc = parseIni('', credentialsFile);
  applyCredentials(doc, 'saml', GATEWAY_KEYS);
  await writeFile(credentialsFile, doc.toString(), { mode: 0o600 });
  const deps = fakeDeps(home, { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  deps.sts = { ...deps.sts, assumeRole: fakeAssumeRole };
  return { deps, credentialsFile };
}

const calls: Array<{ roleArn: string; source: string; duration: number; endpoint?: string }> = [];
const fakeAssumeRole: Sts['assumeRole'] = async (target, creds, input) => {
  calls.push({ roleArn: input.roleArn, source: creds.accessKeyId, duration: input.durationSeconds, ...(target.endpoint ? { endpoint: target.endpoint } : {}) });
  if (input.roleArn.includes('Denied')) throw new StsError('STS_ACCESS_DENIED', `STS AssumeRole failed for ${input.roleArn} (AccessDenied): not authorized`, { hint: 'Check the trust policy' });
  const name = input.roleArn.slice(input.roleArn.lastIndexOf('/') + 1);
  const result: SamlCredentials = {
    accessKeyId: `ASIA${name.toUpperCase().padEnd(16, '0')}`,
    secretAccessKey: `secret-of-${name}`,
    sessionToken: `token-of-${name}`,
    expiration: new Date(Date.now() + input.durationSeconds * 1000),
    assumedRoleArn: `arn:aws:sts::000000000000:assumed-role/${name}/${input.roleSessionName}`,
  };
  return result;
};

describe('refresh', () => {
  it('refreshes the named destinations and their chains; one failure makes exit 5 and loses nothing else', async () => {
    const { deps, credentialsFile } = await setup();
    calls.length = 0;
    const result = await refresh({ names: ['prod', 'denied'] }, deps);
    expect(result.exitCode).toBe(5);
    expect(result.rows.map((r) => [r.profile, r.result])).toEqual([
      ['shared', 'ok'],
      ['prod', 'ok'],
      ['denied', 'failed'],
    ]);
    expect(calls.find((c) => c.roleArn.endsWith('/Prod'))).toMatchObject({ source: 'ASIASHARED0000000000', duration: 3600, endpoint: 'http://127.0.0.1:9' });
    expect(result.rows[1]!.notes).toEqual(['prod asked for 7200 s; role chaining caps sessions at 3600 s.']);
    const written = parseIni(await readFile(credentialsFile, 'utf8'), credentialsFile);
    expect(written.get('prod', 'aws_access_key_id')).toBe('ASIAPROD000000000000');
    expect(written.get('prod', 'x_principal_arn')).toBe('arn:aws:sts::000000000000:assumed-role/Prod/alice@corp.example');
    expect(written.hasSection('denied')).toBe(false);

    const table = formatRefreshTable(result, new Date());
    expect(table.split('\n')[0]).toMatch(/^PROFILE\s+ACCOUNT\/ROLE\s+RESULT\s+EXPIRES \/ REASON$/);
    expect(table).toMatch(/^prod\s+444444444444\/Prod\s+ok\s+\d{4}-/m);
    expect(table).toMatch(/^denied\s+555555555555\/Denied\s+failed\s+STS AssumeRole failed/m);
    expect(table).toContain('Refreshed 2 of 3 profiles');
    expect(table).toContain('    hint: Check the trust policy');
    const json = refreshJson(result);
    expect(JSON.parse(json).results[2]).toMatchObject({ profile: 'denied', result: 'failed', error: { code: 'STS_ACCESS_DENIED' } });
    for (const secret of ['secret-of-Prod', 'token-of-Prod', 'gw-secret-value']) {
      expect(json).not.toContain(secret);
      expect(table).not.toContain(secret);
    }
  });

  it('--all reports broken chains with their path; a root without keys that is not a gateway fails its destinations', async () => {
    const { deps } = await setup();
    const result = await refresh({ all: true, noPrompt: true }, deps);
    const byProfile = Object.fromEntries(result.rows.map((r) => [r.profile, r]));
    expect(byProfile.broken?.error?.message).toBe('profile chain is broken: broken -> gone (no such profile)');
    // other-gw has no keys and is not a gateway awsfed could sign in to.
    expect(byProfile.elsewhere).toMatchObject({ result: 'skipped' });
    expect(byProfile.elsewhere?.error?.message).toMatch(
      /^elsewhere skipped: no credentials for its root other-gw \(Chain root other-gw cannot be used: it has no temporary keys in the credentials file, and it is not an awsfed gateway profile\.\)$/,
    );
    expect(byProfile.prod?.result).toBe('ok');
    expect(result.exitCode).toBe(5);
  });

  it('login --chain mode takes every destination rooted at the gateway, with the keys it is given', async () => {
    const { deps } = await setup();
    calls.length = 0;
    const fresh = { ...GATEWAY_KEYS, accessKeyId: 'ASIAJUSTSIGNEDIN0000' };
    const result = await refresh({ root: 'saml', rootCredentials: fresh, duration: '2h' }, deps);
    expect(result.rows.map((r) => r.profile)).toEqual(['shared', 'prod', 'denied']);
    expect(calls.find((c) => c.roleArn.endsWith('/Shared'))?.source).toBe('ASIAJUSTSIGNEDIN0000');
    expect(result.rows[0]!.notes).toEqual(['shared asked for 7200 s; role chaining caps sessions at 3600 s.']);
  });

  it('needs names or --all', async () => {
    const { deps } = await setup();
    await expect(refresh({}, deps)).rejects.toMatchObject({ code: 'REFRESH_NOTHING', exitCode: 2 });
  });

  it('says so when there is nothing to refresh', async () => {
    const { deps } = await setup();
    await writeFile(deps.env.AWS_CONFIG_FILE!, '[profile saml]\nawsfed_idp_url = x\n');
    const result = await refresh({ all: true }, deps);
    expect(result.exitCode).toBe(0);
    expect(formatRefreshTable(result, new Date())).toMatch(/^No destination profiles to refresh/);
  });
});

describe('parseConcurrency', () => {
  it.each([
    ['1', 1],
    ['16', 16],
    [' 8 ', 8],
  ])('%s -> %s', (input, expected) => expect(parseConcurrency(input)).toBe(expected));
  it.each(['0', '65', 'x', '2.5', '-1'])('refuses %s', (input) => {
    expect(() => parseConcurrency(input)).toThrow(expect.objectContaining({ code: 'CONCURRENCY_INVALID' }));
  });
});

describe('refreshExitCode', () => {
  const ok: RefreshRow = { profile: 'a', result: 'ok', notes: [] };
  const sts: RefreshRow = { profile: 'b', result: 'failed', notes: [], error: new StsError('STS_ACCESS_DENIED', 'denied') };
  const prompt: RefreshRow = { profile: 'c', result: 'skipped', notes: [], error: new PromptError('PROMPT_UNAVAILABLE', 'a password is needed') };
  it('0 when all were refreshed, 7 when a prompt was needed, else 5', () => {
    expect(refreshExitCode([ok])).toBe(0);
    expect(refreshExitCode([ok, sts])).toBe(5);
    expect(refreshExitCode([ok, prompt])).toBe(7);
    expect(refreshExitCode([sts, prompt])).toBe(7);
  });
});

describe('formatRefreshTable with a message of several lines', () => {
  it('keeps the table on one line per profile (no `?`) and indents the lines below it', () => {
    const result: RefreshResult = {
      rows: [{ profile: 'prod', result: 'failed', notes: [], error: new UsageError('BAD_REGION', 'first line\nsecond line') }],
      loggedIn: [],
      credentialsFile: '/c',
      configFile: '/f',
      exitCode: 5,
    };
    const text = formatRefreshTable(result, new Date());
    expect(text).toContain('prod     -             failed  first line second line\n');
    expect(text).not.toContain('?');
    expect(text).toContain('  prod: first line\n    second line');
  });
});
