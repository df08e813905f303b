/**
 * The credential_process line that runs awsfed: written by `configure --credential-process`
 * (configure-process.ts) and recognised again by the same rules when configure runs a second time (an
 * update, not a clash) and when credential-process is asked for the helper's own profile. One reader
 * for both, so that a line one of them takes for awsfed's the other does too.
 *
 * The line is quoted the POSIX way; it is read back the same way (single quotes, double quotes with
 * their backslash escapes, a backslash outside quotes), as a shell or Python's shlex would split it.
 * Pure: strings in, data out.
 */

/** The credential_process value: each word quoted for a POSIX shell and for shlex alike, when it needs it. */
export function credentialProcessLine(nodePath: string, binPath: string, profile: string): string {
  return [nodePath, binPath, 'credential-process', '--profile', profile].map(shellQuote).join(' ');
}

export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The program word before `credential-process` that makes a line awsfed's: the installed command
 * (`awsfed`, `awsfed.cmd`, ...) or the package's entry script that configure writes (`.../dist/bin.cjs`,
 * `bin.js` in older packages). Another tool's `credential-process` subcommand (`granted
 * credential-process --profile x`) is not awsfed's.
 */
const AWSFED_PROGRAM = /^(?:awsfed(?:\.(?:cmd|exe|js|cjs|mjs))?|bin\.(?:cjs|js))$/i;

/**
 * What an awsfed credential_process line asks for: `{ profile }` (undefined without --profile/-p: then
 * AWSFED_PROFILE decides), or undefined when the line does not run `awsfed credential-process`.
 */
export function parseAwsfedProcessLine(line: string): { profile: string | undefined } | undefined {
  const words = splitShellWords(line);
  if (words === undefined) return undefined;
  const at = words.findIndex((word, i) => word === 'credential-process' && i > 0 && AWSFED_PROGRAM.test(baseName(words[i - 1]!)));
  if (at < 0) return undefined;
  let profile: string | undefined;
  const args = words.slice(at + 1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--profile' || arg === '-p') profile = args[++i] ?? profile;
    else if (arg.startsWith('--profile=')) profile = arg.slice('--profile='.length);
  }
  return { profile: profile === '' ? undefined : profile };
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** POSIX shell word splitting without expansions; undefined for an unterminated quote. */
export function splitShellWords(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word ??= '';
      for (i++; ; i++) {
        if (i >= line.length) return undefined;
        const d = line[i]!;
        if (d === '"') break;
        // Inside double quotes a backslash escapes only these; before anything else it stays.
        if (d === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
        else word += d;
      }
    } else if (c === '\\') {
      if (i + 1 < line.length) word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
