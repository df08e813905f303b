/**
 * In-process Deps for command tests: a scripted prompter, captured output, a temporary HOME, the real
 * AWS files adapter (under that HOME) and the real STS client (pointed at an emulator by the test).
 */
import { type AwsFiles, awsFilesOnDisk } from '../../src/credentials/aws-files.js';
import type { Deps } from '../../src/deps.js';
import { parseIni } from '../../src/ini/document.js';
import { silentLogger } from '../../src/log.js';
import type { Prompter } from '../../src/ui/prompt.js';
import { createRefusingPrompter } from '../../src/ui/prompt.js';
import { type Sts, stsOverHttp } from '../../src/sts/port.js';

export interface ScriptedAnswer {
  /** A fragment of the question this answer is for; the test fails if the question differs. */
  expect: string;
  answer: string;
}

export function scriptedPrompter(script: ScriptedAnswer[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string, validate?: (v: string) => true | string): string => {
    asked.push(message);
    const step = script.shift();
    if (!step) throw new Error(`unexpected prompt: ${message}`);
    if (!message.includes(step.expect)) throw new Error(`expected a prompt about "${step.expect}", got "${message}"`);
    const verdict = validate?.(step.answer) ?? true;
    if (verdict !== true) throw new Error(`answer rejected by validation: ${verdict}`);
    return step.answer;
  };
  return {
    interactive: true,
    asked,
    input: async (message, options) => next(message, options?.validate) || options?.default || '',
    password: async (message) => next(message),
    confirm: async (message) => next(message) === 'y',
    choose: async () => {
      throw new Error('choose is not scripted');
    },
  };
}

export function fakeDeps(home: string, env: Record<string, string>, prompter?: Prompter): Deps & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    env,
    homeDir: home,
    clock: () => new Date(),
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    log: silentLogger,
    files: awsFilesOnDisk(),
    sts: stsOverHttp(),
    isInteractive: prompter !== undefined,
    prompter: async (noPrompt) => (noPrompt || !prompter ? createRefusingPrompter(noPrompt ? 'no-prompt' : 'no-tty') : prompter),
    readStdin: async () => '',
    runCommand: async () => ({ exitCode: 1, stdout: '', stderr: '' }),
    stdout,
    stderr,
  };
}

/** Files and STS ports for tests whose command must not reach either: any call fails the test. */
export function unreachableFiles(): AwsFiles {
  const refuse = async (): Promise<never> => {
    throw new Error('this test expected no read or write of the AWS files');
  };
  return { read: refuse, update: refuse };
}

export function unreachableSts(): Sts {
  const refuse = async (): Promise<never> => {
    throw new Error('this test expected no STS call');
  };
  return { assumeRoleWithSaml: refuse, assumeRole: refuse, getCallerIdentity: refuse };
}

/**
 * AWS files held in memory: what a command reads and writes through Deps.files, with no disk. `texts`
 * holds each file's current text (absent: no such file) and `updates` the paths written, in order.
 */
export function memoryFiles(initial: Record<string, string>): AwsFiles & { texts: Map<string, string>; updates: string[] } {
  const texts = new Map(Object.entries(initial));
  const updates: string[] = [];
  return {
    texts,
    updates,
    read: async (path) => (texts.has(path) ? parseIni(texts.get(path)!, path) : undefined),
    update: async (path, edit) => {
      const doc = parseIni(texts.get(path) ?? '', path);
      edit(doc);
      texts.set(path, doc.toString());
      updates.push(path);
    },
  };
}
