import { describe, expect, it } from 'vitest';
import { formatTimeLeft } from './format.js';

describe('formatTimeLeft', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  it.each([
    ['2026-11-27T11:00:00Z', '1h 00m left'],
    ['2026-11-27T18:05:30Z', '8h 05m left'],
    ['2026-11-27T10:14:00Z', '14m left'],
    ['2026-11-27T09:59:00Z', 'expired'],
  ])('%s', (exp, text) => expect(formatTimeLeft(new Date(exp), now)).toBe(text));
});
