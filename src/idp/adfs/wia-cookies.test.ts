import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { renderAdfsSamlPostPage } from '../../emulator/adfs-pages.js';
import { createChallenge } from '../../emulator/ntlm-server.js';
import { silentLogger } from '../../log.js';
import { signInWia } from './wia.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('signInWia cookies', () => {
  it("AD FS's cookies from the NTLM answer go back to AD FS only, not to the host a redirect points at", async () => {
    const seenByOther: Array<string | undefined> = [];
    const other = await serve((req, res) => {
      seenByOther.push(req.headers.cookie);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(renderAdfsSamlPostPage({ action: 'https://signin.aws.amazon.com/saml', samlResponse: 'UE9TVEVE' }));
    });
    const adfs = await serve((req, res) => {
      const auth = String(req.headers.authorization ?? '');
      if (auth === '') return void res.writeHead(401, { 'www-authenticate': ['Negotiate', 'NTLM'] }).end();
      if (Buffer.from(auth.slice(5), 'base64').readUInt32LE(8) === 1) {
        return void res.writeHead(401, { 'www-authenticate': `NTLM ${createChallenge('CORP').token}` }).end();
      }
      res.writeHead(302, { location: `${other}/next`, 'set-cookie': 'MSISAuth=session-secret; path=/adfs' }).end();
    });
    const result = await signInWia({
      entryUrl: `${adfs}/adfs/ls/wia`,
      credentials: { username: async () => 'CORP\\alice', password: async () => 'pw' },
      log: silentLogger,
    });
    expect(result.samlResponse).toBe('UE9TVEVE');
    expect(seenByOther).toEqual([undefined]);
  });
});
