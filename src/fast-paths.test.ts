import { describe, expect, it } from 'vitest';
import { runFastPath, type FastCommand } from './fast-paths.js';
import { VERSION } from './version.js';

function capture() {
  const written: string[] = [];
  return { io: { out: (text: string) => void written.push(text) }, written };
}

describe('fast paths (answered before commander loads)', () => {
  it('answers exactly `--version` and `-V` with the version', async () => {
    for (const flag of ['--version', '-V']) {
      const { io, written } = capture();
      expect(await runFastPath([flag], io, {})).toBe(0);
      expect(written).toEqual([`${VERSION}\n`]);
    }
  });

  it('leaves everything else to the full CLI', async () => {
    for (const argv of [[], ['--help'], ['login', '--version'], ['--version', '--debug'], ['list']]) {
      const { io, written } = capture();
      expect(await runFastPath(argv, io, {})).toBeUndefined();
      expect(written).toEqual([]);
    }
  });

  it('dispatches a registered command with its arguments, loading it only when called', async () => {
    const calls: string[][] = [];
    let loads = 0;
    const hit: FastCommand = async (args, io) => (calls.push(args), io.out('{}\n'), 0);
    const table = { 'credential-process': async () => (loads++, hit) };
    const { io, written } = capture();
    expect(await runFastPath(['list'], io, table)).toBeUndefined();
    expect(loads).toBe(0);
    expect(await runFastPath(['credential-process', '--profile', 'p'], io, table)).toBe(0);
    expect(calls).toEqual([['--profile', 'p']]);
    expect(written).toEqual(['{}\n']);
  });

  it('falls through when the fast command declines (a cache miss) or --debug asks for diagnostics', async () => {
    const miss: FastCommand = async () => undefined;
    let loads = 0;
    const table = { 'credential-process': async () => (loads++, miss) };
    const { io } = capture();
    expect(await runFastPath(['credential-process', '--profile', 'p'], io, table)).toBeUndefined();
    expect(await runFastPath(['credential-process', '--debug'], io, table)).toBeUndefined();
    expect(loads).toBe(1);
  });

  it('does not treat inherited object keys as commands', async () => {
    const { io } = capture();
    expect(await runFastPath(['toString'], io, {})).toBeUndefined();
    expect(await runFastPath(['__proto__'], io, {})).toBeUndefined();
  });
});
