import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, withProgress } from './progress.js';
import type { ProgressInput, SpinnerFactory } from './progress.js';

function fakeTerminal(isTTY: boolean): PassThrough & { isTTY?: boolean; written: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; written: () => string };
  stream.isTTY = isTTY;
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  stream.written = () => chunks.join('');
  return stream;
}

class FakeInput extends EventEmitter implements ProgressInput {
  isTTY = true;
  isRaw = false;
  modes: boolean[] = [];
  paused = true;
  setRawMode(mode: boolean) {
    this.isRaw = mode;
    this.modes.push(mode);
  }
  resume() {
    this.paused = false;
  }
  pause() {
    this.paused = true;
  }
}

/** A spinner that writes plain markers, so the test sees what was drawn and when. */
function recordingSpinner(): { factory: () => Promise<SpinnerFactory>; events: string[] } {
  const events: string[] = [];
  const factory: SpinnerFactory = ({ text, stream }) => {
    const spinner = {
      text,
      start() {
        events.push(`start:${spinner.text}`);
        stream.write(`[spin ${spinner.text}]`);
      },
      stop() {
        events.push(`stop:${spinner.text}`);
      },
    };
    return spinner;
  };
  return { factory: async () => factory, events };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('progress port', () => {
  it('draws nothing, loads nothing and leaves stdin alone when stderr is not a terminal', async () => {
    const output = fakeTerminal(false);
    const input = new FakeInput();
    let loaded = false;
    const progress = createProgress({ output, input, env: {}, loadSpinner: async () => ((loaded = true), recordingSpinner().factory()) as never });
    expect(progress.live).toBe(false);
    progress.start('Contacting idp.example');
    progress.update('still');
    await tick();
    progress.stop();
    expect(output.written()).toBe('');
    expect(loaded).toBe(false);
    expect(input.modes).toEqual([]);
  });

  it('TERM=dumb and CI count as no terminal', () => {
    expect(createProgress({ output: fakeTerminal(true), env: { TERM: 'dumb' } }).live).toBe(false);
    expect(createProgress({ output: fakeTerminal(true), env: { CI: 'true' } }).live).toBe(false);
  });

  it('on a terminal: start draws the line, update changes its text, stop ends it and restores stdin', async () => {
    const output = fakeTerminal(true);
    const input = new FakeInput();
    const spinner = recordingSpinner();
    const progress = createProgress({ output, input, env: { TERM: 'xterm' }, loadSpinner: spinner.factory });
    expect(progress.live).toBe(true);
    progress.start('Contacting idp.example');
    expect(input.isRaw).toBe(true);
    await tick();
    progress.update('1:59 left');
    progress.stop();
    expect(spinner.events).toEqual(['start:Contacting idp.example', 'stop:1:59 left']);
    expect(output.written()).toBe('[spin Contacting idp.example]');
    expect(input.modes).toEqual([true, false]);
    expect(input.paused).toBe(true);
    expect(input.listenerCount('data')).toBe(0);
  });

  it('keys typed during the wait are read and dropped; Ctrl-C interrupts once with one line', async () => {
    const output = fakeTerminal(true);
    const input = new FakeInput();
    let interrupts = 0;
    const progress = createProgress({ output, input, env: {}, loadSpinner: recordingSpinner().factory, onInterrupt: () => interrupts++ });
    progress.start('Waiting');
    await tick();
    input.emit('data', Buffer.from('echo LEAK\r'));
    expect(interrupts).toBe(0);
    input.emit('data', Buffer.from([0x03]));
    expect(interrupts).toBe(1);
    expect(output.written()).not.toContain('LEAK');
    expect(output.written()).toContain('awsfed: interrupted\n');
    expect(input.isRaw).toBe(false);
    expect(input.listenerCount('data')).toBe(0);
  });

  it('a spinner whose import finishes after stop is never drawn', async () => {
    const output = fakeTerminal(true);
    const spinner = recordingSpinner();
    const progress = createProgress({ output, env: {}, loadSpinner: spinner.factory });
    progress.start('Calling STS');
    progress.stop();
    await tick();
    expect(spinner.events).toEqual([]);
    expect(output.written()).toBe('');
  });

  it('withProgress stops the line when the work fails, and the SIGINT listener goes with it', async () => {
    const output = fakeTerminal(true);
    const input = new FakeInput();
    const before = process.listenerCount('SIGINT');
    const progress = createProgress({ output, input, env: {}, loadSpinner: recordingSpinner().factory });
    await expect(
      withProgress(progress, 'Calling STS', async () => {
        expect(process.listenerCount('SIGINT')).toBe(before + 1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(process.listenerCount('SIGINT')).toBe(before);
    expect(input.isRaw).toBe(false);
  });
});
