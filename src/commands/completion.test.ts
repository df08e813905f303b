import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildCli } from '../cli.js';
import type { Deps } from '../deps.js';
import { isAppError } from '../errors.js';
import { allCommands } from '../completion/spec.js';
import { ARGUMENT_VALUES, COMPLETION_SHELLS, OPTION_VALUES, completionCommandSpec, completionScript } from './completion.js';

const program = (): Command =>
  buildCli(
    {
      deps: (): Deps => {
        throw new Error('building the completion spec must not build the ports');
      },
      version: '0.0.0',
    },
    () => {},
  );

/** The CLI as commander holds it, walked without the Help class the spec generator uses. */
function commanderTree(cmd: Command, path: string[] = []): Array<{ path: string[]; cmd: Command }> {
  const visible = cmd.commands.filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
  return [{ path, cmd }, ...visible.flatMap((c) => commanderTree(c, [...path, c.name()]))];
}

const flagsOf = (o: Option): string[] => [o.short, o.long].filter((f): f is string => Boolean(f));

describe('completion spec, read from the commander definition', () => {
  it('has every command and every flag of the CLI, and the hidden __complete nowhere', () => {
    const cli = program();
    const spec = completionCommandSpec(cli);
    const byPath = new Map(allCommands(spec).map((c) => [c.path.join(' '), c]));
    const missing: string[] = [];
    for (const { path, cmd } of commanderTree(cli)) {
      const entry = byPath.get(path.join(' '));
      if (!entry) {
        missing.push(`command ${path.join(' ')}`);
        continue;
      }
      const names = new Set(entry.options.flatMap((o) => o.names));
      for (const flag of [...cmd.options.filter((o) => !o.hidden).flatMap(flagsOf), '--help']) {
        if (!names.has(flag)) missing.push(`${path.join(' ') || 'awsfed'} ${flag}`);
      }
      // Program options (--debug) are accepted after any command too.
      if (path.length && !names.has('--debug')) missing.push(`${path.join(' ')} --debug`);
      expect(entry.args.map((a) => a.name)).toEqual(cmd.registeredArguments.map((a) => a.name()));
    }
    expect(missing).toEqual([]);
    // Beyond the declared commands, only commander's implicit `help` of a command group (awsfed policy help).
    const declared = new Set(commanderTree(cli).map((c) => c.path.join(' ')));
    expect([...byPath.keys()].filter((p) => !declared.has(p))).toEqual(['policy help']);
    expect([...byPath.keys()]).not.toContain('__complete');
    // A sample, so that an empty walk cannot pass.
    expect(byPath.get('login')!.options.find((o) => o.names.includes('--profile'))!.names).toEqual(['-p', '--profile']);
    expect([...byPath.keys()]).toContain('policy trust');
  });

  it.each(COMPLETION_SHELLS)('puts every command and flag into the %s script', (shell) => {
    const cli = program();
    const script = completionScript(shell, cli);
    const absent: string[] = [];
    for (const { path, cmd } of commanderTree(cli)) {
      if (path.length && !script.includes(`'${path.join(' ')}|`) && !script.includes(`'${path.slice(0, -1).join(' ')}|${path.at(-1)}'`)) absent.push(`command ${path.join(' ')}`);
      for (const flag of cmd.options.filter((o) => !o.hidden).flatMap(flagsOf)) if (!script.includes(`'${flag}'`)) absent.push(`${path.join(' ')} ${flag}`);
    }
    expect(absent).toEqual([]);
    expect(script).not.toContain('__complete\'');
  });

  it('names only flags and arguments the CLI has in its value hints', () => {
    const tree = commanderTree(program());
    const stale: string[] = [];
    for (const key of Object.keys(OPTION_VALUES)) {
      const [path, flag] = key.split('|') as [string, string];
      const commands = path === '*' ? tree : tree.filter((c) => c.path.join(' ') === path);
      if (!commands.some(({ cmd }) => cmd.options.some((o) => o.long === flag))) stale.push(key);
    }
    for (const key of Object.keys(ARGUMENT_VALUES)) {
      const [path, name] = key.split('|') as [string, string];
      const command = tree.find((c) => c.path.join(' ') === path);
      if (!command?.cmd.registeredArguments.some((a) => a.name() === name)) stale.push(key);
    }
    expect(stale).toEqual([]);
  });

  it('completes values where they are known', () => {
    const spec = completionCommandSpec(program());
    const command = (path: string) => allCommands(spec).find((c) => c.path.join(' ') === path)!;
    const option = (path: string, flag: string) => command(path).options.find((o) => o.names.includes(flag))!.values;
    expect(option('login', '-p')).toEqual({ kind: 'profiles', which: 'gateways' });
    expect(option('logout', '--profile')).toEqual({ kind: 'profiles', which: 'gateways' });
    expect(option('add', '--source')).toEqual({ kind: 'profiles', which: 'profiles' });
    expect(option('login', '--output')).toEqual({ kind: 'words', words: ['json', 'text', 'table', 'yaml', 'yaml-stream'] });
    expect(option('switch', '--format')).toEqual({ kind: 'words', words: ['env', 'env-no-export', 'fish', 'powershell'] });
    expect(option('login', '--ca-bundle')).toEqual({ kind: 'files' });
    expect(option('login', '--username')).toEqual({ kind: 'none' });
    for (const path of ['switch', 'exec', 'console']) expect(command(path).args[0]!.values).toEqual({ kind: 'profiles', which: 'profiles' });
    for (const path of ['refresh', 'remove']) expect(command(path).args[0]!.values).toEqual({ kind: 'profiles', which: 'destinations' });
    expect(command('completion').args[0]!.values).toEqual({ kind: 'words', words: ['bash', 'zsh', 'fish'] });
    expect(command('export').args[0]!.values).toEqual({ kind: 'words', words: ['aesr'] });
  });

  it('refuses an unknown shell with a usage error naming the three', () => {
    let caught: unknown;
    try {
      completionScript('powershell', program());
    } catch (error) {
      caught = error;
    }
    expect(isAppError(caught) && { code: caught.code, exit: caught.exitCode }).toEqual({ code: 'COMPLETION_SHELL_UNKNOWN', exit: 2 });
    expect((caught as Error).message).toContain('powershell');
    expect((caught as { hint: string }).hint).toContain('bash, zsh, fish');
  });
});
