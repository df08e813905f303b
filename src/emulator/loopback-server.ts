/** Starts an emulator's HTTP(S) server on 127.0.0.1 with an ephemeral port: tests and the demo never listen elsewhere. */
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from './certs.js';

export interface LoopbackServer {
  origin: string;
  close(): Promise<void>;
}

export async function listenOnLoopback(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  tls?: KeyPair,
): Promise<LoopbackServer> {
  const server: Server = tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Clients keep connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
