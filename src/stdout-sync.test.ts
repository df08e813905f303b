import { describe, expect, it } from 'vitest';
import { writeStdoutSync, type StdoutPorts } from './stdout-sync.js';

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** A writer that takes at most `chunk` bytes per call, then throws `fail` once `limit` bytes are in. */
function fake(chunk: number, limit = Infinity, fail = 'EAGAIN') {
  const written: number[] = [];
  const streamed: number[] = [];
  const ports: StdoutPorts = {
    write: (fd, bytes, offset) => {
      expect(fd).toBe(1);
      if (written.length >= limit) throw errno(fail);
      const part = bytes.subarray(offset, Math.min(bytes.length, offset + chunk));
      written.push(...part);
      return part.length;
    },
    stream: (bytes) => void streamed.push(...bytes),
  };
  const text = (bytes: number[]) => Buffer.from(bytes).toString('utf8');
  return { ports, written: () => text(written), streamed: () => text(streamed) };
}

describe('writeStdoutSync (the fast paths write fd 1 without building process.stdout)', () => {
  it('writes everything, also when the pipe takes it in parts', () => {
    const out = fake(3);
    writeStdoutSync('{"Version":1,"é":"ü"}\n', out.ports);
    expect(out.written()).toBe('{"Version":1,"é":"ü"}\n');
    expect(out.streamed()).toBe('');
  });

  it('hands the rest to the stream when a synchronous write would block (a full non-blocking pipe)', () => {
    const out = fake(4, 8);
    writeStdoutSync('0123456789abcdef\n', out.ports);
    expect(out.written() + out.streamed()).toBe('0123456789abcdef\n');
    expect(out.written()).toBe('01234567');
  });

  it('stops quietly when the reader is gone (EPIPE), and throws any other error', () => {
    const gone = fake(4, 4, 'EPIPE');
    expect(() => writeStdoutSync('0123456789\n', gone.ports)).not.toThrow();
    expect(gone.streamed()).toBe('');
    const broken = fake(4, 0, 'EIO');
    expect(() => writeStdoutSync('x\n', broken.ports)).toThrow('EIO');
  });
});
