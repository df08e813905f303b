/**
 * Holds the registry against the sources: every code the code can raise is registered, every
 * registered code is raised somewhere, and each throw site's class matches its code's exit status.
 * The compiler already refuses most mistakes (AppError's code is an ErrorCode); this also catches the
 * paths it cannot see (codes kept in maps, a widened type) and keeps dead entries out of the README.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ExitCode, type ErrorCodeSpec } from './error-codes.js';

const SRC = fileURLToPath(new URL('.', import.meta.url));
const REGISTRY = 'error-codes.ts';
/** Test infrastructure whose internal errors never reach a user (awsfed demo only drives the CLI against it). */
const EMULATOR_DIR = 'emulator/';
/** Node's own error codes (EAI_AGAIN, SELF_SIGNED_CERT_IN_CHAIN, ...) are listed there; other modules may test for them. */
const NODE_CODES_FILE = 'net-errors.ts';
/** UPPER_SNAKE strings that are environment variable names, not error codes. */
const ENV_VARIABLE = /^AWS(FED)?_|^(HTTPS?|ALL|NO)_PROXY$/;

const registry = ERROR_CODES as Readonly<Record<string, ErrorCodeSpec>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const sources = sourceFiles(SRC)
  .map((path) => ({ file: relative(SRC, path).split('\\').join('/'), text: readFileSync(path, 'utf8') }))
  .filter(({ file }) => file !== REGISTRY && !file.startsWith(EMULATOR_DIR));

/** `new XxxError(\n  'CODE'` at every throw site, with the class named. */
const THROW_SITE = /new ([A-Z][A-Za-z]*Error)\(\s*'([A-Z][A-Z0-9_]*)'/g;
const UPPER_SNAKE_LITERAL = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;

/** The exit statuses each category class stands for (AppError itself takes any). */
const CLASS_EXITS: Record<string, readonly number[]> = {
  UsageError: [ExitCode.usage],
  IdpError: [ExitCode.auth],
  SamlError: [ExitCode.saml],
  StsError: [ExitCode.sts],
  FileError: [ExitCode.files],
  PromptError: [ExitCode.prompt, ExitCode.interrupted],
  ShellError: [ExitCode.usage],
  ChainError: [ExitCode.usage],
  ConsoleError: [ExitCode.sts],
  ExecError: [ExitCode.notExecutable, ExitCode.notFound],
};

describe('the error-code registry against the sources', () => {
  const throwSites = sources.flatMap(({ file, text }) => [...text.matchAll(THROW_SITE)].map((m) => ({ file, cls: m[1]!, code: m[2]! })));
  const quoted = (text: string): string[] => [...text.matchAll(UPPER_SNAKE_LITERAL)].map((m) => m[1]!);
  const nodeCodes = new Set(quoted(sources.find(({ file }) => file === NODE_CODES_FILE)!.text));
  // Every other quoted UPPER_SNAKE string: catches codes that reach an error through a map or a variable.
  const literals = sources.flatMap(({ file, text }) =>
    file === NODE_CODES_FILE ? [] : quoted(text).filter((code) => !ENV_VARIABLE.test(code) && !nodeCodes.has(code)).map((code) => ({ file, code })),
  );

  it('finds the throw sites (the scan itself works)', () => {
    expect(throwSites.length).toBeGreaterThan(100);
    expect(throwSites).toContainEqual({ file: 'config/settings.ts', cls: 'UsageError', code: 'DURATION_INVALID' });
    // A code that only a map holds (page-error.ts maps page reasons to codes).
    expect(literals).toContainEqual({ file: 'idp/adfs/page-error.ts', code: 'IDP_ACCOUNT_LOCKED' });
  });

  it('registers every code thrown or held in src (outside the emulators)', () => {
    const unregistered = [...new Set(literals.filter(({ code }) => !(code in registry)).map(({ file, code }) => `${code} (${file})`))];
    expect(unregistered, 'add each to ERROR_CODES in src/error-codes.ts (or, if it is not an error code, teach this test why)').toEqual([]);
  });

  it('has no dead entries: every registered code appears in src outside the registry', () => {
    const used = new Set(literals.map(({ code }) => code));
    const dead = Object.keys(registry).filter((code) => !used.has(code));
    expect(dead, 'remove these from src/error-codes.ts, or throw them').toEqual([]);
  });

  it('throws each code with a class of its exit status', () => {
    const mismatched = throwSites
      .filter(({ cls, code }) => cls in CLASS_EXITS && code in registry && !CLASS_EXITS[cls]!.includes(registry[code]!.exit))
      .map(({ file, cls, code }) => `${file}: ${cls} with ${code} (exit ${registry[code]!.exit})`);
    expect(mismatched).toEqual([]);
    const unknownClasses = [...new Set(throwSites.map(({ cls }) => cls))].filter((cls) => cls !== 'AppError' && !(cls in CLASS_EXITS));
    expect(unknownClasses, 'a new AppError subclass: add it to CLASS_EXITS with the exit statuses it stands for').toEqual([]);
  });
});
