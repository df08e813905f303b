import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../config/settings.js';
import { ERROR_AREAS, ERROR_CODES, ExitCode, type ErrorCodeSpec } from '../error-codes.js';
import { errorTable, markers, renderReadme, replaceTable, settingsTable, type ReadmeTable } from './readme-tables.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

function between(readme: string, table: ReadmeTable): string {
  const { begin, end } = markers(table);
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  expect({ table, start: start >= 0, stop: stop > start }).toEqual({ table, start: true, stop: true });
  return readme.slice(start + begin.length, stop).trim();
}

describe('README.md', () => {
  it('has the error table the registry (src/error-codes.ts) produces: run `npm run docs` after changing it', () => {
    expect(between(README, 'errors'), 'README error table is stale: run `npm run docs`').toBe(errorTable());
  });

  it('has the settings table SETTINGS (src/config/settings.ts) produces: run `npm run docs` after changing it', () => {
    expect(between(README, 'settings'), 'README settings table is stale: run `npm run docs`').toBe(settingsTable());
  });

  it('is left unchanged by the generator (nothing outside the markers moves either)', () => {
    expect(renderReadme(README) === README, 'README.md differs from `npm run docs` output: run `npm run docs`').toBe(true);
  });
});

describe('errorTable', () => {
  const table = errorTable();
  const rows = table.split('\n').slice(2);

  it('has one row per registered code, and one heading row per area that has codes', () => {
    const codeRows = rows.filter((r) => r.startsWith('| `'));
    expect(codeRows.map((r) => /^\| `([A-Z0-9_]+)`/.exec(r)?.[1]).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    const headings = rows.filter((r) => r.startsWith('| **'));
    const areasUsed = new Set(Object.values(ERROR_CODES as Record<string, ErrorCodeSpec>).map((s) => s.area));
    expect(headings).toHaveLength(areasUsed.size);
    expect(rows).toHaveLength(codeRows.length + headings.length);
  });

  it('groups the codes under their area, in the areas\' order', () => {
    const codes: Record<string, ErrorCodeSpec> = {
      B_ONE: { area: 'sts', exit: ExitCode.sts, what: 'b', todo: 'do b' },
      A_ONE: { area: 'idp', exit: ExitCode.auth, what: 'a', todo: 'do a' },
      B_TWO: { area: 'sts', exit: ExitCode.sts, what: 'b2', todo: 'do b2' },
    };
    expect(errorTable(codes).split('\n').slice(2)).toEqual([
      `| **${ERROR_AREAS.idp}** | | | |`,
      '| `A_ONE` | 3 | a | do a |',
      `| **${ERROR_AREAS.sts}** | | | |`,
      '| `B_ONE` | 5 | b | do b |',
      '| `B_TWO` | 5 | b2 | do b2 |',
    ]);
  });

  it('escapes | so a cell cannot split, and says when a code exits as its cause', () => {
    const codes: Record<string, ErrorCodeSpec> = {
      X_PIPE: { area: 'password', exit: ExitCode.prompt, what: 'a | b', todo: '`x | y`' },
      X_WRAP: { area: 'chain', exit: ExitCode.sts, exitFromCause: true, what: 'w', todo: 't' },
    };
    const lines = errorTable(codes).split('\n');
    expect(lines).toContain('| `X_PIPE` | 7 | a \\| b | `x \\| y` |');
    expect(lines).toContain("| `X_WRAP` | 5, or its cause's | w | t |");
    // Every row has exactly the header's four cells.
    for (const line of errorTable().split('\n')) expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(6);
  });
});

describe('settingsTable', () => {
  it('has one row per setting, in SETTINGS order, with every env variable and the profile key', () => {
    const rows = settingsTable().split('\n').slice(2);
    expect(rows).toHaveLength(Object.keys(SETTINGS).length);
    expect(rows[Object.keys(SETTINGS).indexOf('region')]).toBe('| region | `--region` | `AWS_REGION`, `AWS_DEFAULT_REGION` | `region` | us-east-1 |');
  });

  it('leaves the key cell empty for a setting without a profile key', () => {
    expect(settingsTable({ x: { label: 'x', flag: '--x', env: ['X_ENV'], defaultText: 'none' } }).split('\n')[2]).toBe('| x | `--x` | `X_ENV` |  | none |');
  });
});

describe('replaceTable', () => {
  const { begin, end } = markers('errors');

  it('replaces only what lies between the markers', () => {
    expect(replaceTable(`top\n${begin}\nold\nrows\n${end}\nbottom\n`, 'errors', 'new')).toBe(`top\n${begin}\nnew\n${end}\nbottom\n`);
  });

  it('refuses a README without the markers, with them reversed, or with two pairs', () => {
    expect(() => replaceTable('no markers', 'errors', 'x')).toThrow(/must contain/);
    expect(() => replaceTable(`${end}\n${begin}`, 'errors', 'x')).toThrow(/must contain/);
    expect(() => replaceTable(`${begin}\n${end}\n${begin}\n${end}`, 'errors', 'x')).toThrow(/must contain/);
  });
});
