/**
 * End to end: a destination added before the first sign-in gets a provisional role_session_name from
 * the user name; the first login replaces it with the SAML RoleSessionName, which then reaches STS.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';

let env: DemoEnvironment;
let home: TempHome;
beforeAll(async () => {
  env = await startDemoEnvironment();
  home = await makeTempHome();
});
afterAll(async () => {
  try {
    await env?.close();
  } finally {
    await home?.cleanup();
  }
});

it('login replaces the provisional role_session_name of destinations added before it', async () => {
  const cliEnv = { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password };
  const configured = await runCli(['configure', '--idp-url', env.adfs.entryUrl, '--username', 'CORP\\alice', '--role', '*Admins', '--region', 'us-east-1'], { env: cliEnv });
  expect(configured.code).toBe(0);
  const added = await runCli(['add', 'dev', '--account', '222222222222', '--role', 'ADFS-Developers'], { env: cliEnv });
  expect(added.code).toBe(0);
  expect(parseIni(await home.read('config')).get('profile dev', 'role_session_name')).toBe('alice');

  const login = await runCli(['login', '--chain', '--no-prompt'], { env: cliEnv });
  expect(login.stderr).toBe('');
  expect(login.code).toBe(0);
  const config = parseIni(await home.read('config'));
  expect(config.get('profile saml', 'awsfed_role_session_name')).toBe(DEMO_USER.username);
  expect(config.get('profile dev', 'role_session_name')).toBe(DEMO_USER.username);
  const assumeRole = env.sts.calls.filter((c) => c.action === 'AssumeRole');
  expect(assumeRole.map((c) => c.params.RoleSessionName)).toEqual([DEMO_USER.username]);
});
