/**
 * fast-check arbitraries for realistic ~/.aws/config and ~/.aws/credentials text that the AWS CLI
 * accepts (configparser rules, see configparser.ts): `[default]`, `[profile x]`, `[sso-session x]`
 * and plain sections, spacing and tabs around `=`, `#` and `;` comments (full-line and after a
 * value), blank and whitespace-only lines, LF, CRLF or both, indented keys, multi-line values and
 * the AWS CLI's nested `s3 =` blocks, unicode values, with or without a final newline.
 *
 * Each generated file comes with its layout: which line holds which key and which lines continue
 * it, so that a property can say exactly which lines an edit may touch.
 */
import fc from 'fast-check';

export interface GeneratedKey {
  section: string;
  key: string;
  /** Index of the key line. */
  line: number;
  /** Indexes of the indented lines that continue its value (not the comments or blanks between them). */
  continuations: number[];
  /** The value as written on the key line (without an inline comment). */
  value: string;
  /** The key line has a comment after its value. */
  inlineComment: boolean;
  nested: boolean;
}

export interface GeneratedSection {
  name: string;
  header: number;
  keys: GeneratedKey[];
  /** Index of the last key or continuation line, or of the header. */
  lastContent: number;
}

export interface GeneratedIni {
  text: string;
  /** Lines without their endings, in order. */
  lines: string[];
  eols: string[];
  sections: GeneratedSection[];
}

const words = fc.constantFrom(
  'us-east-1', 'eu-west-1', 'json', 'arn:aws:iam::123456789012:role/Admin', 'https://adfs.example.com/adfs/ls/?a=b&c=d',
  'AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY==', 'CORP\\alice', 'a#b', 'x;y', '64MB', '10', 'true',
  'café', 'Müller', '日本語', 'Ωmega', '😀', 'naïve', 'ß', '東京', 'ünïcödé', 'C:\\Users\\x', 'k=v', '%(x)s', '"quoted"', '[x]',
);
const value = fc.array(words, { minLength: 0, maxLength: 4 }).map((w) => w.join(' '));
const nonEmptyValue = fc.array(words, { minLength: 1, maxLength: 4 }).map((w) => w.join(' '));
const space = fc.constantFrom('', ' ', '  ', '\t', ' \t');
const keyName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,14}$/);
const simpleName = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}$/);
const sectionName = fc.oneof(
  fc.constant('default'),
  simpleName.map((n) => `profile ${n}`),
  simpleName.map((n) => `sso-session ${n}`),
  simpleName.filter((n) => n !== 'default'),
);
const comment = fc.tuple(fc.constantFrom('', ' ', '\t', '    '), fc.constantFrom('#', ';'), fc.constantFrom('', ' a comment', ' [not] a = section', '# more', ' ünïcödé 😀'))
  .map(([lead, mark, rest]) => `${lead}${mark}${rest}`);
const blank = fc.constantFrom('', ' ', '\t', '  ');
const filler = fc.array(fc.oneof({ weight: 2, arbitrary: blank }, { weight: 1, arbitrary: comment }), { maxLength: 2 });
const inlineTail = fc.oneof(
  { weight: 4, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t', '  ') },
  { weight: 1, arbitrary: fc.constantFrom(' # note', '\t; why', '  # ünï') },
);

interface KeySpec {
  key: string;
  sep: [string, string];
  value: string;
  tail: string;
  /** Continuation lines of a plain value, or nested `name = value` entries (value must be ''). */
  more: Array<{ indent: string; text: string; before: string[] }>;
  nested: boolean;
  after: string[];
}

const continuationIndent = fc.constantFrom('  ', '    ', '\t', '   ');

const nestedName = fc.stringMatching(/^[a-z][a-z_]{0,20}$/);

/** The shape of one key line (and its continuation lines), whatever the key is called. */
const keyShape: fc.Arbitrary<Omit<KeySpec, 'key'>> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ sep: fc.tuple(space, space), value, tail: inlineTail, after: filler }).map((r) => ({ ...r, more: [], nested: false })) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        sep: fc.tuple(space, space),
        value: nonEmptyValue,
        more: fc.array(fc.record({ indent: continuationIndent, text: nonEmptyValue, before: fc.array(fc.oneof(blank, comment), { maxLength: 1 }) }), { minLength: 1, maxLength: 3 }),
        after: filler,
      })
      .map((r) => ({ ...r, tail: '', nested: false })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({
        sep: fc.tuple(space, fc.constant('')),
        more: fc.uniqueArray(
          fc.record({ name: nestedName, sp: fc.tuple(space, space), v: nonEmptyValue, indent: continuationIndent, before: fc.array(comment, { maxLength: 1 }) }),
          { minLength: 1, maxLength: 3, selector: (e) => e.name },
        ),
        after: filler,
      })
      .map((r) => ({
        sep: r.sep,
        value: '',
        tail: '',
        nested: true,
        after: r.after,
        more: r.more.map((m) => ({ indent: m.indent, text: `${m.name}${m.sp[0]}=${m.sp[1]}${m.v}`, before: m.before })),
      })),
  },
);

interface SectionSpec {
  name: string;
  headerTail: string;
  /** Indentation of the header line (never deeper than the key before it, or it would continue that key). */
  headerLead: string;
  /**
   * Indentation of each key line, never deeper than the key before it: a deeper line continues
   * the previous key (configparser's rule, and ours).
   */
  leads: string[];
  keys: KeySpec[];
  after: string[];
}

/** Key names are unique case-insensitively (configparser lowercases them and refuses duplicates). */
const sectionShape: fc.Arbitrary<Omit<SectionSpec, 'name'>> = fc.record({
  headerTail: fc.constantFrom('', ' ', '  # main', '\t; x'),
  headerLead: fc.constantFrom('', '', '', ' ', '\t'),
  leads: fc
    .array(fc.constantFrom('', '', '', '  ', '\t', '    ', ' \t'), { maxLength: 6 })
    .map((leads) => [...leads].sort((a, b) => b.length - a.length)),
  keys: fc
    .uniqueArray(fc.tuple(keyName, keyShape), { maxLength: 6, selector: ([k]) => k.toLowerCase() })
    .map((keys) => keys.map(([key, shape]) => ({ key, ...shape }))),
  after: filler,
});

export const iniFile: fc.Arbitrary<GeneratedIni> = fc
  .record({
    preamble: filler,
    sections: fc.uniqueArray(fc.tuple(sectionName, sectionShape), { maxLength: 5, selector: ([name]) => name }),
    eol: fc.constantFrom<'lf' | 'crlf' | 'mixed'>('lf', 'crlf', 'mixed'),
    finalNewline: fc.boolean(),
    mixSeed: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
  })
  .map((f) => render(f, f.sections.map(([name, shape]) => ({ name, ...shape }))));

function render(
  f: { preamble: string[]; eol: 'lf' | 'crlf' | 'mixed'; finalNewline: boolean; mixSeed: boolean[] },
  specs: SectionSpec[],
): GeneratedIni {
  const lines: string[] = [...f.preamble];
  const sections: GeneratedSection[] = [];
  let lastKeyIndent = 0;
  for (const spec of specs) {
    const section: GeneratedSection = { name: spec.name, header: lines.length, keys: [], lastContent: lines.length };
    lines.push(`${spec.headerLead.length <= lastKeyIndent ? spec.headerLead : ''}[${spec.name}]${spec.headerTail}`);
    for (const [n, k] of spec.keys.entries()) {
      const line = lines.length;
      const lead = spec.leads[n] ?? '';
      lastKeyIndent = lead.length;
      lines.push(`${lead}${k.key}${k.sep[0]}=${k.sep[1]}${k.value}${k.tail}`);
      const continuations: number[] = [];
      for (const m of k.more) {
        lines.push(...m.before);
        continuations.push(lines.length);
        lines.push(`${lead}${m.indent}${m.text}`);
      }
      section.keys.push({
        section: spec.name,
        key: k.key,
        line,
        continuations,
        value: k.value,
        inlineComment: /[#;]/.test(k.tail),
        nested: k.nested,
      });
      section.lastContent = continuations[continuations.length - 1] ?? line;
      lines.push(...k.after);
    }
    lines.push(...spec.after);
    sections.push(section);
  }
  // Without a final newline, an empty last line would not exist at all: drop such lines.
  if (!f.finalNewline) while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const eols: string[] = lines.map((_, i) => (f.eol === 'lf' ? '\n' : f.eol === 'crlf' ? '\r\n' : f.mixSeed[i % 64] ? '\r\n' : '\n'));
  if (!f.finalNewline && eols.length > 0) eols[eols.length - 1] = '';
  return { text: lines.map((l, i) => l + eols[i]).join(''), lines, eols, sections };
}

/** A value set() accepts: no line break, no surrounding whitespace, nothing that reads back as a comment. */
export const writableValue: fc.Arbitrary<string> = nonEmptyValue.filter((v) => !/^[#;]/.test(v));
export { keyName as iniKeyName, simpleName as iniSimpleName };
