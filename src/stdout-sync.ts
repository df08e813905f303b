/**
 * The fast paths' stdout (src/bin.ts): one short answer written with fs.writeSync on fd 1, because
 * touching process.stdout builds a stream first (for a pipe, as the AWS CLI and the SDKs give the
 * helper, that loads net and the socket machinery; for a file, a SyncWriteStream), which costs a
 * measurable part of a credential_process cache hit. The stream is still the fallback where a
 * synchronous write cannot go on (a non-blocking pipe that is full).
 */
import { writeSync } from 'node:fs';

export interface StdoutPorts {
  /** fs.writeSync's shape: bytes written, or a throw with an errno code. */
  write: (fd: number, bytes: Uint8Array, offset: number) => number;
  /** Where the rest goes when a synchronous write would block: process.stdout. */
  stream: (bytes: Uint8Array) => void;
}

const realPorts: StdoutPorts = {
  write: (fd, bytes, offset) => writeSync(fd, bytes, offset),
  stream: (bytes) => void process.stdout.write(bytes),
};

export function writeStdoutSync(text: string, ports: StdoutPorts = realPorts): void {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  try {
    // A pipe may take less than all of it at once.
    while (offset < bytes.length) offset += ports.write(1, bytes, offset);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    // The reader is gone (`| head`): its choice, as main.ts treats it; nothing to report.
    if (code === 'EPIPE') return;
    if (code !== 'EAGAIN') throw error;
    ports.stream(bytes.subarray(offset));
  }
}
