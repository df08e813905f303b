import { describe, expect, it } from 'vitest';
import type { ResolvedCredentials } from '../chain/credentials.js';
import type { Deps } from '../deps.js';
import { AppError, PromptError } from '../errors.js';
import { silentLogger } from '../log.js';
import { unreachableFiles, unreachableSts } from '../../test/helpers/fake-deps.js';
import { createRefusingPrompter } from '../ui/prompt.js';
import { ShellError } from '../shell/errors.js';
import { formatExpiry } from '../ui/format.js';
import { checkSwitchArguments, switchProfile, switchUnset } from './switch.js';

const NOW = new Date('2026-11-27T20:00:00Z');

const resolved: ResolvedCredentials = {
  profile: 'prod',
  region: 'eu-central-1',
  source: 'assumed',
  credentials: {
    accessKeyId: 'ASIAEXAMPLE000000001',
    secretAccessKey: 'secret/EXAMPLE+key',
    sessionToken: 'token/EXAMPLE==',
    expiration: new Date('2026-11-27T21:20:00Z'),
  },
};

function deps(env: Record<string, string> = {}, isInteractive = false): Deps & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    env,
    homeDir: '/nonexistent',
    clock: () => NOW,
    out: (t) => void stdout.push(t),
    err: (t) => void stderr.push(t),
    log: silentLogger,
    files: unreachableFiles(),
    sts: unreachableSts(),
    isInteractive,
    prompter: async () => createRefusingPrompter('no-prompt'),
    readStdin: async () => '',
    runCommand: async () => ({ exitCode: 1, stdout: '', stderr: '' }),
    stdout,
    stderr,
  };
}

function ensureRecording(result: ResolvedCredentials = resolved) {
  const calls: Array<{ name: string; noPrompt: boolean }> = [];
  const ensure = async (name: string, _deps: Deps, opts: { noPrompt: boolean }) => {
    calls.push({ name, noPrompt: opts.noPrompt });
    return result;
  };
  return { calls, ensure };
}

describe('switchProfile', () => {
  it('renders the exports in the detected format and prints nothing itself when piped', async () => {
    const d = deps({ SHELL: '/bin/bash' });
    const { calls, ensure } = ensureRecording();
    const result = await switchProfile({ profile: 'prod', noPrompt: true, nest: false }, d, ensure);
    expect(calls).toEqual([{ name: 'prod', noPrompt: true }]);
    expect(result.format).toBe('env');
    expect(result.text).toContain('unset AWS_PROFILE\n');
    expect(result.text).toContain('export AWS_ACCESS_KEY_ID=ASIAEXAMPLE000000001\n');
    expect(result.text).toContain('export AWS_REGION=eu-central-1\nexport AWS_DEFAULT_REGION=eu-central-1\n');
    expect(result.text).toContain('export AWSFED_ACTIVE_PROFILE=prod\n');
    expect(d.stdout).toEqual([]);
    expect(d.stderr).toEqual([]);
  });

  it('detects fish and honours --format', async () => {
    const { ensure } = ensureRecording();
    expect((await switchProfile({ profile: 'prod', noPrompt: false, nest: false }, deps({ SHELL: '/usr/bin/fish' }), ensure)).format).toBe('fish');
    const ps = await switchProfile({ profile: 'prod', format: 'powershell', noPrompt: false, nest: false }, deps({ SHELL: '/usr/bin/fish' }), ensure);
    expect(ps.text).toContain('$Env:AWS_ACCESS_KEY_ID="ASIAEXAMPLE000000001"');
  });

  it('refuses a bad --format before fetching credentials', async () => {
    const { calls, ensure } = ensureRecording();
    await expect(switchProfile({ profile: 'prod', format: 'tcsh', noPrompt: false, nest: false }, deps(), ensure)).rejects.toMatchObject({
      code: 'SHELL_FORMAT',
      exitCode: 2,
    });
    expect(calls).toEqual([]);
  });

  it('hints at eval on stderr when stdout is a terminal, without a secret in the hint', async () => {
    const d = deps({ SHELL: '/bin/zsh' });
    const { ensure } = ensureRecording();
    const result = await switchProfile({ profile: 'prod', noPrompt: false, nest: false, stdoutIsTerminal: true }, d, ensure);
    expect(result.text).toContain('AWS_SECRET_ACCESS_KEY');
    expect(d.stderr).toHaveLength(1);
    expect(d.stderr[0]).toContain('eval "$(awsfed switch prod)"');
    expect(d.stderr[0]).not.toContain(resolved.credentials.secretAccessKey);
  });

  it('notes the profile and time left on stderr for an interactive user evaluating the output', async () => {
    const d = deps({}, true);
    const { ensure } = ensureRecording();
    await switchProfile({ profile: 'prod', noPrompt: false, nest: false }, d, ensure);
    expect(d.stderr).toEqual([`awsfed: switched to prod (eu-central-1); the credentials expire ${formatExpiry(resolved.credentials.expiration, NOW)}`]);
    expect(d.stderr[0]).toContain('(1h 20m left)');
  });

  it('switches again in a shell that already switched: replaces the profile, no --nest needed', async () => {
    const { calls, ensure } = ensureRecording();
    const result = await switchProfile({ profile: 'prod', noPrompt: false, nest: false }, deps({ AWSFED_ACTIVE_PROFILE: 'dev' }), ensure);
    expect(calls).toEqual([{ name: 'prod', noPrompt: false }]);
    expect(result.text).toContain('export AWSFED_ACTIVE_PROFILE=prod\n');
  });

  it('refuses inside a command started by awsfed exec unless --nest, before fetching credentials', async () => {
    const { calls, ensure } = ensureRecording();
    const nested = deps({ AWSFED_ACTIVE_PROFILE: 'dev', AWSFED_EXEC_PROFILE: 'dev' });
    const error = await switchProfile({ profile: 'prod', noPrompt: false, nest: false }, nested, ensure).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ShellError);
    expect(error).toMatchObject({ code: 'SHELL_NESTED', exitCode: 2 });
    expect((error as AppError).message).toContain('`awsfed exec dev`');
    expect((error as AppError).hint).toContain('--nest');
    expect(calls).toEqual([]);
    const ok = await switchProfile({ profile: 'prod', noPrompt: false, nest: true }, nested, ensure);
    expect(ok.text).toContain('export AWSFED_ACTIVE_PROFILE=prod\n');
  });

  it('ignores an empty marker', async () => {
    const { ensure } = ensureRecording();
    const result = await switchProfile({ profile: 'prod', noPrompt: false, nest: false }, deps({ AWSFED_EXEC_PROFILE: ' ' }), ensure);
    expect(result.text).toContain('export AWSFED_ACTIVE_PROFILE=prod\n');
  });

  it('passes credential errors through unchanged', async () => {
    const failure = new PromptError('PROMPT_UNAVAILABLE', 'a password is needed');
    const ensure = async () => {
      throw failure;
    };
    await expect(switchProfile({ profile: 'prod', noPrompt: true, nest: false }, deps(), ensure)).rejects.toBe(failure);
  });
});

describe('switch --unset', () => {
  it('prints the unset lines in the detected or chosen format, and hints at eval when stdout is a terminal', () => {
    const d = deps({ SHELL: '/usr/bin/fish' });
    expect(switchUnset({}, d).text).toContain('set -e AWS_SESSION_TOKEN;\n');
    expect(switchUnset({ format: 'powershell' }, d).text).toContain('Remove-Item Env:AWSFED_ACTIVE_PROFILE -ErrorAction SilentlyContinue\n');
    expect(d.stderr).toEqual([]);
    switchUnset({ format: 'env', stdoutIsTerminal: true }, d);
    expect(d.stderr).toEqual(['awsfed: printing these lines changes nothing; to clear this shell run: eval "$(awsfed switch --unset --format env)"']);
  });
  it('takes a profile or --unset, exactly one', () => {
    expect(() => checkSwitchArguments('prod', false)).not.toThrow();
    expect(() => checkSwitchArguments(undefined, true)).not.toThrow();
    expect(() => checkSwitchArguments('prod', true)).toThrow(expect.objectContaining({ code: 'SWITCH_ARGUMENTS', exitCode: 2 }));
    expect(() => checkSwitchArguments(undefined, false)).toThrow(expect.objectContaining({ code: 'SWITCH_ARGUMENTS', exitCode: 2 }));
  });
});
