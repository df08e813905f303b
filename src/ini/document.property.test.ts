/**
 * Properties of the lossless INI document over generated files the AWS CLI accepts
 * (test/helpers/ini-arbitrary.ts; "accepts" per the configparser model in test/helpers/configparser.ts):
 * 1. parse -> toString is byte-identical;
 * 2. set/delete of one key changes only the lines of that key;
 * 3. the result parses again, the AWS CLI still accepts it, and its reading of every other key is unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLikeConfigParser, readingToObject } from '../../test/helpers/configparser.js';
import type { GeneratedIni, GeneratedKey } from '../../test/helpers/ini-arbitrary.js';
import { iniFile, iniKeyName, iniSimpleName, writableValue } from '../../test/helpers/ini-arbitrary.js';
import { FileError } from '../errors.js';
import { parseIni } from './document.js';

const RUNS = { numRuns: 300 };

function splitLines(text: string): { lines: string[]; eols: string[] } {
  const lines: string[] = [];
  const eols: string[] = [];
  const re = /\r?\n/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push(text.slice(start, m.index));
    eols.push(m[0]);
    start = m.index + m[0].length;
  }
  if (start < text.length) {
    lines.push(text.slice(start));
    eols.push('');
  }
  return { lines, eols };
}

const endsWithNewline = (text: string): boolean => text === '' || /\n$/.test(text);

/** Every (section, option) of the AWS CLI's reading except `skip`, as "section\0option" -> value. */
function readingExcept(text: string, skip?: { section: string; key: string }): Map<string, string> {
  const out = new Map<string, string>();
  for (const [section, options] of readLikeConfigParser(text)) {
    for (const [option, value] of options) {
      if (skip && section === skip.section && option === skip.key.toLowerCase()) continue;
      out.set(`${section}\u0000${option}`, value);
    }
  }
  return out;
}

/** Properties 2 and 3 for an edit that removes `removed` lines, replaces none or one, inserts none or one. */
function expectOnly(
  file: GeneratedIni,
  after: string,
  change: { removed?: number[]; replaced?: number; insertedAt?: number },
  target: { section: string; key: string },
): void {
  const before = { lines: file.lines, eols: file.eols };
  const out = splitLines(after);
  const removed = new Set(change.removed ?? []);
  // The untouched lines, in order, byte for byte (line endings too, but for the one line that may
  // have become, or stopped being, the last line of a file without a final newline).
  const keptBefore = before.lines.map((text, i) => ({ text, eol: before.eols[i]!, i })).filter(({ i }) => !removed.has(i) && i !== change.replaced);
  let keptAfter = out.lines.map((text, i) => ({ text, eol: out.eols[i]!, i }));
  const shift = (i: number): number => i - [...removed].filter((r) => r < i).length;
  if (change.replaced !== undefined) keptAfter = keptAfter.filter(({ i }) => i !== shift(change.replaced!));
  if (change.insertedAt !== undefined) keptAfter = keptAfter.filter(({ i }) => i !== change.insertedAt);
  const noFinalNewline = !endsWithNewline(file.text);
  // A file without a final newline keeps it missing: an empty line that becomes last loses its
  // line ending, and so has no bytes left (the file then ends with the previous line's ending).
  const blankBecameInvisible = noFinalNewline && keptBefore.length === keptAfter.length + 1 && keptBefore[keptBefore.length - 1]?.text === '';
  if (blankBecameInvisible) keptBefore.pop();
  expect(keptAfter.map((l) => l.text)).toEqual(keptBefore.map((l) => l.text));
  keptAfter.forEach((l, n) => {
    const was = keptBefore[n]!;
    // In a file without a final newline, the line that was last, or has become last, changes its ending.
    const mayChange = noFinalNewline && (n === keptAfter.length - 1 || was.i === before.lines.length - 1);
    if (!mayChange) expect(l.eol).toBe(was.eol);
  });
  if (!blankBecameInvisible) expect(endsWithNewline(after)).toBe(endsWithNewline(file.text) || after === '');
  // Property 3: it parses again, the AWS CLI accepts it, and reads every other key as before.
  expect(parseIni(after).toString()).toBe(after);
  expect(readingExcept(after, target)).toEqual(readingExcept(file.text, target));
}

const withKey = iniFile.filter((f) => f.sections.some((s) => s.keys.length > 0)).chain((file) => {
  const keys = file.sections.flatMap((s) => s.keys);
  return fc.record({ file: fc.constant(file), target: fc.constantFrom(...keys) });
});

describe('INI document properties', () => {
  it('generates files the AWS CLI accepts (the configparser model reads them)', () => {
    fc.assert(
      fc.property(iniFile, (file) => {
        const reading = readingToObject(readLikeConfigParser(file.text));
        expect(Object.keys(reading).sort()).toEqual(file.sections.map((s) => s.name).sort());
      }),
      RUNS,
    );
  });

  it('property 1: parse -> toString is byte-identical', () => {
    fc.assert(
      fc.property(iniFile, (file) => {
        expect(parseIni(file.text).toString()).toBe(file.text);
      }),
      RUNS,
    );
  });

  it('property 1 on any text: parseIni either refuses it with FILE_PARSE or gives it back byte-identical', () => {
    const anyText = fc.string({ unit: fc.constantFrom('[', ']', '=', '#', ';', ' ', '\t', '\r', '\n', 'a', 'b', 'é', '😀', '\uFEFF'), maxLength: 60 });
    fc.assert(
      fc.property(fc.oneof(anyText, fc.string({ unit: 'grapheme', maxLength: 40 })), (text) => {
        let doc;
        try {
          doc = parseIni(text);
        } catch (error) {
          expect(error).toBeInstanceOf(FileError);
          expect((error as FileError).code).toBe('FILE_PARSE');
          return;
        }
        expect(doc.toString()).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('our reading agrees with the AWS CLI for single-line values without an inline comment', () => {
    fc.assert(
      fc.property(iniFile, (file) => {
        const doc = parseIni(file.text);
        const reading = readLikeConfigParser(file.text);
        for (const s of file.sections) {
          for (const k of s.keys) {
            if (k.inlineComment || k.continuations.length > 0) continue;
            expect(doc.get(s.name, k.key)).toBe(reading.get(s.name)?.get(k.key.toLowerCase()));
          }
        }
      }),
      RUNS,
    );
  });

  it('property 2+3: set() of an existing key changes only its line (and drops its continuation lines)', () => {
    fc.assert(
      fc.property(withKey, writableValue, ({ file, target }, value) => {
        const doc = parseIni(file.text);
        doc.set(target.section, target.key, value);
        const after = doc.toString();
        expectOnly(file, after, { removed: target.continuations, replaced: target.line }, target);
        const reread = parseIni(after);
        expect(reread.get(target.section, target.key)).toBe(value);
        const cli = readLikeConfigParser(after).get(target.section)?.get(target.key.toLowerCase());
        // The AWS CLI keeps an inline comment in the value; awsfed keeps the comment in the file.
        if (target.inlineComment) expect(cli?.startsWith(value)).toBe(true);
        else expect(cli).toBe(value);
      }),
      RUNS,
    );
  });

  it('property 2+3: set() of a new key in an existing section inserts one line after its last key', () => {
    const arb = iniFile.filter((f) => f.sections.length > 0).chain((file) =>
      fc.record({
        file: fc.constant(file),
        section: fc.constantFrom(...file.sections),
        key: iniKeyName.filter((k) => file.sections.every((s) => s.keys.every((g) => g.key.toLowerCase() !== k.toLowerCase()))),
        value: writableValue,
      }),
    );
    fc.assert(
      fc.property(arb, ({ file, section, key, value }) => {
        const doc = parseIni(file.text);
        doc.set(section.name, key, value);
        const after = doc.toString();
        const target = { section: section.name, key };
        expectOnly(file, after, { insertedAt: section.lastContent + 1 }, target);
        expect(parseIni(after).get(section.name, key)).toBe(value);
        expect(readLikeConfigParser(after).get(section.name)?.get(key.toLowerCase())).toBe(value);
      }),
      RUNS,
    );
  });

  it('property 2+3: set() in a new section appends it at the end and changes no existing line', () => {
    const arb = iniFile.chain((file) =>
      fc.record({
        file: fc.constant(file),
        name: iniSimpleName.map((n) => `profile ${n}`).filter((n) => file.sections.every((s) => s.name !== n)),
        key: iniKeyName,
        value: writableValue,
      }),
    );
    fc.assert(
      fc.property(arb, ({ file, name, key, value }) => {
        const doc = parseIni(file.text);
        doc.set(name, key, value);
        const after = doc.toString();
        const out = splitLines(after);
        expect(out.lines.slice(0, file.lines.length)).toEqual(file.lines);
        expect(out.lines.slice(file.lines.length).filter((l) => l.trim() !== '')).toEqual([`[${name}]`, expect.stringMatching(new RegExp(`^${key}\\s*=\\s*`))]);
        expect(endsWithNewline(after)).toBe(endsWithNewline(file.text));
        expect(parseIni(after).get(name, key)).toBe(value);
        const reading = readLikeConfigParser(after);
        expect(reading.get(name)?.get(key.toLowerCase())).toBe(value);
        expect(readingExcept(after, { section: name, key })).toEqual(readingExcept(file.text));
      }),
      RUNS,
    );
  });

  it('property 2+3: delete() of a key removes only its line and its continuation lines', () => {
    fc.assert(
      fc.property(withKey, ({ file, target }: { file: GeneratedIni; target: GeneratedKey }) => {
        const doc = parseIni(file.text);
        doc.delete(target.section, target.key);
        const after = doc.toString();
        expectOnly(file, after, { removed: [target.line, ...target.continuations] }, target);
        expect(parseIni(after).get(target.section, target.key)).toBeUndefined();
        expect(readLikeConfigParser(after).get(target.section)?.has(target.key.toLowerCase())).toBe(false);
      }),
      RUNS,
    );
  });

  it('property 3: deleteSection() removes that section and the AWS CLI reads every other one as before', () => {
    const arb = iniFile.filter((f) => f.sections.length > 0).chain((file) => fc.record({ file: fc.constant(file), section: fc.constantFrom(...file.sections) }));
    fc.assert(
      fc.property(arb, ({ file, section }) => {
        const doc = parseIni(file.text);
        doc.deleteSection(section.name);
        const after = doc.toString();
        expect(parseIni(after).toString()).toBe(after);
        const before = readingToObject(readLikeConfigParser(file.text));
        delete before[section.name];
        expect(readingToObject(readLikeConfigParser(after))).toEqual(before);
        // Lines before the section are untouched (but for the blank lines that separated it).
        let keep = section.header;
        while (keep > 0 && file.lines[keep - 1]!.trim() === '') keep--;
        expect(splitLines(after).lines.slice(0, keep)).toEqual(file.lines.slice(0, keep));
      }),
      RUNS,
    );
  });

  it('property 2: set() to the value it already has, and delete() of a missing key, change nothing', () => {
    fc.assert(
      fc.property(withKey, ({ file, target }) => {
        fc.pre(!target.nested && target.continuations.length === 0 && target.value !== '' && !/\s[#;]/.test(target.value));
        const doc = parseIni(file.text);
        doc.set(target.section, target.key, target.value);
        doc.delete(target.section, 'x_not_there_at_all');
        expect(doc.toString()).toBe(file.text);
      }),
      RUNS,
    );
  });
});
