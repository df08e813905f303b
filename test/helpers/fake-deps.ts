/** In-process Deps for command tests: a scripted prompter, captured output, a temporary HOME. */
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/log.js';
import type { Prompter } from '../../src/ui/prompt.js';
import { createRefusingPrompter } from '../../src/ui/prompt.js';

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
    isInteractive: prompter !== undefined,
    prompter: async (noPrompt) => (noPrompt || !prompter ? createRefusingPrompter(noPrompt ? 'no-prompt' : 'no-tty') : prompter),
    readStdin: async () => '',
    runCommand: async () => ({ exitCode: 1, stdout: '', stderr: '' }),
    stdout,
    stderr,
  };
}
