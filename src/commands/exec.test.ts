import { describe, expect, it } from 'vitest';
import type { ResolvedCredentials } from '../chain/credentials.js';
import type { Deps } from '../deps.js';
import { silentLogger } from '../log.js';
import { unreachableFiles, unreachableSts } from '../../test/helpers/fake-deps.js';
import { createRefusingPrompter } from '../ui/prompt.js';
import { execInProfile } from './exec.js';

const resolved: ResolvedCredentials = {
  profile: 'prod',
  region: 'eu-central-1',
  source: 'cache',
  credentials: {
    accessKeyId: 'ASIAEXAMPLE000000001',
    secretAccessKey: 'secret/EXAMPLE+key',
    sessionToken: 'token/EXAMPLE==',
    expiration: new Date('2026-11-27T21:20:00Z'),
  },
};

interface Spawned {
  command: string;
  args: string[];
  env: Record<string, string>;
}

function deps(env: Record<string, string>, exitCode = 0): Deps & { spawned: Spawned[] } {
  const spawned: Spawned[] = [];
  return {
    env,
    homeDir: '/nonexistent',
    clock: () => new Date('2026-11-27T20:00:00Z'),
    out: () => {},
    err: () => {},
    log: silentLogger,
    files: unreachableFiles(),
    sts: unreachableSts(),
    isInteractive: false,
    prompter: async () => createRefusingPrompter('no-prompt'),
    readStdin: async () => '',
    runCommand: async () => ({ exitCode: 1, stdout: '', stderr: '' }),
    spawnInherit: async (command, args, childEnv) => {
      spawned.push({ command, args, env: childEnv });
      return exitCode;
    },
    spawned,
  };
}

const ensure = async () => resolved;

describe('execInProfile', () => {
  it('runs the command with the credentials, without the conflicting variables, and returns its exit code', async () => {
    const d = deps({ PATH: '/bin', AWS_PROFILE: 'saml', AWS_SECURITY_TOKEN: 'old', HOME: '/home/a', AWSFED_PASSWORD: 'Hunter2!' }, 7);
    const result = await execInProfile({ profile: 'prod', command: ['aws', 'sts', 'get-caller-identity', '--output', 'json'], noPrompt: true, nest: false }, d, ensure);
    expect(result).toEqual({ exitCode: 7 });
    expect(d.spawned).toHaveLength(1);
    const s = d.spawned[0]!;
    expect(s.command).toBe('aws');
    expect(s.args).toEqual(['sts', 'get-caller-identity', '--output', 'json']);
    expect(s.env).toEqual({
      PATH: '/bin',
      HOME: '/home/a',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE000000001',
      AWS_SECRET_ACCESS_KEY: 'secret/EXAMPLE+key',
      AWS_SESSION_TOKEN: 'token/EXAMPLE==',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-27T21:20:00+00:00',
      AWS_REGION: 'eu-central-1',
      AWS_DEFAULT_REGION: 'eu-central-1',
      AWSFED_ACTIVE_PROFILE: 'prod',
      AWSFED_EXEC_PROFILE: 'prod',
    });
  });

  it('refuses without a command', async () => {
    await expect(execInProfile({ profile: 'prod', command: [], noPrompt: true, nest: false }, deps({}), ensure)).rejects.toMatchObject({
      code: 'EXEC_NO_COMMAND',
      exitCode: 2,
    });
  });

  it('refuses to nest unless --nest, and then replaces the marker', async () => {
    const nested = deps({ AWSFED_ACTIVE_PROFILE: 'dev' });
    await expect(execInProfile({ profile: 'prod', command: ['true'], noPrompt: true, nest: false }, nested, ensure)).rejects.toMatchObject({
      code: 'SHELL_NESTED',
    });
    expect(nested.spawned).toEqual([]);
    await execInProfile({ profile: 'prod', command: ['true'], noPrompt: true, nest: true }, nested, ensure);
    expect(nested.spawned[0]!.env.AWSFED_ACTIVE_PROFILE).toBe('prod');
  });

  it('refuses inside another exec too, naming it', async () => {
    const inExec = deps({ AWSFED_ACTIVE_PROFILE: 'dev', AWSFED_EXEC_PROFILE: 'dev' });
    await expect(execInProfile({ profile: 'prod', command: ['true'], noPrompt: true, nest: false }, inExec, ensure)).rejects.toMatchObject({
      code: 'SHELL_NESTED',
      message: expect.stringContaining('awsfed exec dev'),
    });
    await execInProfile({ profile: 'prod', command: ['true'], noPrompt: true, nest: true }, inExec, ensure);
    expect(inExec.spawned[0]!.env.AWSFED_EXEC_PROFILE).toBe('prod');
  });
});
