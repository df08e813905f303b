import { describe, expect, it } from 'vitest';
import { ntlmIdentity } from './wia.js';

describe('ntlmIdentity', () => {
  it('DOMAIN\\user splits into domain and user', () => {
    expect(ntlmIdentity('CORP\\alice')).toEqual({ domain: 'CORP', user: 'alice' });
  });
  it('user@domain is sent whole as the user, with no domain', () => {
    expect(ntlmIdentity('alice@corp.example')).toEqual({ domain: '', user: 'alice@corp.example' });
  });
});

describe('signInWia against a server that breaks off its answer', () => {
  it('a connection dropped in the middle of a page is IDP_UNREACHABLE at once, not a run that never settles', async () => {
    const { createServer } = await import('node:http');
    const { silentLogger } = await import('../../log.js');
    const { signInWia } = await import('./wia.js');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': '100000' });
      res.write('<html><body>half a page');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const { port } = server.address() as { port: number };
      const outcome = await signInWia({
        entryUrl: `http://127.0.0.1:${port}/adfs/ls/IdpInitiatedSignOn.aspx`,
        credentials: { username: async () => 'CORP\\alice', password: async () => 'Passw0rd!' },
        log: silentLogger,
        timeoutMs: 20_000,
      }).then(
        () => 'signed in',
        (error: unknown) => error,
      );
      expect(outcome).toMatchObject({ code: 'IDP_UNREACHABLE' });
    } finally {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });
});

describe('signInWia when Kerberos cannot be used', () => {
  async function against(wia: { negotiateOnly?: boolean }, mechanism: 'auto' | 'kerberos' | 'ntlm') {
    const { startDemoEnvironment, DEMO_USER } = await import('../../emulator/demo-environment.js');
    const { silentLogger } = await import('../../log.js');
    const { signInWia } = await import('./wia.js');
    const { KerberosUnavailable } = await import('./negotiate.js');
    const env = await startDemoEnvironment({ wia });
    let asked = 0;
    try {
      return await signInWia(
        {
          entryUrl: env.adfs.entryUrl,
          credentials: { username: async () => 'CORP\\alice', password: async () => (asked++, DEMO_USER.password) },
          log: silentLogger,
        },
        {
          mechanism,
          negotiate: async () => {
            throw new KerberosUnavailable('no-module', 'the package is missing');
          },
        },
      ).then(
        (signed) => ({ by: signed.by, asked }),
        (error: unknown) => ({ error, asked }),
      );
    } finally {
      await env.close();
    }
  }

  it('without the kerberos package, --auth wia signs in with NTLM where AD FS offers it', async () => {
    expect(await against({}, 'auto')).toEqual({ by: 'ntlm', asked: 1 });
  });
  it('without it and only Negotiate offered: IDP_WIA_KERBEROS_UNAVAILABLE, the hint says how to install it, no password asked', async () => {
    const outcome = await against({ negotiateOnly: true }, 'auto');
    expect(outcome).toMatchObject({ asked: 0, error: { code: 'IDP_WIA_KERBEROS_UNAVAILABLE' } });
    expect((outcome as { error: { hint: string } }).error.hint).toMatch(/--allow-scripts=kerberos/);
  });
  it('--auth kerberos never falls back to NTLM', async () => {
    expect(await against({}, 'kerberos')).toMatchObject({ asked: 0, error: { code: 'IDP_WIA_KERBEROS_UNAVAILABLE' } });
  });
  it('--auth ntlm against a Negotiate-only AD FS: IDP_WIA_NOT_OFFERED, saying only Negotiate is offered', async () => {
    const outcome = await against({ negotiateOnly: true }, 'ntlm');
    expect(outcome).toMatchObject({ asked: 0, error: { code: 'IDP_WIA_NOT_OFFERED' } });
    expect(String((outcome as { error: Error }).error.message)).toMatch(/offers only Negotiate/);
  });
  it('before NTLM asks for the password, the notice says why Kerberos was not used', async () => {
    const { startDemoEnvironment, DEMO_USER } = await import('../../emulator/demo-environment.js');
    const { silentLogger } = await import('../../log.js');
    const { signInWia } = await import('./wia.js');
    const { KerberosUnavailable } = await import('./negotiate.js');
    const env = await startDemoEnvironment({ wia: {} });
    const events: string[] = [];
    try {
      const signed = await signInWia(
        {
          entryUrl: env.adfs.entryUrl,
          credentials: { username: async () => (events.push('username'), 'CORP\\alice'), password: async () => (events.push('password'), DEMO_USER.password) },
          log: silentLogger,
        },
        {
          negotiate: async () => {
            throw new KerberosUnavailable('expired', 'Ticket expired');
          },
          notice: (line) => events.push(line),
        },
      );
      expect(signed.by).toBe('ntlm');
      expect(events).toHaveLength(3);
      expect(events[0]).toBe('Kerberos single sign-on not used: The Kerberos ticket has expired. Signing in with NTLM (your domain password).');
      expect(events.slice(1)).toEqual(['username', 'password']);
    } finally {
      await env.close();
    }
  });
  it('a KDC that never answers: after the Kerberos limit NTLM signs in (GSSAPI cannot be interrupted, it is not waited for)', async () => {
    const { startDemoEnvironment, DEMO_USER } = await import('../../emulator/demo-environment.js');
    const { silentLogger } = await import('../../log.js');
    const { signInWia } = await import('./wia.js');
    const env = await startDemoEnvironment({ wia: {} });
    try {
      const signed = await signInWia(
        { entryUrl: env.adfs.entryUrl, credentials: { username: async () => 'CORP\\alice', password: async () => DEMO_USER.password }, log: silentLogger },
        { negotiate: () => new Promise(() => {}), kerberosLimitMs: 200 },
      );
      expect(signed.by).toBe('ntlm');
    } finally {
      await env.close();
    }
  });
});

describe('the WIA transport', () => {
  it("a request's own limit wins over the transport's (an MFA Server post waits for the phone)", async () => {
    const { createServer } = await import('node:http');
    const { silentLogger } = await import('../../log.js');
    const { createWiaTransport } = await import('./wia.js');
    const server = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>answered</html>'), 300);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const wia = createWiaTransport({ credentials: { username: async () => 'u', password: async () => 'p' }, log: silentLogger, requestTimeoutMs: 100 });
    try {
      const { port } = server.address() as { port: number };
      const url = `http://127.0.0.1:${port}/adfs/ls/`;
      await expect(wia.http.postForm(url, [['AuthMethod', 'AzureMfaServerAuthentication']])).rejects.toMatchObject({ code: 'IDP_TIMEOUT' });
      const answered = await wia.http.postForm(url, [['AuthMethod', 'AzureMfaServerAuthentication']], { timeoutMs: 5000 });
      expect(answered.body).toContain('answered');
    } finally {
      wia.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });

  it('the WIA user agent goes to the AD FS host only; another host (Duo, say) gets a current browser\'s', async () => {
    const { createServer } = await import('node:http');
    const { silentLogger } = await import('../../log.js');
    const { createWiaTransport, WIA_USER_AGENT } = await import('./wia.js');
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.headers.host} ${req.headers['user-agent']}`);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const wia = createWiaTransport({ credentials: { username: async () => 'u', password: async () => 'p' }, log: silentLogger });
    try {
      const { port } = server.address() as { port: number };
      await wia.http.get(`http://127.0.0.1:${port}/adfs/ls/IdpInitiatedSignOn.aspx`);
      await wia.http.get(`http://localhost:${port}/frame/web/v1/auth`);
      expect(seen[0]).toBe(`127.0.0.1:${port} ${WIA_USER_AGENT}`);
      expect(seen[1]).toMatch(/^localhost:\d+ Mozilla\/5\.0 .*Chrome\//);
    } finally {
      wia.close();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    }
  });

  it('a proxy that never answers CONNECT: the request ends at its limit and its connection to the proxy is closed', async () => {
    const { silentLogger } = await import('../../log.js');
    const { createWiaTransport } = await import('./wia.js');
    const { parseProxyUrl } = await import('../../http/proxy.js');
    const { startTestProxy } = await import('../../../test/helpers/proxy.js');
    const proxy = await startTestProxy({ silent: true });
    const wia = createWiaTransport({
      credentials: { username: async () => 'u', password: async () => 'p' },
      log: silentLogger,
      requestTimeoutMs: 300,
      proxy: { https: parseProxyUrl(proxy.url, 'HTTPS_PROXY'), noProxy: [] },
    });
    try {
      await expect(wia.http.get('https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx')).rejects.toMatchObject({ code: 'IDP_TIMEOUT', message: expect.stringMatching(/through the proxy/) });
      // The proxy sees the hang-up (a does-not-hang guard, not a speed check).
      for (let i = 0; i < 100 && proxy.openConnections > 0; i++) await new Promise((done) => setTimeout(done, 50));
      expect(proxy.connections).toBe(1);
      expect(proxy.openConnections).toBe(0);
    } finally {
      wia.close();
      await proxy.close();
    }
  });
});
