/**
 * End to end: the scripts of `awsfed completion SHELL` loaded into real bash, zsh and fish, completing
 * against the built CLI (an `awsfed` wrapper on PATH running dist/bin.cjs) and a temporary AWS_CONFIG_FILE.
 * bash: the completion function driven directly (COMP_WORDS/COMP_CWORD in, COMPREPLY out). zsh: the
 * script loaded under compinit, then run with a stubbed compadd that prints what it is given (and, like
 * compadd, keeps the words that start with PREFIX). fish: `complete -C`. Also the hidden
 * `awsfed __complete KIND` the scripts call: quiet on unreadable files, and light to load.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../src/cli.js';
import { BIN, explain, makeTempHome, runCli, runProcess } from './helpers/cli.js';
import type { RunResult, TempHome } from './helpers/cli.js';
import { HEAVY, loadedPackages } from './helpers/loaded-packages.js';
import { requireTool } from './helpers/peers.js';
import { startTmux } from './helpers/tmux.js';

const CONFIG = `[default]
region = us-east-1

[profile saml]
awsfed_idp_url = https://adfs.corp.example

[profile prod]
role_arn = arn:aws:iam::222222222222:role/Admins
source_profile = saml

[profile my prod]
role_arn = arn:aws:iam::333333333333:role/Admins
source_profile = saml

[profile it's$odd&(x)]
region = eu-west-1

[profile acct:prod]
role_arn = arn:aws:iam::444444444444:role/Admins
source_profile = saml
`;
const CREDENTIALS = `[static-keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = not-a-real-secret
`;
const PROFILES = ['default', 'saml', 'prod', 'my prod', "it's$odd&(x)", 'acct:prod', 'static-keys'];

/** login's flags as commander declares them, plus the two every command has. */
function loginLongFlags(): string[] {
  const cli = buildCli({ deps: () => { throw new Error('not used'); }, version: '0' }, () => {});
  const login = cli.commands.find((c) => c.name() === 'login')!;
  return [...login.options.map((o) => o.long!), '--help', '--debug'].sort();
}

let home: TempHome;
let env: Record<string, string>;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  home = await makeTempHome();
  await writeFile(home.configFile, CONFIG);
  await writeFile(home.credentialsFile, CREDENTIALS);
  const bin = join(home.home, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'awsfed'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"\n`);
  await chmod(join(bin, 'awsfed'), 0o755);
  // fish keeps its own files under XDG_DATA_HOME and XDG_CONFIG_HOME: both inside the temporary home.
  env = { ...home.env, PATH: `${bin}:${home.env.PATH}`, XDG_DATA_HOME: join(home.home, '.local', 'share'), XDG_CONFIG_HOME: join(home.home, '.config') };
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell], { env });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr).toBe('');
    scripts[shell] = join(home.home, shell === 'zsh' ? '_awsfed' : `awsfed.${shell}`);
    await writeFile(scripts[shell]!, r.stdout);
  }
});
afterAll(async () => {
  await home?.cleanup();
});

const lines = (r: RunResult): string[] => r.stdout.split('\n').filter((l) => l !== '');
const run = (command: string, args: string[]): Promise<RunResult> => runProcess(command, args, { env, cwd: home.home, timeoutMs: 60_000 });

describe('bash', () => {
  let bash: string;
  beforeAll(() => {
    bash = requireTool('bash');
  });

  /**
   * COMPREPLY for the words typed, the last one being the word under the cursor: COMP_LINE and
   * COMP_POINT as bash sets them (the words joined by a blank, the cursor at the end), and COMP_WORDS.
   */
  async function complete(...words: string[]): Promise<string[]> {
    const driver = `source "$1" || exit 99
shift
COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"; COMP_POINT=\${#COMP_LINE}
_awsfed awsfed "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await run(bash, ['--norc', '--noprofile', '-c', driver, 'bash', scripts.bash!, ...words]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr, explain(r)).toBe('');
    return lines(r);
  }

  it('loads without error and registers _awsfed for awsfed', async () => {
    const r = await run(bash, ['--norc', '--noprofile', '-c', 'set -u; source "$1" && complete -p awsfed', 'bash', scripts.bash!]);
    expect(r.stderr, explain(r)).toBe('');
    expect(r.stdout.trim()).toBe('complete -F _awsfed awsfed');
  });

  it('completes command names, profile names (escaped as bash inserts them) and login flags', async () => {
    expect(await complete('awsfed', 'sw')).toEqual(['switch']);
    expect((await complete('awsfed', 'switch', '')).sort()).toEqual(['acct:prod', 'default', "it\\'s\\$odd\\&\\(x\\)", 'my\\ prod', 'prod', 'saml', 'static-keys'].sort());
    expect(await complete('awsfed', 'switch', 'my\\ ')).toEqual(['my\\ prod']);
    // Inside a quote the user opened, the name as it is (readline closes the quote under -o filenames).
    expect(await complete('awsfed', 'switch', "'my")).toEqual(['my prod']);
    expect((await complete('awsfed', 'login', '--')).sort()).toEqual(loginLongFlags());
  });

  it('completes values: gateways, destinations, fixed words, --flag=value', async () => {
    expect(await complete('awsfed', 'login', '--profile', '')).toEqual(['saml']);
    expect(await complete('awsfed', 'login', '-p', '')).toEqual(['saml']);
    // readline replaces only what follows the last : or = of the word (COMP_WORDBREAKS).
    expect(await complete('awsfed', 'login', '--profile=')).toEqual(['saml']);
    expect(await complete('awsfed', 'login', '--profile=sa')).toEqual(['saml']);
    expect(await complete('awsfed', 'switch', 'acct:')).toEqual(['prod']);
    expect(await complete('awsfed', 'exec', 'acct:prod', 'ech')).toContain('echo');
    expect(await complete('awsfed', 'refresh', '')).toEqual(['prod', 'my\\ prod', 'acct:prod']);
    expect(await complete('awsfed', 'login', '--output', 'y')).toEqual(['yaml', 'yaml-stream']);
    expect(await complete('awsfed', 'switch', '--format', '')).toEqual(['env', 'env-no-export', 'fish', 'powershell']);
    expect(await complete('awsfed', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('awsfed', 'policy', 'trust', '--partition', 'aws-')).toEqual(['aws-cn', 'aws-us-gov']);
    // After the option's value, the positional again.
    expect(await complete('awsfed', 'switch', '--format', 'env', 'pr')).toEqual(['prod']);
  });
});

describe('bash at a real terminal (readline inserts the completion)', () => {
  it('inserts names escaped, closes a quote the user opened, and keeps acct:prod one word', async () => {
    const bash = requireTool('bash');
    const term = await startTmux({ command: [bash, '--norc', '--noprofile'], env: { ...env, PS1: '$ ' }, cwd: home.home });
    try {
      // screen() drops trailing blanks: an empty command line reads "$".
      const lastLine = (screen: string): string => screen.split('\n').at(-1)!;
      await term.waitFor('the prompt', (s) => lastLine(s) === '$');
      await term.type(`eval "$(awsfed completion bash)"; clear\n`);
      await term.waitFor('a cleared screen', (s) => s.trim() === '$');
      const line = async (typed: string, expected: string): Promise<void> => {
        await term.type(typed);
        await term.keys('Tab');
        // A deadline only so that a broken script cannot hang the test.
        await term.waitFor(`"${expected}" on the command line`, (s) => lastLine(s) === `$ ${expected}`.trimEnd(), 20_000);
        await term.keys('C-u');
        await term.waitFor('an empty command line', (s) => lastLine(s) === '$');
      };
      await line('awsfed sw', 'awsfed switch ');
      await line('awsfed switch my', 'awsfed switch my\\ prod ');
      await line("awsfed switch 'my", "awsfed switch 'my prod' ");
      await line('awsfed switch acct:', 'awsfed switch acct:prod ');
      await line('awsfed switch it', "awsfed switch it\\'s\\$odd\\&\\(x\\) ");
      await line('awsfed login --out', 'awsfed login --output ');
    } finally {
      await term.kill();
    }
  }, 180_000);
});

describe('zsh', () => {
  let zsh: string;
  beforeAll(() => {
    zsh = requireTool('zsh');
  });

  it('loads under compinit without error, from $fpath and sourced', async () => {
    const fpathDir = join(home.home, 'zfunc');
    await mkdir(fpathDir, { recursive: true });
    await writeFile(join(fpathDir, '_awsfed'), await readFile(scripts.zsh!, 'utf8'));
    const fromFpath = await run(zsh, ['-f', '-c', 'fpath=("$1" $fpath); autoload -U compinit && compinit -u -D && print -r -- "$_comps[awsfed]"', 'zsh', fpathDir]);
    expect(fromFpath.stderr, explain(fromFpath)).toBe('');
    expect(fromFpath.stdout.trim()).toBe('_awsfed');
    const sourced = await run(zsh, ['-f', '-c', 'autoload -U compinit && compinit -u -D && source "$1" && print -r -- "$_comps[awsfed]"', 'zsh', scripts.zsh!]);
    expect(sourced.stderr, explain(sourced)).toBe('');
    expect(sourced.stdout.trim()).toBe('_awsfed');
  });

  it('at a real terminal, under compinit, inserts names quoted and completes commands and flags', async () => {
    const fpathDir = join(home.home, 'zfunc-terminal');
    await mkdir(fpathDir, { recursive: true });
    await writeFile(join(fpathDir, '_awsfed'), await readFile(scripts.zsh!, 'utf8'));
    const term = await startTmux({ command: [zsh, '-f'], env, cwd: home.home });
    try {
      const lastLine = (screen: string): string => screen.split('\n').at(-1)!;
      await term.type(`PS1='$ '; fpath=(${fpathDir} $fpath); autoload -U compinit; compinit -u -D; clear\n`);
      await term.waitFor('a cleared screen', (s) => s.trim() === '$', 20_000);
      const line = async (typed: string, expected: string): Promise<void> => {
        await term.type(typed);
        await term.keys('Tab');
        await term.waitFor(`"${expected}" on the command line`, (s) => lastLine(s) === `$ ${expected}`.trimEnd(), 20_000);
        await term.keys('C-u');
        await term.waitFor('an empty command line', (s) => lastLine(s) === '$');
      };
      await line('awsfed sw', 'awsfed switch ');
      await line('awsfed switch my', 'awsfed switch my\\ prod ');
      await line("awsfed switch 'my", "awsfed switch 'my prod' ");
      await line('awsfed switch acct:', 'awsfed switch acct:prod ');
      await line('awsfed login --outp', 'awsfed login --output ');
      await line('awsfed login --profile=', 'awsfed login --profile=saml ');
    } finally {
      await term.kill();
    }
  }, 180_000);

  /** What _awsfed hands to compadd for the words typed (the last one is PREFIX, the word under the cursor). */
  async function complete(...typed: string[]): Promise<string[]> {
    const driver = `compdef() { : }
# compadd's matching: the words after -- that start with PREFIX, printed with IPREFIX as inserted.
compadd() {
  while (( $# )) && [[ $1 != -- ]]; do shift; done
  shift
  local w
  for w in "$@"; do [[ $w == "$PREFIX"* ]] && print -r -- "$IPREFIX$w"; done
  return 0
}
source "$1" || exit 99
shift
words=("$@"); CURRENT=$#; PREFIX=$words[CURRENT]; IPREFIX=''
_awsfed`;
    const r = await run(zsh, ['-f', '-c', driver, 'zsh', scripts.zsh!, ...typed]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr, explain(r)).toBe('');
    return lines(r);
  }

  it('completes command names, profile names (with a space) and login flags', async () => {
    expect(await complete('awsfed', 'sw')).toEqual(['switch']);
    expect((await complete('awsfed', 'switch', '')).sort()).toEqual([...PROFILES].sort());
    expect(await complete('awsfed', 'switch', 'my')).toEqual(['my prod']);
    expect((await complete('awsfed', 'login', '--')).sort()).toEqual(loginLongFlags());
  });

  it('completes values: gateways, destinations, fixed words, --flag=value', async () => {
    expect(await complete('awsfed', 'login', '--profile', '')).toEqual(['saml']);
    expect(await complete('awsfed', 'login', '--profile=')).toEqual(['--profile=saml']);
    expect(await complete('awsfed', 'remove', '')).toEqual(['prod', 'my prod', 'acct:prod']);
    expect(await complete('awsfed', 'switch', 'acct:')).toEqual(['acct:prod']);
    expect(await complete('awsfed', 'login', '--output', 'y')).toEqual(['yaml', 'yaml-stream']);
    expect(await complete('awsfed', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
    expect(await complete('awsfed', 'policy', 'tr')).toEqual(['trust']);
  });
});

describe('fish', () => {
  let fish: string;
  beforeAll(() => {
    fish = requireTool('fish');
  });

  /** `complete -C LINE`: the candidates (without their descriptions). */
  async function complete(line: string): Promise<string[]> {
    const r = await run(fish, ['--no-config', '-c', 'source $argv[1]; or exit 99; complete -C $argv[2]', scripts.fish!, line]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr, explain(r)).toBe('');
    return lines(r).map((l) => l.split('\t')[0]!);
  }

  it('loads without error', async () => {
    const r = await run(fish, ['--no-config', '-c', 'source $argv[1]; and complete -c awsfed', scripts.fish!]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stderr, explain(r)).toBe('');
    expect(r.stdout).toContain('__awsfed_candidates');
  });

  it('completes command names, profile names (with a space) and login flags', async () => {
    expect(await complete('awsfed sw')).toEqual(['switch']);
    expect((await complete('awsfed switch ')).sort()).toEqual([...PROFILES].sort());
    expect(await complete('awsfed switch my\\ ')).toEqual(['my prod']);
    expect((await complete('awsfed login --')).sort()).toEqual(loginLongFlags());
  });

  it('completes values: gateways, destinations, fixed words, --flag=value', async () => {
    expect(await complete('awsfed login --profile ')).toEqual(['saml']);
    expect(await complete('awsfed login --profile=')).toEqual(['--profile=saml']);
    expect((await complete('awsfed refresh ')).sort()).toEqual(['acct:prod', 'my prod', 'prod']);
    expect(await complete('awsfed switch acct:')).toEqual(['acct:prod']);
    expect(await complete('awsfed login --output yaml')).toEqual(['yaml', 'yaml-stream']);
    expect(await complete('awsfed completion ')).toEqual(['bash', 'fish', 'zsh']);
  });
});

describe('awsfed completion and awsfed __complete', () => {
  it('refuses an unknown shell, naming the three', async () => {
    const r = await runCli(['completion', 'tcsh'], { env });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('"tcsh"');
    expect(r.stderr).toContain('bash, zsh, fish');
  });

  it('shows the install lines in --help', async () => {
    const r = await runCli(['completion', '--help'], { env });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain('eval "$(awsfed completion bash)"');
    expect(r.stdout).toContain('awsfed completion zsh > "${fpath[1]}/_awsfed"');
    expect(r.stdout).toContain('awsfed completion fish > ~/.config/fish/completions/awsfed.fish');
  });

  it('prints the names one a line; nothing, exit 0 and no stderr for unreadable or broken files and stray arguments', async () => {
    const ok = await runCli(['__complete', 'profiles'], { env });
    expect(ok.code, explain(ok)).toBe(0);
    expect(lines(ok)).toEqual(PROFILES);
    // A directory where the config file should be: unreadable.
    const unreadable = await runCli(['__complete', 'profiles'], { env: { ...env, AWS_CONFIG_FILE: home.home, AWS_SHARED_CREDENTIALS_FILE: home.awsDir } });
    expect(unreadable).toEqual({ code: 0, stdout: '', stderr: '' });
    const brokenFile = join(home.home, 'broken-config');
    await writeFile(brokenFile, 'key_before_any_section = 1\n');
    const broken = await runCli(['__complete', 'gateways'], { env: { ...env, AWS_CONFIG_FILE: brokenFile } });
    expect(broken).toEqual({ code: 0, stdout: '', stderr: '' });
    const stray = await runCli(['__complete', 'nosuch', 'more', '--what'], { env });
    expect(stray).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('loads only the INI parser and the paths: no HTTP client, SDK, HTML parser or prompt library', async () => {
    const run = await loadedPackages(['__complete', 'profiles'], { env, cwd: home.home });
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(PROFILES);
    expect(run.sources).toContain('src/ini/document.ts');
    expect(run.packages.filter((p) => HEAVY.test(p))).toEqual([]);
    expect(run.internal).toEqual([]);
  });
});
