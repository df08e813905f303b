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
