/**
 * End to end: the built CLI signs in through the AD FS emulator's Duo adapter pages and the loopback
 * Duo emulator (served over TLS from a test CA, passed with --ca-bundle), classic and Universal
 * Prompt, non-interactively: a push is waited for with one line on stderr, a passcode comes from
 * AWSFED_MFA_CODE. Failures are typed and leave the credentials file untouched; no run leaks a secret.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestCa, type TestCa } from '../src/emulator/certs.js';
import { DEMO_ROLES, DEMO_USER, demoUser, startDemoEnvironment, type DemoEnvironment } from '../src/emulator/demo-environment.js';
import { DUO_EMULATOR_PASSCODE, DUO_VERIFIED_PUSH_CODE, startDuoEmulator, type DuoEmulator, type DuoEmulatorOptions } from '../src/emulator/duo.js';
import { parseIni } from '../src/ini/document.js';
import { makeTempHome, runCli, type RunResult, type TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

const READ_ONLY = DEMO_ROLES[1]!;
const CLASSIC_USER = DEMO_USER.username;
const UNIVERSAL_USER = 'bob@corp.example';
const ORIGINAL_CREDENTIALS = '# keep me\n[other]\naws_access_key_id = AKIAOTHEROTHEROTHER1\n';

let ca: TestCa;
const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

interface World {
  env: DemoEnvironment;
  duo: DuoEmulator;
  close(): Promise<void>;
}

async function world(options: Omit<DuoEmulatorOptions, 'https'>): Promise<World> {
  const duo = await startDuoEmulator({ https: ca.issueServerCert(['127.0.0.1']), ...options });
  const env = await startDemoEnvironment({
    users: [demoUser({ mfaAdapter: 'DuoAdfsAdapter' }), demoUser({ username: UNIVERSAL_USER, mfaAdapter: 'DuoAdfsAdapter', duoFlow: 'universal' })],
    duo: duo.integration,
  });
  return { env, duo, close: async () => void (await Promise.all([env.close(), duo.close()])) };
}

async function login(w: World, username: string, extraEnv: Record<string, string> = {}): Promise<{ home: TempHome; result: RunResult }> {
  const home = await makeTempHome();
  homes.push(home);
  const caFile = join(home.home, 'duo-ca.pem');
  await writeFile(caFile, ca.ca.certPem);
  await writeFile(home.credentialsFile, ORIGINAL_CREDENTIALS, { mode: 0o600 });
  const result = await runCli(
    ['login', '--idp-url', w.env.adfs.entryUrl, '--username', username, '--role', '*ReadOnly', '--no-prompt', '--password-stdin', '--ca-bundle', caFile],
    { env: { ...home.env, AWS_ENDPOINT_URL_STS: w.env.sts.url, ...extraEnv }, input: DEMO_USER.password },
  );
  expectNoSecrets(result, [DEMO_USER.password, DUO_EMULATOR_PASSCODE, extraEnv.AWSFED_MFA_CODE ?? '']);
  return { home, result };
}

async function expectSignedIn(home: TempHome, result: RunResult): Promise<void> {
  expect(result.code, result.stderr).toBe(0);
  const written = parseIni(await home.read('credentials'), home.credentialsFile);
  expect(written.getSection('saml')?.aws_access_key_id).toMatch(/^ASIA/);
  expect(written.getSection('saml')?.x_principal_arn).toContain(READ_ONLY.roleArn.split('/')[1]);
}

beforeAll(() => {
  ca = createTestCa();
});

describe('Duo approves (push answered after 2 polls, Verified Push on the Universal Prompt)', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ answerAfterPolls: 2, verifiedPush: true });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('classic adapter, non-interactive push: waits, one line on stderr, credentials written', async () => {
    const { home, result } = await login(w, CLASSIC_USER);
    await expectSignedIn(home, result);
    expect(result.stderr).toBe('Duo Push sent: approve it in Duo Mobile (waiting up to 120 s)\n');
  });

  it('Universal Prompt, non-interactive Verified Push: the line shows the code to type in Duo Mobile', async () => {
    const { home, result } = await login(w, UNIVERSAL_USER);
    await expectSignedIn(home, result);
    expect(result.stderr).toBe(`Duo Verified Push: enter ${DUO_VERIFIED_PUSH_CODE} in Duo Mobile to approve (waiting up to 120 s)\n`);
  });

  for (const [flow, username] of [['classic', CLASSIC_USER], ['Universal Prompt', UNIVERSAL_USER]] as const) {
    it(`${flow}, passcode from AWSFED_MFA_CODE: no wait, nothing on stderr`, async () => {
      const { home, result } = await login(w, username, { AWSFED_MFA_CODE: DUO_EMULATOR_PASSCODE });
      await expectSignedIn(home, result);
      expect(result.stderr).toBe('');
    });
  }

  it('wrong passcode: exit 3, DUO_PASSCODE_REJECTED in Duo\'s words, the code nowhere, the file untouched', async () => {
    const { home, result } = await login(w, UNIVERSAL_USER, { AWSFED_MFA_CODE: '135799' });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^awsfed: Duo did not accept the passcode: "Incorrect passcode\. Please try again\."$/m);
    expect(result.stderr).toMatch(/hint: Use a fresh code/);
    expect(await home.read('credentials')).toBe(ORIGINAL_CREDENTIALS);
  });
});

describe('Duo denies', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ outcome: 'deny', answerAfterPolls: 1 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it('denied push: exit 3 with a hint, the credentials file untouched, STS never called', async () => {
    const before = w.env.sts.calls.length;
    const { home, result } = await login(w, CLASSIC_USER);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^awsfed: The Duo push was denied: "Login request denied\."$/m);
    expect(result.stderr).toMatch(/hint: Sign in again and approve/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(await home.read('credentials')).toBe(ORIGINAL_CREDENTIALS);
    expect(w.env.sts.calls.length).toBe(before);
  });
});

describe('Duo under --debug', () => {
  let w: World;
  beforeAll(async () => {
    w = await world({ answerAfterPolls: 1 });
  });
  afterAll(async () => {
    await w?.close();
  });

  for (const [flow, username] of [['classic', CLASSIC_USER], ['Universal Prompt', UNIVERSAL_USER]] as const) {
    it(`${flow}: the debug lines show the Duo steps but no passcode, sid, _xsrf, signed request or answer`, async () => {
      const home = await makeTempHome();
      homes.push(home);
      const caFile = join(home.home, 'duo-ca.pem');
      await writeFile(caFile, ca.ca.certPem);
      const result = await runCli(
        ['login', '--debug', '--idp-url', w.env.adfs.entryUrl, '--username', username, '--role', '*ReadOnly', '--no-prompt', '--password-stdin', '--ca-bundle', caFile],
        { env: { ...home.env, AWS_ENDPOINT_URL_STS: w.env.sts.url, AWSFED_MFA_CODE: DUO_EMULATOR_PASSCODE, TMPDIR: home.home }, input: DEMO_USER.password },
      );
      expect(result.code, result.stderr).toBe(0);
      expectNoSecrets(result, [DEMO_USER.password, DUO_EMULATOR_PASSCODE]);
      expect(result.stderr).toMatch(/duo status: allow/);
      expect(result.stderr).toMatch(/\/frame\//);
      // Duo's session ids, tokens and signed values are 16+ hex digits or TX|/AUTH|/APP| strings.
      expect(result.stderr).not.toMatch(/(?:sid|_xsrf|txid|tx|duo_code|state|request)=[0-9a-f]{8}/);
      expect(result.stderr).not.toMatch(/(?:TX|APP|AUTH)\|/);
    });
  }
});
