/**
 * The AWS files as the AWS CLI reads them. The CLI (botocore) parses them with Python's configparser in
 * strict mode, which refuses the WHOLE file on a duplicate section, a duplicate key (keys compared
 * lower-cased) or a line it cannot parse, and which keeps an inline `# comment` inside the value. awsfed's
 * own parser (src/ini/document.ts) is lenient on duplicates (later wins) so that it never loses data;
 * this module shows what it tolerates and the CLI does not. Pure: text in, findings out. Values are
 * never quoted (a credentials line may hold a secret); only keys, sections and line numbers.
 */
import { finding, type Finding } from './finding.js';

export type AwsFileKind = 'config' | 'credentials';

// configparser's SECTCRE: matched at the start of the stripped line; text after "]" is ignored by it.
const SECTION = /^\[(.+)\]/;
// configparser's OPTCRE with delimiters "=" and ":": the first delimiter separates key and value.
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

export function lintAwsFile(text: string, path: string, kind: AwsFileKind): Finding[] {
  const out: Finding[] = [];
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r?\n/);
  const sectionLine = new Map<string, number>();
  let section: string | undefined;
  // Keys seen per section (across duplicate occurrences, as configparser counts them), lower-cased.
  const keysSeen = new Map<string, Map<string, number>>();
  let lastKeyIndent: number | undefined;
  const refuses = 'The AWS CLI refuses the whole file (every profile in it) until this is fixed.';
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const stripped = raw.trim();
    if (stripped === '') return;
    if (stripped.startsWith('#') || stripped.startsWith(';')) return;
    const indent = raw.length - raw.trimStart().length;
    if (section !== undefined && lastKeyIndent !== undefined && indent > lastKeyIndent) return; // a continuation
    const header = SECTION.exec(stripped);
    if (header) {
      const name = header[1] as string;
      const first = sectionLine.get(name);
      if (first !== undefined) {
        out.push(
          finding(`${kind}.duplicate-section`, 'error', `Duplicate section [${name}] in ${path} (lines ${first} and ${lineNo})`, refuses, `merge the two [${name}] sections of ${path} into one`),
        );
      } else sectionLine.set(name, lineNo);
      section = name;
      lastKeyIndent = undefined;
      if (!keysSeen.has(name)) keysSeen.set(name, new Map());
      return;
    }
    if (section === undefined) {
      out.push(finding(`${kind}.no-section-header`, 'error', `${path}:${lineNo}: a line comes before any [section] header`, refuses, `move line ${lineNo} of ${path} under a [section] header, or delete it`));
      return;
    }
    const option = OPTION.exec(stripped);
    const key = option?.[1]?.trimEnd().toLowerCase() ?? '';
    if (!option || key === '') {
      out.push(finding(`${kind}.unparseable-line`, 'error', `${path}:${lineNo}: the AWS CLI cannot parse this line`, `Expected "key = value". ${refuses}`, `fix or delete line ${lineNo} of ${path}`));
      return;
    }
    lastKeyIndent = indent;
    const seen = keysSeen.get(section) as Map<string, number>;
    const first = seen.get(key);
    if (first !== undefined) {
      out.push(
        finding(`${kind}.duplicate-key`, 'error', `Duplicate key ${key} in [${section}] of ${path} (lines ${first} and ${lineNo})`, `Keys are compared ignoring case. ${refuses}`, `keep one ${key} line in [${section}] of ${path}`),
      );
    } else seen.set(key, lineNo);
    const value = option[3] ?? '';
    if (/\s[#;]/.test(value)) {
      out.push(
        finding(
          `${kind}.inline-comment`,
          'warning',
          `${path}:${lineNo}: the value of ${key} has an inline comment`,
          'The AWS CLI keeps "# ..." after a value as part of the value (the JS SDK and awsfed strip it), so the two read different values.',
          `move the comment of line ${lineNo} to a line of its own`,
        ),
      );
    }
  });
  return out;
}
