import { describe, expect, it } from 'vitest';
import { formatExpiry, formatTime, formatTimeLeft, formatTimestamp } from './format.js';

describe('formatTimeLeft', () => {
  const now = new Date('2026-11-27T10:00:00Z');
  it.each([
    ['2026-11-27T11:00:00Z', '1h 00m left'],
    ['2026-11-27T18:05:30Z', '8h 05m left'],
    ['2026-11-27T10:14:00Z', '14m left'],
    ['2026-11-27T09:59:00Z', 'expired'],
  ])('%s', (exp, text) => expect(formatTimeLeft(new Date(exp), now)).toBe(text));
});

describe('formatTime: the one human time format, local with the zone', () => {
  const t = new Date('2026-11-27T21:20:13.456Z');
  it.each([
    [0, '2026-11-27 21:20 UTC'],
    [60, '2026-11-27 22:20 +01:00'],
    [330, '2026-11-28 02:50 +05:30'],
    [-300, '2026-11-27 16:20 -05:00'],
    [-570, '2026-11-27 11:50 -09:30'],
  ])('offset %i', (offset, text) => expect(formatTime(t, offset)).toBe(text));
  it("uses the local zone's offset at that instant by default", () => {
    expect(formatTime(t)).toBe(formatTime(t, -t.getTimezoneOffset()));
  });
  it('formatExpiry is that time and the time left', () => {
    expect(formatExpiry(t, new Date('2026-11-27T20:00:00Z'))).toBe(`${formatTime(t)} (1h 20m left)`);
  });
  it('formatTimestamp: RFC 3339 in UTC to the second, for JSON', () => {
    expect(formatTimestamp(t)).toBe('2026-11-27T21:20:13Z');
  });
});
