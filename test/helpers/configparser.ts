/**
 * How the AWS CLI reads an INI file: botocore hands it to Python's configparser.RawConfigParser
 * (strict, no interpolation, no inline comments, `=` and `:` delimiters, keys lowercased). This is a
 * transcription of RawConfigParser._read for the property tests, so that they can ask "does the
 * AWS CLI accept this, and what does it read" without starting Python on every case;
 * test/configparser-model.e2e.test.ts checks it against the real configparser.
 * https://github.com/python/cpython/blob/3.11/Lib/configparser.py (RawConfigParser._read)
 */

/** Section (raw name between the brackets) -> option (lowercased) -> value (continuations joined by \n). */
export type ConfigParserReading = Map<string, Map<string, string>>;

export class ConfigParserRejects extends Error {}

const SECTION = /^\[(.+)\]/; // SECTCRE, matched at the start of the stripped line
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/; // OPTCRE

/** Python's str.strip() for the characters the generators produce (ASCII whitespace). */
const strip = (s: string): string => s.replace(/^[ \t\f\v\r\n]+|[ \t\f\v\r\n]+$/g, '');

export function readLikeConfigParser(text: string): ConfigParserReading {
  // Universal newlines: \r\n, \r and \n all end a line.
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const sections = new Map<string, Map<string, string[]>>();
  const added = new Set<string>();
  let current: Map<string, string[]> | undefined;
  let sectionName = '';
  let option: string | undefined;
  let indentLevel = 0;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const isComment = strip(line).startsWith('#') || strip(line).startsWith(';');
    const value = isComment ? '' : strip(line);
    if (value === '') {
      // empty_lines_in_values: a blank line (not a comment) belongs to the value being read.
      if (!isComment && current && option !== undefined) current.get(option)?.push('');
      return;
    }
    const indent = /\S/.exec(line)?.index ?? 0;
    if (current && option !== undefined && indent > indentLevel) {
      current.get(option)?.push(value);
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      sectionName = header[1]!;
      if (added.has(`[${sectionName}`)) throw new ConfigParserRejects(`DuplicateSectionError: ${sectionName} (line ${lineNo})`);
      added.add(`[${sectionName}`);
      current = sections.get(sectionName) ?? new Map();
      sections.set(sectionName, current);
      option = undefined;
      return;
    }
    if (!current) throw new ConfigParserRejects(`MissingSectionHeaderError (line ${lineNo})`);
    const match = OPTION.exec(value);
    if (!match || match[1] === '') throw new ConfigParserRejects(`ParsingError (line ${lineNo})`);
    option = match[1]!.trimEnd().toLowerCase();
    const id = `${sectionName}\u0000${option}`;
    if (added.has(id)) throw new ConfigParserRejects(`DuplicateOptionError: ${sectionName}.${option} (line ${lineNo})`);
    added.add(id);
    current.set(option, [strip(match[3]!)]);
  });
  const out: ConfigParserReading = new Map();
  for (const [name, options] of sections) {
    out.set(name, new Map([...options].map(([k, parts]) => [k, parts.join('\n').replace(/\s+$/, '')])));
  }
  return out;
}

/** The reading as plain data, for comparisons and for the cross-check with Python. */
export function readingToObject(reading: ConfigParserReading): Record<string, Record<string, string>> {
  return Object.fromEntries([...reading].map(([name, options]) => [name, Object.fromEntries(options)]));
}
