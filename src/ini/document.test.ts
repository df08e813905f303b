import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileError } from '../errors.js';
import { parseIni } from './document.js';
import { scalingRatio } from '../../test/helpers/scaling.js';

const fixtureDir = join(import.meta.dirname, '../../fixtures/ini');
const fixture = (name: string): string => readFileSync(join(fixtureDir, name), 'utf8');
const allFixtures = readdirSync(fixtureDir).filter((n) => n.endsWith('.ini'));
const goodFixtures = allFixtures.filter((n) => !n.startsWith('malformed-'));

/** The text of one section occurrence (header to next header) and everything around it. */
function splitAround(text: string, header: string): { before: string; section: string; after: string } {
  const start = text.indexOf(header);
  if (start === -1) throw new Error(`no ${header}`);
  const next = text.indexOf('\n[', start + header.length);
  const end = next === -1 ? text.length : next + 1;
  return { before: text.slice(0, start), section: text.slice(start, end), after: text.slice(end) };
}

function parseError(fn: () => unknown): FileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FileError) return error;
    throw error;
  }
  throw new Error('expected a FileError');
}

describe('parseIni round trip', () => {
  it('has fixtures to test', () => {
    expect(goodFixtures.length).toBeGreaterThanOrEqual(6);
  });

  it.each(goodFixtures)('%s comes back byte-identical', (name) => {
    const text = fixture(name);
    expect(parseIni(text, name).toString()).toBe(text);
  });

  it.each([
    ['empty', ''],
    ['only newline', '\n'],
    ['no final newline', '[a]\nk = v'],
    ['CRLF', '[a]\r\nk = v\r\n'],
    ['mixed endings', '[a]\r\nk = v\nj=w\r\n'],
    ['BOM and comments only', '\uFEFF# hello\n; there'],
    ['tabs and spaces', '[a]\t\n\tk\t=\tv\t\n  \n'],
    ['header with comment', '[default] # main\nk = v ; c\n'],
    ['indented keys', '[a]\n  k = 1\n  j = 2\n'],
  ])('%s comes back byte-identical', (_label, text) => {
    expect(parseIni(text).toString()).toBe(text);
  });

  it('keeps the byte-identical text of untouched sections after an edit', () => {
    for (const name of goodFixtures) {
      const text = fixture(name);
      const doc = parseIni(text, name);
      const first = doc.sectionNames()[0];
      if (first === undefined) continue;
      doc.set(first, 'x_awsfed_test', 'on');
      const out = doc.toString();
      expect(out.length).toBeGreaterThan(text.length);
      // Removing the one added line gives the original back.
      expect(out.replace(/^[ \t]*x_awsfed_test[ \t]*=[ \t]*on\r?\n/m, '')).toBe(text);
    }
  });
});

describe('parseIni reading', () => {
  const basic = parseIni(fixture('credentials-basic.ini'));
  const config = parseIni(fixture('config-nested.ini'));

  it('lists sections in file order', () => {
    expect(basic.sectionNames()).toEqual(['default', 'saml', 'ci']);
    expect(config.sectionNames()).toEqual(['default', 'profile saml', 'profile spaced', 'profile dev', 'sso-session corp']);
  });

  it('reads values around odd spacing, tabs and inline comments', () => {
    expect(basic.get('default', 'aws_secret_access_key')).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(basic.get('default', 'region')).toBe('eu-west-1');
    expect(basic.get('default', 'output')).toBe('json');
    expect(basic.get('ci', 'aws_access_key_id')).toBe('AKIAI44QH8DHBEXAMPLE');
    expect(config.get('profile saml', 'awsfed_role_arn')).toBe('arn:aws:iam::123456789012:role/ADFS-Admin');
  });

  it('keeps "=", spaces, and # or ; not preceded by whitespace inside values', () => {
    expect(basic.get('ci', 'weird_value')).toBe('a=b=c  with spaces;not-a-comment#nor-this');
    expect(config.get('profile saml', 'awsfed_idp_url')).toBe(
      'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices',
    );
  });

  it('reads a nested sub-section as parent.child and never as top-level keys', () => {
    expect(config.getSection('default')).toEqual({
      region: 'us-east-1',
      output: 'json',
      's3.max_concurrent_requests': '10',
      's3.max_queue_size': '1000',
      's3.multipart_threshold': '64MB',
      cli_pager: '',
    });
    expect(config.get('default', 'max_queue_size')).toBeUndefined();
  });

  it('compares section names after trimming and collapsing whitespace', () => {
    expect(config.hasSection('profile spaced')).toBe(true);
    expect(config.hasSection('  profile   spaced ')).toBe(true);
    expect(config.get('profile spaced', 'region')).toBe('ap-southeast-2');
    expect(config.hasSection('Profile spaced')).toBe(false);
  });

  it('treats keys as case-sensitive for reading', () => {
    const doc = parseIni('[a]\nRegion = x\n');
    expect(doc.get('a', 'Region')).toBe('x');
    expect(doc.get('a', 'region')).toBeUndefined();
  });

  it('is safe against keys named like Object.prototype members', () => {
    const doc = parseIni('[a]\n__proto__ = x\n');
    expect(doc.get('a', '__proto__')).toBe('x');
    expect(doc.get('a', 'constructor')).toBeUndefined();
    const section = doc.getSection('a');
    expect(Object.getPrototypeOf(section)).toBe(Object.prototype);
    expect(Object.keys(section ?? {})).toEqual(['__proto__']);
  });

  it('merges duplicate sections and keys, later wins', () => {
    const doc = parseIni(fixture('config-duplicates.ini'));
    expect(doc.sectionNames()).toEqual(['profile dup', 'default']);
    expect(doc.getSection('profile dup')).toEqual({ region: 'us-west-2', output: 'yaml' });
  });

  it('returns undefined for missing sections and keys, {} for an empty section', () => {
    const doc = parseIni('[empty]\n# nothing\n');
    expect(doc.getSection('missing')).toBeUndefined();
    expect(doc.get('missing', 'k')).toBeUndefined();
    expect(doc.getSection('empty')).toEqual({});
  });

  it('treats a continuation of a plain value as part of that key, not as a key', () => {
    const doc = parseIni('[a]\nk = first\n  second = line\nj = 2\n');
    expect(doc.getSection('a')).toEqual({ k: 'first', j: '2' });
  });
});

describe('parseIni errors', () => {
  it.each([
    ['malformed-unclosed-section.ini', 4, 'not closed'],
    ['malformed-no-equals.ini', 3, 'expected "key = value"'],
    ['malformed-key-before-section.ini', 1, 'before any [section]'],
  ])('%s fails at its line with a hint', (name, line, what) => {
    const error = parseError(() => parseIni(fixture(name), `/home/u/.aws/${name}`));
    expect(error.code).toBe('FILE_PARSE');
    expect(error.message).toContain(`/home/u/.aws/${name}:${line}: `);
    expect(error.message).toContain(what);
    expect(error.hint).toBe('Fix or remove that line; awsfed never rewrites a file it cannot parse.');
  });

  it('does not echo a key that appears before any section (it may be a pasted secret)', () => {
    const error = parseError(() => parseIni('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\n[default]\n', '/home/u/.aws/credentials'));
    expect(error.message).toBe('/home/u/.aws/credentials:1: a key=value line appears before any [section] header');
  });

  it.each([
    ['[]\n', 1],
    ['[a]\n= value\n', 2],
    ['[a]b\n', 1],
    ['[a]\nkey: value\n', 2],
    ['[a]\nfoo #bar = x\n', 2],
  ])('rejects %j', (text, line) => {
    const error = parseError(() => parseIni(text, 'f'));
    expect(error.message).toMatch(new RegExp(`^f:${line}: `));
  });

  it('every fixture is either parseable or named malformed-', () => {
    for (const name of allFixtures) {
      const parse = (): unknown => parseIni(fixture(name), name);
      if (name.startsWith('malformed-')) expect(parse).toThrow(FileError);
      else expect(parse).not.toThrow();
    }
  });
});

describe('IniDocument.set', () => {
  it('edits one profile among 40 and leaves every other byte identical', () => {
    const text = fixture('credentials-many.ini');
    const doc = parseIni(text);
    doc.set('acct-17', 'aws_access_key_id', 'ASIANEWNEWNEWEXAMPLE');
    doc.set('acct-17', 'aws_session_token', 'NEW+TOKEN/==');
    doc.set('acct-17', 'x_extra', 'added');
    const before = splitAround(text, '[acct-17]');
    const after = splitAround(doc.toString(), '[acct-17]');
    expect(after.before).toBe(before.before);
    expect(after.after).toBe(before.after);
    expect(after.section).toBe(
      '[acct-17]\n' +
        'aws_access_key_id=ASIANEWNEWNEWEXAMPLE\n' +
        'aws_secret_access_key=secret17/EXAMPLE+KEY/abcdefghijklmnopqrstu\n' +
        'aws_session_token=NEW+TOKEN/==\n' +
        'x_security_token_expires=2025-06-18T12:00:00Z\n' +
        'x_principal_arn=arn:aws:iam::100000018887:saml-provider/ADFS\n' +
        'x_extra=added\n' +
        '# rotated by the platform team\n' +
        '\n',
    );
  });

  it('keeps each line spacing style and an inline comment when editing', () => {
    const doc = parseIni(fixture('credentials-basic.ini'));
    doc.set('default', 'region', 'us-east-2');
    doc.set('default', 'output', 'text');
    doc.set('default', 'aws_secret_access_key', 'NEWSECRET');
    doc.set('ci', 'aws_access_key_id', 'AKIANEW');
    const out = doc.toString();
    expect(out).toContain('\nregion=us-east-2\n');
    expect(out).toContain('\noutput   =    text\n');
    expect(out).toContain('\naws_secret_access_key = NEWSECRET   # inline comment after whitespace\n');
    expect(out).toContain('\naws_access_key_id\t=\tAKIANEW\n');
  });

  it('fills an empty value with the spacing used before "="', () => {
    const doc = parseIni('[a]\nx =\ny=\nz = # note\n');
    doc.set('a', 'x', '1');
    doc.set('a', 'y', '2');
    doc.set('a', 'z', '3');
    expect(doc.toString()).toBe('[a]\nx = 1\ny=2\nz = 3 # note\n');
  });

  it('adds a key after the last key line, before comments that belong to the next section', () => {
    const text = fixture('config-nested.ini');
    const doc = parseIni(text);
    doc.set('profile dev', 'region', 'eu-north-1');
    doc.set('default', 'cli_timestamp_format', 'iso8601');
    expect(doc.toString()).toBe(
      text
        .replace('duration_seconds = 3600\n', 'duration_seconds = 3600\nregion = eu-north-1\n')
        .replace('cli_pager=\n', 'cli_pager=\ncli_timestamp_format = iso8601\n'),
    );
  });

  it('adds a key after a trailing sub-section without it becoming a continuation', () => {
    const doc = parseIni('[default]\nregion = x\ns3 =\n  max_concurrent_requests = 10\n');
    doc.set('default', 'output', 'json');
    expect(doc.toString()).toBe('[default]\nregion = x\ns3 =\n  max_concurrent_requests = 10\noutput = json\n');
    expect(parseIni(doc.toString()).get('default', 'output')).toBe('json');
  });

  it('never indents a new key deeper than the key that owns the trailing continuation lines', () => {
    const doc = parseIni('[a]\n    k = 1\ns3 =\n  x = 1\n');
    doc.set('a', 'j', '2');
    expect(doc.toString()).toBe('[a]\n    k = 1\ns3 =\n  x = 1\nj = 2\n');
    expect(parseIni(doc.toString()).get('a', 'j')).toBe('2');
  });

  it('uses the indentation of the section keys for a new key', () => {
    const doc = parseIni('[a]\n  k = 1\n');
    doc.set('a', 'j', '2');
    expect(doc.toString()).toBe('[a]\n  k = 1\n  j = 2\n');
    expect(parseIni(doc.toString()).getSection('a')).toEqual({ k: '1', j: '2' });
  });

  it('indents a key added to an empty section like an indented header after it, which would otherwise continue the new key', () => {
    // Found by the property tests: "a_ = 1" at column 0 made the next line " [b]" its continuation.
    const doc = parseIni('[a]\n [b]\nk = v\n');
    doc.set('a', 'x', '1');
    expect(doc.toString()).toBe('[a]\n x = 1\n [b]\nk = v\n');
    const reread = parseIni(doc.toString());
    expect(reread.sectionNames()).toEqual(['a', 'b']);
    expect(reread.getSection('a')).toEqual({ x: '1' });
  });

  it('adds a key right after the header of an empty section', () => {
    const doc = parseIni('[a]\n\n# about b\n[b]\nk = v\n');
    doc.set('a', 'x', '1');
    expect(doc.toString()).toBe('[a]\nx = 1\n\n# about b\n[b]\nk = v\n');
  });

  it('appends a new section at the end, separated by one blank line', () => {
    const doc = parseIni(fixture('credentials-basic.ini'));
    doc.set('new', 'aws_access_key_id', 'AKIA1');
    doc.set('new', 'aws_secret_access_key', 'S1');
    expect(doc.toString()).toBe(`${fixture('credentials-basic.ini')}\n[new]\naws_access_key_id = AKIA1\naws_secret_access_key = S1\n`);
  });

  it('does not add a second blank line when the file already ends with one', () => {
    const doc = parseIni('[a]\nk = v\n\n');
    doc.set('b', 'k', 'v');
    expect(doc.toString()).toBe('[a]\nk = v\n\n[b]\nk = v\n');
  });

  it('starts an empty file without a leading blank line', () => {
    const doc = parseIni('');
    doc.set('profile x', 'region', 'us-east-1');
    expect(doc.toString()).toBe('[profile x]\nregion = us-east-1\n');
  });

  it('uses CRLF in a CRLF file and keeps a missing final newline missing', () => {
    const text = fixture('credentials-crlf.ini');
    const doc = parseIni(text);
    doc.set('work', 'region', 'eu-west-1');
    doc.set('home', 'region', 'us-east-1');
    expect(doc.toString()).toBe(`${text}\r\nregion = eu-west-1\r\n\r\n[home]\r\nregion = us-east-1`);
  });

  it('keeps the BOM', () => {
    const doc = parseIni(fixture('credentials-bom.ini'));
    doc.set('default', 'region', 'x');
    expect(doc.toString().startsWith('\uFEFF[default]\n')).toBe(true);
    expect(doc.get('default', 'region')).toBe('x');
  });

  it('never creates duplicates when called repeatedly', () => {
    const doc = parseIni('');
    for (let i = 0; i < 5; i++) {
      doc.set('p', 'k', `v${i}`);
      doc.set('p', 'j', `w${i}`);
    }
    expect(doc.toString()).toBe('[p]\nk = v4\nj = w4\n');
  });

  it('edits the winning (last) occurrence of duplicates and removes none', () => {
    const text = fixture('config-duplicates.ini');
    const doc = parseIni(text);
    doc.set('profile dup', 'output', 'table');
    doc.set('profile dup', 'region', 'ap-south-1');
    doc.set('profile dup', 'cli_pager', 'less');
    expect(doc.toString()).toBe(
      text
        .replace('output = yaml\n', 'output = table\ncli_pager = less\n')
        .replace('region = us-west-2', 'region = ap-south-1'),
    );
    expect(doc.getSection('profile dup')).toEqual({ region: 'ap-south-1', output: 'table', cli_pager: 'less' });
  });

  it('matches an existing key case-insensitively (configparser lowercases keys) and respells it', () => {
    const doc = parseIni('[a]\nAWS_ACCESS_KEY_ID = OLD\n');
    doc.set('a', 'aws_access_key_id', 'NEW');
    expect(doc.toString()).toBe('[a]\naws_access_key_id = NEW\n');
  });

  it('finds a section written with odd spacing instead of adding another', () => {
    const doc = parseIni(fixture('config-nested.ini'));
    doc.set('profile spaced', 'output', 'json');
    expect(doc.toString()).toContain('[ profile  spaced ]\n\tregion\t=\tap-southeast-2\n\toutput\t=\tjson\n');
    expect(doc.sectionNames().filter((n) => n === 'profile spaced')).toHaveLength(1);
  });

  it('replaces a sub-section with a plain value, dropping its continuation lines', () => {
    const doc = parseIni('[d]\ns3 =\n  a = 1\n  # c\n  b = 2\nk = v\n');
    doc.set('d', 's3', 'off');
    expect(doc.toString()).toBe('[d]\ns3 = off\n  # c\nk = v\n');
    expect(parseIni(doc.toString()).getSection('d')).toEqual({ s3: 'off', k: 'v' });
  });

  it('adds after the final line of a file without a final newline', () => {
    const doc = parseIni('[a]');
    doc.set('a', 'k', 'v');
    expect(doc.toString()).toBe('[a]\nk = v');
  });

  it.each([
    ['line break', 'a\nb'],
    ['surrounding space', ' a'],
    ['inline comment', 'a #b'],
    ['leading comment char', '#a'],
  ])('refuses a value with a %s without echoing it', (_label, value) => {
    const doc = parseIni('[a]\n');
    const error = parseError(() => doc.set('a', 'k', value));
    expect(error.code).toBe('FILE_INVALID_VALUE');
    expect(error.message).not.toContain(value);
    expect(doc.toString()).toBe('[a]\n');
  });

  it.each([['k=v'], [' k'], [''], ['#k'], ['[k'], ['a #b']])('refuses key name %j', (key) => {
    expect(() => parseIni('').set('a', key, 'v')).toThrow(FileError);
  });

  it.each([['a]b'], [''], ['  ']])('refuses section name %j', (section) => {
    expect(() => parseIni('').set(section, 'k', 'v')).toThrow(FileError);
  });
});

describe('IniDocument.delete and deleteSection', () => {
  it('deletes every occurrence of a key, with its continuation lines', () => {
    const doc = parseIni('[a]\nk = 1\ns3 =\n  x = 1\nj = 2\n[a]\nK = 3\n');
    doc.delete('a', 'k');
    doc.delete('a', 's3');
    doc.delete('a', 'missing');
    doc.delete('missing', 'k');
    expect(doc.toString()).toBe('[a]\nj = 2\n[a]\n');
  });

  it('deletes a section in the middle, keeping the comment of the next one', () => {
    const doc = parseIni('[a]\nk = 1\n\n[b]\nk = 2\n\n# about c\n[c]\nk = 3\n');
    doc.deleteSection('b');
    expect(doc.toString()).toBe('[a]\nk = 1\n\n# about c\n[c]\nk = 3\n');
  });

  it('deletes the first and the last section cleanly', () => {
    const doc = parseIni('[a]\nk = 1\n\n[b]\nk = 2\n\n[c]\nk = 3');
    doc.deleteSection('a');
    doc.deleteSection('c');
    expect(doc.toString()).toBe('[b]\nk = 2');
  });

  it('deleting a section never turns an indented header after it into a continuation of the key before it', () => {
    const doc = parseIni('[a]\nk = 1\n[b]\n  j = 2\n  [c]\nm = 3\n');
    doc.deleteSection('b');
    const reread = parseIni(doc.toString());
    expect(reread.sectionNames()).toEqual(['a', 'c']);
    expect(reread.getSection('a')).toEqual({ k: '1' });
    expect(reread.getSection('c')).toEqual({ m: '3' });
    expect(doc.toString()).toBe('[a]\nk = 1\n[c]\nm = 3\n');
  });

  it('deletes every duplicate of a section', () => {
    const doc = parseIni(fixture('config-duplicates.ini'));
    doc.deleteSection('profile dup');
    expect(doc.toString()).toBe('[default]\nregion = eu-west-1\n');
    expect(doc.hasSection('profile dup')).toBe(false);
  });
});

// `awsfed list` on a config with 20,000 profiles ran for minutes: every get() scanned every line of the
// file, and sectionNames() compared each name with all before it. Reading every section, and editing
// one, must cost time linear in the file (issue 6: bounded work on hostile input, here a huge config).
describe('IniDocument on a file with thousands of sections', () => {
  const config = (n: number): string =>
    Array.from({ length: n }, (_, i) => `[profile d${i}]\nrole_arn = arn:aws:iam::${100000000000 + i}:role/R\nsource_profile = saml\n`).join('');

  it('reads every section in time linear in the number of sections', () => {
    const work = (n: number): void => {
      const doc = parseIni(config(n));
      for (const name of doc.sectionNames()) {
        if (doc.get(name, 'source_profile') !== 'saml' || doc.getSection(name)?.role_arn === undefined || !doc.hasSection(name)) throw new Error(name);
      }
    };
    expect(scalingRatio(work, 300)).toBeLessThan(30);
  });

  it('stays correct across edits (the section index follows every change)', () => {
    const doc = parseIni(config(50));
    doc.set('profile d10', 'region', 'eu-west-1');
    doc.deleteSection('profile d3');
    doc.set('profile new', 'region', 'us-east-1');
    doc.delete('profile d20', 'role_arn');
    doc.set('profile d49', 'role_arn', 'arn:aws:iam::111111111111:role/X');
    expect(doc.get('profile d10', 'region')).toBe('eu-west-1');
    expect(doc.hasSection('profile d3')).toBe(false);
    expect(doc.get('profile new', 'region')).toBe('us-east-1');
    expect(doc.get('profile d20', 'role_arn')).toBeUndefined();
    expect(doc.get('profile d20', 'source_profile')).toBe('saml');
    expect(doc.get('profile d49', 'role_arn')).toBe('arn:aws:iam::111111111111:role/X');
    expect(doc.sectionNames()).toHaveLength(50);
    expect(parseIni(doc.toString()).getSection('profile d11')).toEqual(doc.getSection('profile d11'));
  });
});
