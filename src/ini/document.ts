/**
 * A lossless INI document for ~/.aws/config and ~/.aws/credentials.
 *
 * The file is kept as a list of lines, each with its own bytes and line ending; parsing only
 * annotates lines. toString() joins the untouched lines back, so a file nobody edited comes out
 * byte-identical (BOM, CRLF, tabs, spacing, comments, missing final newline). Edits replace or
 * insert single lines and never reformat the rest.
 *
 * Reading rules (the AWS CLI uses Python's configparser, the JS SDK its own parseIni; where they
 * differ we pick the one that keeps a file valid for both):
 * - Full-line comments start with `#` or `;` (after optional whitespace).
 * - Inline comments: `#` or `;` preceded by whitespace ends the value (JS SDK rule:
 *   https://github.com/smithy-lang/smithy-typescript/blob/main/packages/shared-ini-file-loader/src/parseIni.ts).
 *   configparser would keep them in the value; we keep them in the file when we edit the value.
 * - An indented line that follows a key line with a smaller indent continues that key
 *   (configparser rule). `s3 =` followed by indented `name = value` lines is a sub-section;
 *   its entries read as `s3.name` (JS SDK naming). Continuation lines are never keys. A plain
 *   value's continuation lines are kept in the file but get() returns only its first line.
 *   `key =` with no continuation reads as '' (the JS SDK drops it). Writing a nested entry is not
 *   supported; set() on the parent replaces the whole sub-section with a plain value.
 * - Section names compare after trimming and collapsing inner whitespace: `[ profile  saml ]`
 *   is `profile saml`. Section names and keys are case-sensitive for get().
 * - A key line before any section header is an error (configparser refuses the whole file with
 *   MissingSectionHeaderError, so we refuse too rather than rewrite it).
 * - Only `=` separates key and value; `key: value` (configparser also accepts it) is refused.
 *
 * Duplicates (configparser refuses files with a duplicate section or key; the JS SDK merges):
 * - get()/getSection() merge duplicate sections and keys, later wins.
 * - set() edits the occurrence that wins (the last), and never removes the others: no data lost.
 * - set() matches an existing key case-insensitively, because configparser lowercases keys and
 *   would see `AWS_ACCESS_KEY_ID` plus `aws_access_key_id` as a duplicate; the edited line gets
 *   the requested spelling.
 * - delete() (case-insensitive, like set) and deleteSection() remove every occurrence, so a later
 *   get() sees nothing.
 */
import { FileError } from '../errors.js';

export interface IniDocument {
  /** The file it was read from, when known: messages about its contents name it. */
  readonly path?: string | undefined;
  /** Normalised section names (trimmed, inner whitespace collapsed), first appearance order, no duplicates. */
  sectionNames(): string[];
  hasSection(name: string): boolean;
  get(section: string, key: string): string | undefined;
  getSection(section: string): Record<string, string> | undefined;
  /** Edits the winning occurrence in place, or appends the key to the section, or appends the section at the end. */
  set(section: string, key: string, value: string): void;
  delete(section: string, key: string): void;
  deleteSection(section: string): void;
  toString(): string;
}

const PARSE_HINT = 'Fix or remove that line; awsfed never rewrites a file it cannot parse.';

interface PlainLine {
  kind: 'blank' | 'comment' | 'continuation';
  text: string;
  eol: string;
}
interface SectionLine {
  kind: 'section';
  text: string;
  eol: string;
  name: string;
}
interface KeyLine {
  kind: 'key';
  text: string;
  eol: string;
  /** Indent (leading whitespace) width, used to recognise continuation lines. */
  indent: number;
  /** Bytes before the key name (indentation). */
  lead: string;
  key: string;
  /** Bytes from the end of the key name up to the value: spacing, `=`, spacing. */
  sep: string;
  value: string;
  /** Bytes after the value: trailing whitespace and an inline comment. */
  tail: string;
}
type Line = PlainLine | SectionLine | KeyLine;

function normalizeSectionName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

function leadingWhitespace(text: string): string {
  return /^[ \t\f\v]*/.exec(text)?.[0] ?? '';
}

/** Index where an inline comment starts (the whitespace before `#`/`;`), or -1. */
function inlineCommentStart(text: string, from: number): number {
  const re = /\s[#;]/g;
  re.lastIndex = from;
  const match = re.exec(text);
  return match ? match.index : -1;
}

function parseKeyLine(text: string, eol: string, lead: string): KeyLine | undefined {
  const commentAt = inlineCommentStart(text, lead.length);
  const code = commentAt === -1 ? text : text.slice(0, commentAt);
  const comment = commentAt === -1 ? '' : text.slice(commentAt);
  const eq = code.indexOf('=');
  if (eq === -1) return undefined;
  const rawKey = code.slice(lead.length, eq);
  const key = rawKey.trimEnd();
  const afterEq = code.slice(eq + 1);
  const value = afterEq.trim();
  const spaceAfterEq = leadingWhitespace(afterEq);
  const sep = rawKey.slice(key.length) + '=' + (value === '' ? afterEq : spaceAfterEq);
  const tail = value === '' ? comment : afterEq.slice(spaceAfterEq.length + value.length) + comment;
  return { kind: 'key', text, eol, indent: lead.length, lead, key, sep, value, tail };
}

interface SplitText {
  bom: string;
  lines: Array<{ text: string; eol: string }>;
}

function splitLines(input: string): SplitText {
  const bom = input.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = input.slice(bom.length);
  const lines: Array<{ text: string; eol: string }> = [];
  const re = /\r?\n/g;
  let start = 0;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    lines.push({ text: body.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < body.length) lines.push({ text: body.slice(start), eol: '' });
  return { bom, lines };
}

function parseLines(input: string, path: string | undefined): { bom: string; lines: Line[] } {
  const { bom, lines: raw } = splitLines(input);
  const where = path ?? '<ini>';
  const fail = (lineNo: number, what: string): never => {
    throw new FileError('FILE_PARSE', `${where}:${lineNo}: ${what}`, { hint: PARSE_HINT });
  };
  const lines: Line[] = [];
  let inSection = false;
  // The key that indented lines may continue, with its indent; reset by a section header.
  let lastKeyIndent: number | undefined;
  raw.forEach(({ text, eol }, index) => {
    const lineNo = index + 1;
    const trimmed = text.trim();
    const lead = leadingWhitespace(text);
    if (trimmed === '') {
      lines.push({ kind: 'blank', text, eol });
      return;
    }
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) {
      lines.push({ kind: 'comment', text, eol });
      return;
    }
    if (lastKeyIndent !== undefined && lead.length > lastKeyIndent) {
      lines.push({ kind: 'continuation', text, eol });
      return;
    }
    if (trimmed.startsWith('[')) {
      const header = /^\s*\[([^\]]*)\](?:\s*|\s+[#;].*)$/.exec(text);
      if (!header) fail(lineNo, 'section header is not closed by "]" or has text after it');
      const name = normalizeSectionName(header?.[1] ?? '');
      if (name === '') fail(lineNo, 'section header has an empty name');
      lines.push({ kind: 'section', text, eol, name });
      inSection = true;
      lastKeyIndent = undefined;
      return;
    }
    const keyLine = parseKeyLine(text, eol, lead);
    if (!keyLine) {
      fail(lineNo, 'expected "key = value", a [section] header, a comment or a blank line');
      return;
    }
    if (keyLine.key === '') fail(lineNo, 'key name is empty before "="');
    // The key is not echoed: a stray line here may be a pasted secret (a token with "=" in it).
    if (!inSection) fail(lineNo, 'a key=value line appears before any [section] header');
    lines.push(keyLine);
    lastKeyIndent = keyLine.indent;
  });
  return { bom, lines };
}

/** A section occurrence: header index and the index just past its last line (next header or end). */
interface Block {
  header: number;
  end: number;
}

function assertWritable(section: string, key: string | undefined, value: string | undefined): void {
  const bad = (what: string): never => {
    throw new FileError('FILE_INVALID_VALUE', what, {
      hint: 'This is a bug in the caller or a bad setting value; the file was not changed.',
    });
  };
  const name = normalizeSectionName(section);
  if (name === '' || /[\]\r\n]/.test(name) || name.startsWith('[')) bad(`invalid section name "${section}"`);
  if (key !== undefined) {
    if (key === '' || key !== key.trim() || /[=\r\n]/.test(key) || /^[#;[]/.test(key) || /\s[#;]/.test(key)) {
      bad(`invalid key name "${key}" for section [${name}]`);
    }
  }
  if (value !== undefined) {
    // The value itself may be a secret: say what is wrong, never echo it.
    if (/[\r\n]/.test(value)) bad(`value for ${key ?? ''} in [${name}] contains a line break`);
    if (value !== value.trim()) bad(`value for ${key ?? ''} in [${name}] has leading or trailing whitespace`);
    if (/\s[#;]/.test(value) || /^[#;]/.test(value)) {
      bad(`value for ${key ?? ''} in [${name}] contains " #" or " ;", which would read back as a comment`);
    }
  }
}

class LosslessIniDocument implements IniDocument {
  private readonly bom: string;
  private lines: Line[];
  /** Section name -> its blocks; undefined after any edit (see sectionIndex). */
  private index: Map<string, Block[]> | undefined;
  private readonly eol: string;
  private readonly finalNewline: boolean;

  readonly path: string | undefined;

  constructor(text: string, path: string | undefined) {
    this.path = path;
    const parsed = parseLines(text, path);
    this.bom = parsed.bom;
    this.lines = parsed.lines;
    this.eol = parsed.lines.find((l) => l.eol !== '')?.eol ?? '\n';
    const last = parsed.lines[parsed.lines.length - 1];
    this.finalNewline = last === undefined || last.eol !== '';
  }

  toString(): string {
    return this.bom + this.lines.map((l) => l.text + l.eol).join('');
  }

  sectionNames(): string[] {
    // Map keys keep first-insertion order: the names in order of first appearance, once each.
    return [...this.sectionIndex().keys()];
  }

  hasSection(name: string): boolean {
    return this.blocks(name).length > 0;
  }

  get(section: string, key: string): string | undefined {
    // Through the Map, not an object: get('a', 'constructor') must not find Object.prototype's.
    return this.entries(section)?.get(key);
  }

  getSection(section: string): Record<string, string> | undefined {
    // Object.fromEntries defines own properties: a key named __proto__ never becomes a prototype.
    const entries = this.entries(section);
    return entries && Object.fromEntries(entries);
  }

  /** Merged entries of every occurrence of a section, later wins; sub-section entries as parent.child. */
  private entries(section: string): Map<string, string> | undefined {
    const blocks = this.blocks(section);
    if (blocks.length === 0) return undefined;
    const out = new Map<string, string>();
    for (const block of blocks) {
      for (let i = block.header + 1; i < block.end; i++) {
        const line = this.lines[i];
        if (line?.kind !== 'key') continue;
        const nested = line.value === '' ? this.nestedEntries(i, block.end) : [];
        if (nested.length === 0) {
          out.set(line.key, line.value);
        } else {
          for (const [name, value] of nested) out.set(`${line.key}.${name}`, value);
        }
      }
    }
    return out;
  }

  set(section: string, key: string, value: string): void {
    this.edit(() => this.setNow(section, key, value));
  }

  private setNow(section: string, key: string, value: string): void {
    assertWritable(section, key, value);
    const blocks = this.blocks(section);
    const lastBlock = blocks[blocks.length - 1];
    if (!lastBlock) {
      this.appendSection(section, key, value);
      return;
    }
    const wanted = key.toLowerCase();
    let target: number | undefined;
    for (const block of blocks) {
      for (let i = block.header + 1; i < block.end; i++) {
        const line = this.lines[i];
        if (line?.kind === 'key' && line.key.toLowerCase() === wanted) target = i;
      }
    }
    if (target !== undefined) {
      this.editKey(target, key, value);
      return;
    }
    const insertAt = this.lastContentIndex(lastBlock) + 1;
    this.insertLine(insertAt, this.newKeyLine(lastBlock, key, value));
  }

  delete(section: string, key: string): void {
    this.edit(() => this.deleteNow(section, key));
  }

  private deleteNow(section: string, key: string): void {
    const remove = new Set<number>();
    for (const block of this.blocks(section)) {
      for (let i = block.header + 1; i < block.end; i++) {
        const line = this.lines[i];
        if (line?.kind === 'key' && line.key.toLowerCase() === key.toLowerCase()) {
          remove.add(i);
          for (const c of this.continuationIndexes(i, block.end)) remove.add(c);
        }
      }
    }
    this.removeLines(remove);
  }

  deleteSection(section: string): void {
    this.edit(() => this.deleteSectionNow(section));
  }

  private deleteSectionNow(section: string): void {
    // Later blocks first so earlier indexes stay valid.
    for (const block of this.blocks(section).reverse()) {
      // Comments and blank lines after the last key belong to whatever follows; keep them.
      let end = this.lastContentIndex(block) + 1;
      let start = block.header;
      const before = this.lines[start - 1];
      if (end >= this.lines.length) {
        // Removing the final section: also drop the blank lines that separated it.
        while (start > 0 && this.lines[start - 1]?.kind === 'blank') start--;
      } else if ((before === undefined || before.kind === 'blank') && this.lines[end]?.kind === 'blank') {
        end++; // avoid leaving two separators (or a leading blank line) where the section was
      }
      this.lines.splice(start, end - start);
      this.keepHeaderAHeader(start);
    }
    const last = this.lines[this.lines.length - 1];
    if (last && !this.finalNewline) last.eol = '';
  }

  // --- internals -----------------------------------------------------------------------------

  /** Fresh copies (callers may reorder them), from the index. */
  private blocks(section: string): Block[] {
    return (this.sectionIndex().get(normalizeSectionName(section)) ?? []).map((b) => ({ ...b }));
  }

  /**
   * Every section's blocks, built in one pass and kept until the next edit. Scanning all lines on each
   * lookup made reading a config of N profiles cost N² (20,000 profiles: minutes for `awsfed list`).
   */
  private sectionIndex(): Map<string, Block[]> {
    if (this.index) return this.index;
    const index = new Map<string, Block[]>();
    let current: Block | undefined;
    this.lines.forEach((line, i) => {
      if (line.kind !== 'section') return;
      if (current) current.end = i;
      current = { header: i, end: this.lines.length };
      const blocks = index.get(line.name);
      if (blocks) blocks.push(current);
      else index.set(line.name, [current]);
    });
    this.index = index;
    return index;
  }

  /** Runs an edit; line indexes move, so the section index is dropped whatever happens. */
  private edit(change: () => void): void {
    try {
      change();
    } finally {
      this.index = undefined;
    }
  }

  /** Indexes of the continuation lines owned by the key at `keyIndex` (comments/blanks may sit between). */
  private continuationIndexes(keyIndex: number, end: number): number[] {
    const found: number[] = [];
    for (let i = keyIndex + 1; i < end; i++) {
      const kind = this.lines[i]?.kind;
      if (kind === 'continuation') found.push(i);
      else if (kind !== 'blank' && kind !== 'comment') break;
    }
    return found;
  }

  private nestedEntries(keyIndex: number, end: number): Array<[string, string]> {
    const entries: Array<[string, string]> = [];
    for (const i of this.continuationIndexes(keyIndex, end)) {
      const line = this.lines[i];
      if (!line) continue;
      const parsed = parseKeyLine(line.text, line.eol, leadingWhitespace(line.text));
      if (parsed && parsed.key !== '') entries.push([parsed.key, parsed.value]);
    }
    return entries;
  }

  /**
   * After lines were removed before `index`: an indented section header there that now follows a
   * key indented less would read as a continuation of that key (configparser's rule, and ours),
   * losing the whole section. Such a header loses its indentation; nothing else changes.
   */
  private keepHeaderAHeader(index: number): void {
    let header = index;
    while (this.lines[header]?.kind === 'blank' || this.lines[header]?.kind === 'comment') header++;
    const line = this.lines[header];
    if (line?.kind !== 'section') return;
    let owner = index - 1;
    while (owner >= 0 && this.lines[owner]?.kind !== 'key' && this.lines[owner]?.kind !== 'section') owner--;
    const previous = this.lines[owner];
    if (previous?.kind === 'key' && leadingWhitespace(line.text).length > previous.indent) {
      line.text = line.text.slice(leadingWhitespace(line.text).length);
    }
  }

  /** Last key or continuation line of a block, or its header when it has none. */
  private lastContentIndex(block: Block): number {
    for (let i = block.end - 1; i > block.header; i--) {
      const kind = this.lines[i]?.kind;
      if (kind === 'key' || kind === 'continuation') return i;
    }
    return block.header;
  }

  private editKey(index: number, key: string, value: string): void {
    const line = this.lines[index];
    if (line?.kind !== 'key') return;
    let sep = line.sep;
    // `key =` had no value; give the new value the same spacing as before the `=`.
    if (line.value === '') {
      const base = sep.replace(/[ \t]*$/, '');
      sep = /\s=$/.test(base) ? `${base} ` : base;
    }
    const edited: KeyLine = { ...line, key, sep, value, text: line.lead + key + sep + value + line.tail };
    this.lines[index] = edited;
    // A plain value replaces a multi-line value or sub-section: its old continuation lines would
    // otherwise be read as part of the new value.
    const end = this.blockEndAfter(index);
    this.removeLines(new Set(this.continuationIndexes(index, end)));
  }

  private blockEndAfter(index: number): number {
    for (let i = index + 1; i < this.lines.length; i++) if (this.lines[i]?.kind === 'section') return i;
    return this.lines.length;
  }

  /**
   * A new key line in the style of the section: spacing around `=` from its last plain key, indent
   * from its last key (a deeper indent would turn the line into a continuation of that key).
   */
  private newKeyLine(block: Block, key: string, value: string): KeyLine {
    let lastKey: KeyLine | undefined;
    let style: KeyLine | undefined;
    for (let i = block.end - 1; i > block.header && !style; i--) {
      const line = this.lines[i];
      if (line?.kind !== 'key') continue;
      lastKey ??= line;
      if (line.value !== '') style = line;
    }
    const made = this.makeKeyLine(key, value, style);
    // Indent like the section's last key; in a section without keys, at least like an indented
    // header that follows, which would otherwise read as a continuation of the new key.
    const next = this.lines[block.end];
    const nextHeaderLead = next?.kind === 'section' ? leadingWhitespace(next.text) : '';
    const lead = lastKey?.lead ?? (nextHeaderLead.length > made.lead.length ? nextHeaderLead : made.lead);
    if (lead !== made.lead) return { ...made, lead, indent: lead.length, text: lead + key + made.sep + value };
    return made;
  }

  private makeKeyLine(key: string, value: string, style: KeyLine | undefined): KeyLine {
    const lead = style?.lead ?? '';
    const sep = style?.sep ?? ' = ';
    return { kind: 'key', text: lead + key + sep + value, eol: this.eol, indent: lead.length, lead, key, sep, value, tail: '' };
  }

  private insertLine(at: number, line: Line): void {
    const previous = this.lines[at - 1];
    if (previous && previous.eol === '') {
      // Inserting after the final line of a file without a final newline: it stays without one.
      previous.eol = this.eol;
      line.eol = '';
    }
    this.lines.splice(at, 0, line);
  }

  private appendSection(section: string, key: string, value: string): void {
    const name = normalizeSectionName(section);
    // Mimic the file's key style from any plain key line, else "key = value".
    const style = this.lines.find((l): l is KeyLine => l.kind === 'key' && l.value !== '' && l.indent === 0);
    const last = this.lines[this.lines.length - 1];
    if (last) {
      if (last.eol === '') last.eol = this.eol;
      if (last.kind !== 'blank') this.lines.push({ kind: 'blank', text: '', eol: this.eol });
    }
    this.lines.push({ kind: 'section', text: `[${name}]`, eol: this.eol, name });
    const keyLine = this.makeKeyLine(key, value, style);
    this.lines.push(keyLine);
    if (!this.finalNewline) keyLine.eol = '';
  }

  private removeLines(indexes: Set<number>): void {
    if (indexes.size === 0) return;
    const lastIndex = this.lines.length - 1;
    const removedLast = indexes.has(lastIndex);
    this.lines = this.lines.filter((_, i) => !indexes.has(i));
    const last = this.lines[this.lines.length - 1];
    if (removedLast && last && !this.finalNewline) last.eol = '';
  }
}

/** Parses INI text losslessly. Throws FileError FILE_PARSE (`path:line: what`) on a line it cannot place. */
export function parseIni(text: string, path?: string): IniDocument {
  return new LosslessIniDocument(text, path);
}
