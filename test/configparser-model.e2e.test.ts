/**
 * The configparser model the INI property tests rely on (test/helpers/configparser.ts) against the
 * real thing: Python's configparser.RawConfigParser, as botocore (the AWS CLI) uses it, reading a
 * sample of generated files with universal newlines. Every generated file must be accepted, and
 * read the same way by the model and by Python. One Python process for the whole sample.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLikeConfigParser, readingToObject } from './helpers/configparser.js';
import { iniFile } from './helpers/ini-arbitrary.js';
import { requireTool } from './helpers/peers.js';

const PYTHON = `
import configparser, io, json, sys
out = []
for text in json.load(sys.stdin):
    cp = configparser.RawConfigParser()
    try:
        cp.read_file(io.StringIO(text, newline=None))
        out.append({"ok": {s: dict(cp.items(s, raw=True)) for s in cp.sections()}})
    except configparser.Error as e:
        out.append({"error": type(e).__name__})
json.dump(out, sys.stdout)
`;

describe('the configparser model', () => {
  it('reads 300 generated files exactly as Python configparser does, and Python accepts them all', () => {
    const python = requireTool('python3');
    const texts = fc.sample(iniFile, { numRuns: 300, seed: 20240601 }).map((f) => f.text);
    // A few hand-picked cases the generator makes rarely.
    texts.push('[a]\nk = 1\n\n  more\n', '[a]\ns3 =\n  x = 1\n\n  y = 2\n', '[a]\n k = 1\n [b]\n', '[a]\nk = v # not a comment for configparser\n');
    const python3 = execFileSync(python, ['-c', PYTHON], { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const results = JSON.parse(python3) as Array<{ ok?: Record<string, Record<string, string>>; error?: string }>;
    expect(results).toHaveLength(texts.length);
    results.forEach((result, i) => {
      expect(result.error, JSON.stringify(texts[i])).toBeUndefined();
      expect(readingToObject(readLikeConfigParser(texts[i]!)), JSON.stringify(texts[i])).toEqual(result.ok);
    });
  });

  it('refuses what Python refuses', () => {
    const python = requireTool('python3');
    const texts = ['k = 1\n[a]\n', '[a]\nk = 1\nK = 2\n', '[a]\n[a]\n', '[a]\nnovalue\n', '[a]\n= 1\n'];
    const results = JSON.parse(execFileSync(python, ['-c', PYTHON], { input: JSON.stringify(texts), encoding: 'utf8' })) as Array<{ error?: string }>;
    results.forEach((result, i) => {
      expect(result.error, texts[i]).toBeDefined();
      expect(() => readLikeConfigParser(texts[i]!), texts[i]).toThrow();
    });
  });
});
