import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdpError } from '../errors.js';
import { DeadlineExceeded, startDeadline } from './deadline.js';

const reason = new DeadlineExceeded((host) => new IdpError('SIGNIN_TIMEOUT', `slow ${host}`));

describe('startDeadline', () => {
  let now = 0;
  const clock = { now: () => now };
  const advance = async (ms: number): Promise<void> => {
    now += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('aborts with its DeadlineExceeded reason when the time is up', async () => {
    const deadline = startDeadline(1000, reason, clock);
    await advance(999);
    expect(deadline.expired).toBe(false);
    await advance(1);
    expect(deadline.expired).toBe(true);
    expect(deadline.signal.reason).toBe(reason);
  });

  it('does not count time spent paused (at a prompt), and resumes with what was left', async () => {
    const deadline = startDeadline(1000, reason, clock);
    await advance(600);
    let answer!: (value: string) => void;
    const prompt = deadline.paused(() => new Promise<string>((resolve) => (answer = resolve)));
    await advance(60_000);
    expect(deadline.expired).toBe(false);
    answer('pw');
    await expect(prompt).resolves.toBe('pw');
    await advance(399);
    expect(deadline.expired).toBe(false);
    await advance(1);
    expect(deadline.expired).toBe(true);
  });

  it('nested and overlapping pauses resume only when the last one ends', async () => {
    const deadline = startDeadline(100, reason, clock);
    let endOuter!: () => void;
    let endInner!: () => void;
    const outer = deadline.paused(() => new Promise<void>((resolve) => (endOuter = resolve)));
    const inner = deadline.paused(() => new Promise<void>((resolve) => (endInner = resolve)));
    endOuter();
    await outer;
    await advance(1000);
    expect(deadline.expired).toBe(false);
    endInner();
    await inner;
    await advance(100);
    expect(deadline.expired).toBe(true);
  });

  it('a paused task that fails still resumes the clock', async () => {
    const deadline = startDeadline(100, reason, clock);
    await expect(deadline.paused(async () => Promise.reject(new Error('no tty')))).rejects.toThrow('no tty');
    await advance(100);
    expect(deadline.expired).toBe(true);
  });

  it('dispose stops the timer for good', async () => {
    const deadline = startDeadline(100, reason, clock);
    deadline.dispose();
    await deadline.paused(async () => undefined);
    await advance(1000);
    expect(deadline.expired).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
