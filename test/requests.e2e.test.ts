/**
 * End to end: the sign-in makes no HTTP request it does not need and repeats none (issue 8, item 3),
 * and --debug lists each one with its reason. Checked two ways against the emulators: the request lines
 * of the built CLI's --debug output, and the emulators' own logs (what really arrived), which must agree.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { makeTempHome, runCli } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';

const PASSWORD = DEMO_USER.password;
const ENTRY = '/adfs/ls/IdpInitiatedSignOn.aspx';

let env: DemoEnvironment;
let home: TempHome;
beforeAll(async () => {
  env = await startDemoEnvironment({
    users: [
      demoUser({ roles: [demoUser().roles[0]!] }),
      demoUser({ username: 'push@corp.example', roles: [demoUser().roles[0]!], mfaAdapter: 'AzureMfaAuthentication', mfaPushApproveAfterPolls: 2 }),
    ],
  });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  home = await makeTempHome();
});
afterEach(async () => {
  await home?.cleanup();
});

function login(username: string, args: string[] = []): Promise<RunResult> {
  return runCli(['login', '--idp-url', env.adfs.entryUrl, '--username', username, '--no-prompt', '--debug', ...args], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: PASSWORD },
    timeoutMs: 60_000,
  });
}

/** The --debug request list as [method, path, status, reason], host dropped (the ports are ephemeral). */
function requestList(result: RunResult): Array<[string, string, string, string]> {
  return result.stderr
    .split('\n')
    .flatMap((line) => {
      const m = /^debug: request: (GET|POST|HEAD|PUT) 127\.0\.0\.1:\d+(\S*) -> (\S+) \((.*)\)$/.exec(line);
      return m ? [[m[1]!, m[2]!, m[3]!, m[4]!] as [string, string, string, string]] : [];
    });
}

/** Keys, token and the password: none may be in the request list or anywhere else in the output. */
async function secretsOf(): Promise<string[]> {
  const text = await home.read('credentials');
  const values = [...text.matchAll(/^aws_(?:secret_access_key|session_token)\s*=\s*(\S+)$/gm)].map((m) => m[1]!);
  expect(values).toHaveLength(2);
  return [PASSWORD, ...values];
}

describe('the --debug request list', () => {
  it('a forms login: the sign-on page, the login form post and its redirect, one STS call; each with its reason, no secret', async () => {
    const before = env.adfs.requests.length;
    const stsBefore = env.sts.calls.length;
    const result = await login(DEMO_USER.username, ['--no-session']);
    expect(result.code, result.stderr).toBe(0);
    expect(requestList(result)).toEqual([
      ['GET', ENTRY, '200', 'IdP-initiated sign-on page'],
      ['POST', ENTRY, '302', 'post the login form'],
      ['GET', ENTRY, '200', 'redirect 1 after: post the login form'],
      ['POST', '/', '200', 'STS AssumeRoleWithSAML'],
    ]);
    // What the emulators saw: the same three IdP requests and one STS call, nothing more (no HEAD, no repeat).
    expect(env.adfs.requests.slice(before).map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual([
      `GET ${ENTRY} 200`,
      `POST ${ENTRY} 302`,
      `GET ${ENTRY} 200`,
    ]);
    expect(env.sts.calls.length - stsBefore).toBe(1);
    // Request lines carry no query (the entry URL's loginToRp, a client-request-id), no cookie, no body.
    const lines = result.stderr.split('\n').filter((l) => l.includes('request: '));
    expect(lines.join('\n')).not.toMatch(/[?=]|MSISAuth|Cookie|UserName|Password/);
    expectNoSecrets(result, await secretsOf());
  });

  it('a session-cookie login: one GET of the sign-on page (the SAMLResponse at once) and one STS call', async () => {
    const first = await login(DEMO_USER.username);
    expect(first.code, first.stderr).toBe(0);
    const before = env.adfs.requests.length;
    const result = await login(DEMO_USER.username);
    expect(result.code, result.stderr).toBe(0);
    expect(requestList(result)).toEqual([
      ['GET', ENTRY, '200', 'IdP-initiated sign-on page'],
      ['POST', '/', '200', 'STS AssumeRoleWithSAML'],
    ]);
    expect(env.adfs.requests.length - before).toBe(1);
    expectNoSecrets(result, await secretsOf());
  });

  it('an Azure MFA push login: one poll per wait, numbered, and nothing else repeated', async () => {
    const before = env.adfs.requests.length;
    const result = await login('push@corp.example', ['--no-session']);
    expect(result.code, result.stderr).toBe(0);
    expect(requestList(result)).toEqual([
      ['GET', ENTRY, '200', 'IdP-initiated sign-on page'],
      ['POST', ENTRY, '200', 'post the login form'],
      ['POST', ENTRY, '200', 'poll Azure MFA push (1)'],
      ['POST', ENTRY, '302', 'poll Azure MFA push (2)'],
      ['GET', ENTRY, '200', 'redirect 1 after: poll Azure MFA push (2)'],
      ['POST', '/', '200', 'STS AssumeRoleWithSAML'],
    ]);
    expect(env.adfs.requests.length - before).toBe(5);
    expectNoSecrets(result, await secretsOf());
  });
});
