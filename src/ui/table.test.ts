import { describe, expect, it } from 'vitest';
import { formatTable } from './table.js';

describe('formatTable', () => {
  it('pads columns to the widest cell, two spaces apart, without trailing spaces', () => {
    expect(formatTable(['NAME', 'ACCOUNT', 'X'], [['prod', '222222222222', ''], ['a', '1', 'long']])).toBe(
      ['NAME  ACCOUNT       X', 'prod  222222222222', 'a     1             long'].join('\n'),
    );
  });

  it('prints only the header for no rows, and fills missing cells', () => {
    expect(formatTable(['A', 'B'], [])).toBe('A  B');
    expect(formatTable(['A', 'B'], [['x']])).toBe('A  B\nx');
  });

  it('turns line breaks and tabs into one space, not `?`', () => {
    expect(formatTable(['A', 'B'], [['one\ntwo', 'x'], ['a \r\n  b\tc', 'y']])).toBe('A        B\none two  x\na b c    y');
  });

  it('replaces control characters and counts code points', () => {
    expect(formatTable(['A', 'B'], [['\u001b[31mx', 'y'], ['é😀', 'z']])).toBe('A       B\n?[31mx  y\né😀      z');
  });
});
