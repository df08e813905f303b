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

/** Thrown by readBody when the body exceeds its limit; the caller answers (413) and closes the connection. */
export class RequestBodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`request body larger than ${maxBytes} bytes`);
  }
}

/**
 * The whole request body, refusing more than `maxBytes`: past the limit it stops reading (the request is
 * paused, nothing more is buffered) and rejects with RequestBodyTooLarge.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(new RequestBodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request's target (path and query) as a URL; the origin is a fixed stand-in, only pathname and search mean anything. */
export function requestUrl(target: string | undefined): URL {
  return new URL(target ?? '/', 'http://loopback.invalid');
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
