/**
 * End to end: --auth wia (issue 9 item 2) through the built CLI against the AD FS emulator speaking NTLM
 * at /adfs/ls/wia, which checks the NTLMv2 answer against the user's password for real.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, demoUser, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import { EMULATOR_MFA_CODE } from '../src/emulator/adfs.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { makeTempHome, runCli } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { expectNoSecrets } from './helpers/secrets.js';
import { startTestProxy } from './helpers/proxy.js';

const PASSWORD = DEMO_USER.password;
const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function login(env: DemoEnvironment, args: string[], password: string = PASSWORD, extraEnv: Record<string, string> = {}) {
  const home = await makeTempHome();
  homes.push(home);
  const result = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--no-prompt', '--auth', 'wia', '--role', '*ReadOnly', '--password-stdin', ...args], {
    env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, ...extraEnv },
    input: password,
    timeoutMs: 60_000,
  });
  return { home, result };
}

function ntlmSecrets(stderr: string): void {
  // The Authorization header's NTLM messages (base64 of "NTLMSSP\0") never appear.
  expect(stderr).not.toMatch(/TlRMTVNTUA/);
  expect(stderr).not.toMatch(/NTLM [A-Za-z0-9+/=]{20,}/);
}

describe('--auth wia (NTLM)', () => {
  let env: DemoEnvironment;
  beforeAll(async () => {
    env = await startDemoEnvironment({ wia: { domain: 'CORP' } });
  });
  afterAll(async () => env.close());

  it('signs in with the right password (DOMAIN\\user), through the NTLM handshake, no secret in --debug', async () => {
    const { home, result } = await login(env, ['--username', 'CORP\\alice', '--debug']);
    expect(result.code, result.stderr).toBe(0);
    const credentials = await readFile(home.credentialsFile, 'utf8');
    expect(credentials).toContain('aws_session_token');
    expect(result.stderr).toMatch(/request: GET \S+\/adfs\/ls\/wia -> 401 \(NTLM negotiate \(type 1\)\)/);
    expect(result.stderr).toMatch(/request: GET \S+\/adfs\/ls\/wia -> 302 \(NTLM authenticate \(type 3\)\)/);
    // No ticket (the test home has no ticket cache): NTLM, and the debug output says why.
    expect(result.stderr).toMatch(/Kerberos not used \(.*\); NTLM with the password instead/);
    expectNoSecrets(result, new Set([PASSWORD]));
    ntlmSecrets(result.stderr);
  });

  it('signs in as user@domain', async () => {
    const { result } = await login(env, ['--username', 'alice@corp.example']);
    expect(result.code, result.stderr).toBe(0);
  });

  it('a wrong password: IDP_WIA_BAD_CREDENTIALS, exit 3, with a hint', async () => {
    const { result } = await login(env, ['--username', 'CORP\\alice', '--debug'], 'not-the-password');
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/AD FS refused the Windows integrated sign-in of CORP\\alice/);
    expect(result.stderr).toMatch(/\n {2}hint: Check the user name/);
    expectNoSecrets(result, new Set(['not-the-password']));
    ntlmSecrets(result.stderr);
  });

  it('a bad --auth value is a usage error', async () => {
    const { result } = await login(env, ['--username', 'alice', '--auth', 'kerbros']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--auth is "kerbros"; expected forms, wia, kerberos or ntlm/);
  });

  it('a second login rides on the IdP session (MSISAuth cookies): no handshake, no password read', async () => {
    const { home, result } = await login(env, ['--username', 'CORP\\alice']);
    expect(result.code, result.stderr).toBe(0);
    const before = env.adfs.requests.length;
    const again = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--no-prompt', '--auth', 'wia', '--role', '*ReadOnly', '--username', 'CORP\\alice'], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url },
      timeoutMs: 60_000,
    });
    expect(again.code, again.stderr).toBe(0);
    expect(env.adfs.requests.slice(before).some((r) => /\/adfs\/ls\/wia/i.test(r.path))).toBe(false);
  });

  it('--auth ntlm never tries Kerberos', async () => {
    const { result } = await login(env, ['--username', 'CORP\\alice', '--auth', 'ntlm', '--debug']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/Kerberos/);
  });
});

describe('--auth wia and the rest of the AD FS conversation (the forms flow over the Windows transport)', () => {
  it('a sign-on URL without loginToRp: the site selection is posted, then NTLM, then the SAMLResponse', async () => {
    const env = await startDemoEnvironment({ wia: { domain: 'CORP' } });
    try {
      const home = await makeTempHome();
      homes.push(home);
      const bare = env.adfs.entryUrl.replace(/\?.*$/, '');
      const result = await runCli(['login', '--idp-url', bare, '--no-prompt', '--auth', 'wia', '--role', '*ReadOnly', '--password-stdin', '--username', 'CORP\\alice', '--debug'], {
        env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url },
        input: PASSWORD,
        timeoutMs: 60_000,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/post the relying-party choice/);
      expect(result.stderr).toMatch(/NTLM authenticate \(type 3\)/);
      expect(await readFile(home.credentialsFile, 'utf8')).toContain('aws_session_token');
    } finally {
      await env.close();
    }
  });

  it('a second factor after Windows sign-in: the MFA page is answered as in a forms sign-in (code from --mfa-code)', async () => {
    const env = await startDemoEnvironment({ wia: { domain: 'CORP' }, users: [demoUser({ mfaAdapter: 'SecurIDAuthentication' })] });
    try {
      const { result } = await login(env, ['--username', 'CORP\\alice', '--mfa-code', EMULATOR_MFA_CODE, '--debug']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/NTLM authenticate \(type 3\)/);
      expect(result.stderr).toMatch(/step \d+: mfa/);
      expect(result.stderr).not.toContain(EMULATOR_MFA_CODE);
    } finally {
      await env.close();
    }
  });

  it('a second factor after Windows sign-in with no code under --no-prompt ends as in a forms sign-in (needs a prompt), not as "WIA not offered"', async () => {
    const env = await startDemoEnvironment({ wia: { domain: 'CORP' }, users: [demoUser({ mfaAdapter: 'SecurIDAuthentication' })] });
    try {
      const { result } = await login(env, ['--username', 'CORP\\alice']);
      expect(result.code, result.stderr).toBe(7);
      expect(result.stderr).not.toMatch(/not offered/);
      expect(result.stderr).toMatch(/--no-prompt/);
    } finally {
      await env.close();
    }
  });
});

describe('--auth wia against servers that break it', () => {
  it('a connection closed between the challenge and the answer: IDP_WIA_CONNECTION_LOST, not a hang', async () => {
    const env = await startDemoEnvironment({ wia: { dropAfterChallenge: true } });
    try {
      const { result } = await login(env, ['--username', 'CORP\\alice']);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/closed between the NTLM challenge and the answer/);
    } finally {
      await env.close();
    }
  });

  it('Negotiate (Kerberos) only, no ticket: says so and what works instead', async () => {
    const env = await startDemoEnvironment({ wia: { negotiateOnly: true } });
    try {
      const { result } = await login(env, ['--username', 'CORP\\alice'], PASSWORD, { KRB5CCNAME: 'FILE:/nonexistent/awsfed-test-ccache' });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/offers Kerberos \(Negotiate\), but awsfed could not get a ticket/);
      expect(result.stderr).toMatch(/hint: .*kinit/);
    } finally {
      await env.close();
    }
  });

  it('an AD FS without WIA (forms page): IDP_WIA_NOT_OFFERED', async () => {
    const env = await startDemoEnvironment({});
    try {
      const { result } = await login(env, ['--username', 'CORP\\alice']);
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/Windows integrated sign-in was not offered/);
    } finally {
      await env.close();
    }
  });
});

describe('--auth wia and proxies', () => {
  it('a proxy in force for a plain-http IdP: WIA_PROXY_UNSUPPORTED (exit 2), nothing sent direct', async () => {
    const env = await startDemoEnvironment({ wia: {} });
    try {
      const { result } = await login(env, ['--username', 'CORP\\alice', '--proxy', 'http://127.0.0.1:9']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/Windows integrated sign-in cannot go to the plain-http \S+ through the proxy/);
      expect(env.adfs.requests).toHaveLength(0);
    } finally {
      await env.close();
    }
  });

  describe('an https AD FS through a CONNECT proxy', () => {
    let env: DemoEnvironment;
    let caHome: TempHome;
    let caFile: string;
    beforeAll(async () => {
      env = await startDemoEnvironment({ wia: { domain: 'CORP' }, https: true });
      caHome = await makeTempHome();
      caFile = join(caHome.home, 'corp-ca.pem');
      await writeFile(caFile, env.ca!.ca.certPem);
    });
    afterAll(async () => {
      await env?.close();
      await caHome?.cleanup();
    });
    const adfsHost = (): string => new URL(env.adfs.entryUrl).host;

    it('NTLM signs in through one tunnel, kept for the whole handshake, the certificate verified inside it', async () => {
      const proxy = await startTestProxy();
      try {
        const { result } = await login(env, ['--username', 'CORP\\alice', '--ca-bundle', caFile, '--debug'], PASSWORD, { HTTPS_PROXY: proxy.url });
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toMatch(/NTLM authenticate \(type 3\)\) *$/m);
        // One CONNECT for the IdP: the Type 1, Type 2 and Type 3 messages shared the tunnel.
        expect(proxy.tunnels.filter((t) => t === adfsHost())).toHaveLength(1);
        ntlmSecrets(result.stderr);
      } finally {
        await proxy.close();
      }
    });

    it('a proxy that wants credentials: PROXY_AUTH_REQUIRED (exit 3); with them in the URL it works, and the proxy password is never shown', async () => {
      const proxy = await startTestProxy({ auth: { user: 'svc', password: 'pr0xy-pw-9' } });
      try {
        const refused = await login(env, ['--username', 'CORP\\alice', '--ca-bundle', caFile], PASSWORD, { HTTPS_PROXY: proxy.url });
        expect(refused.result.code, refused.result.stderr).toBe(3);
        expect(refused.result.stderr).toMatch(/asks for authentication to reach/);
        const withCredentials = proxy.url.replace('http://', 'http://svc:pr0xy-pw-9@');
        const ok = await login(env, ['--username', 'CORP\\alice', '--ca-bundle', caFile, '--debug'], PASSWORD, { HTTPS_PROXY: withCredentials });
        expect(ok.result.code, ok.result.stderr).toBe(0);
        expectNoSecrets(ok.result, new Set([PASSWORD, 'pr0xy-pw-9']));
      } finally {
        await proxy.close();
      }
    });

    it('a proxy that never answers CONNECT: the sign-in deadline ends it, the connection to the proxy is closed and the process exits', async () => {
      const proxy = await startTestProxy({ silent: true });
      try {
        const home = await makeTempHome();
        homes.push(home);
        // A process kept alive by its socket to the proxy would outlive runCli's limit of 15 s (the stalled
        // proxy itself gives up only after 45 s).
        const result = await runCli(['login', '--idp-url', env.adfs.entryUrl, '--no-prompt', '--auth', 'wia', '--role', '*ReadOnly', '--password-stdin', '--username', 'CORP\\alice', '--ca-bundle', caFile, '--timeout', '2s'], {
          env: { ...home.env, AWS_ENDPOINT_URL_STS: env.sts.url, HTTPS_PROXY: proxy.url },
          input: PASSWORD,
          timeoutMs: 15_000,
        });
        expect(result.code, result.stderr).toBe(3);
        expect(result.stderr).toMatch(/did not finish within 2 s/);
      } finally {
        await proxy.close();
      }
    });

    it('a proxy that refuses the IdP host: PROXY_REFUSED, naming the proxy', async () => {
      const proxy = await startTestProxy({ refuse: () => true });
      try {
        const before = env.adfs.requests.length;
        const { result } = await login(env, ['--username', 'CORP\\alice', '--ca-bundle', caFile], PASSWORD, { HTTPS_PROXY: proxy.url });
        expect(result.code, result.stderr).toBe(3);
        expect(result.stderr).toMatch(/refused to connect to/);
        expect(env.adfs.requests.length).toBe(before); // nothing went round the proxy
      } finally {
        await proxy.close();
      }
    });
  });
});
