/**
 * End to end: exit codes and messages of the command line itself (issue 6, item 6): help and usage
 * exits, refresh's exit code when a prompt was needed, the advice of `list` on a fresh setup, messages
 * that name the config file AWS_CONFIG_FILE points at, the `--` hint of `exec`, `--all-roles` with
 * `--role` and `--chain`, and one time format for people.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES, DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import type { DemoEnvironment } from '../src/emulator/demo-environment.js';
import { parseIni } from '../src/ini/document.js';
import { BIN, explain, makeTempHome, runCli, runProcess } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';

const homes: TempHome[] = [];
afterEach(async () => {
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function newHome(): Promise<TempHome> {
  const home = await makeTempHome();
  homes.push(home);
  return home;
}

/** A human time as awsfed prints it: local date, hours:minutes and the zone. */
const HUMAN_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d (UTC|[+-]\d\d:\d\d)/;

describe('help and usage exits', () => {
  it('help piped into a reader that has already gone (awsfed login --help | true) ends quietly, exit 0', async () => {
    // `true` exits long before node has started, so every write awsfed makes meets a closed pipe (EPIPE).
    const r = await runProcess('bash', ['-c', `"${process.execPath}" "${BIN}" login --help | true; echo "status=\${PIPESTATUS[0]}" >&2`], {
      env: (await newHome()).env,
    });
    expect(r.stderr, explain(r)).toContain('status=0');
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\.js:\d+/);
  });

  it('bare awsfed prints the help on stderr and exits 2, like the AWS CLI', async () => {
    const r = await runCli([], { env: (await newHome()).env });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: awsfed [options] [command]');
  });

  it('a command group without its subcommand (awsfed policy) prints its help on stderr and exits 2', async () => {
    const r = await runCli(['policy'], { env: (await newHome()).env });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: awsfed policy');
  });

  it('asked-for help still goes to stdout with exit 0', async () => {
    const env = (await newHome()).env;
    for (const args of [['--help'], ['help'], ['help', 'policy'], ['help', 'policy', 'trust'], ['policy', '--help']]) {
      const r = await runCli(args, { env });
      expect(r.code, `${args.join(' ')}\n${explain(r)}`).toBe(0);
      expect(r.stdout).toContain('Usage: awsfed');
    }
    expect((await runCli(['help', 'policy', 'trust'], { env })).stdout).toContain('--source-account');
  });

  it('login --help says the command time limit bounds the MFA command too, and shows a script feeding password and code', async () => {
    const r = await runCli(['login', '--help'], { env: (await newHome()).env });
    expect(r.code, explain(r)).toBe(0);
    // A user whose --mfa-command timed out is told to raise --password-command-timeout: the help must agree.
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/--password-command-timeout <seconds> stop the password or MFA command after this long/);
    expect(r.stdout).toMatch(/awsfed login --password-stdin --mfa-code-stdin --no-prompt/);
  });

    it('help for a command that does not exist says so and exits 2', async () => {
    const r = await runCli(['help', 'nosuch'], { env: (await newHome()).env });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown command 'nosuch'");
  });

  it('exec with a command option before -- says to put -- before the command', async () => {
    const r = await runCli(['exec', 'prod', 'aws', 's3', 'ls', '--query', 'X'], { env: (await newHome()).env });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stderr).toContain("unknown option '--query'");
    expect(r.stderr).toContain('awsfed exec NAME -- COMMAND');
  });
});

describe('list on a fresh setup', () => {
  it('advises awsfed configure (the gateway) before awsfed add', async () => {
    const home = await newHome();
    const r = await runCli(['list'], { env: home.env });
    expect(r.code, explain(r)).toBe(0);
    const configure = r.stdout.indexOf('awsfed configure');
    const add = r.stdout.indexOf('awsfed add');
    expect(configure, r.stdout).toBeGreaterThan(-1);
    expect(add, r.stdout).toBeGreaterThan(configure);
  });
});

describe('messages name the config file AWS_CONFIG_FILE points at', () => {
  it('refresh and remove of a profile that does not exist', async () => {
    const home = await newHome();
    const elsewhere = join(home.home, 'elsewhere');
    await mkdir(elsewhere);
    const configFile = join(elsewhere, 'aws-config');
    await writeFile(configFile, '[profile saml]\nregion = us-east-1\n');
    const env = { ...home.env, AWS_CONFIG_FILE: configFile };
    for (const args of [['refresh', 'prod'], ['remove', 'prod'], ['switch', 'prod']]) {
      const r = await runCli(args, { env });
      expect(r.stdout + r.stderr, args.join(' ')).toContain(`no profile "prod" in ${configFile}`);
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain('~/.aws/config');
    }
  });
});

describe('against the emulators', () => {
  let demo: DemoEnvironment;
  beforeAll(async () => {
    demo = await startDemoEnvironment({
      stsRoles: [{ roleArn: 'arn:aws:iam::222222222222:role/Admins', trustedPrincipals: [DEMO_ROLES[0]!.roleArn] }],
    });
  });
  afterAll(async () => {
    await demo?.close();
  });

  async function configuredHome(): Promise<TempHome> {
    const home = await newHome();
    await writeFile(
      home.configFile,
      [
        '[profile saml]',
        `awsfed_idp_url = ${demo.adfs.entryUrl}`,
        `awsfed_username = ${DEMO_USER.username}`,
        `awsfed_role = ${DEMO_ROLES[0]!.roleArn}`,
        '',
        '[profile prod]',
        'role_arn = arn:aws:iam::222222222222:role/Admins',
        'source_profile = saml',
        '',
      ].join('\n'),
    );
    return home;
  }

  it('refresh --no-prompt exits 7 when the gateway sign-in needs a password it cannot ask for', async () => {
    const home = await configuredHome();
    const r = await runCli(['refresh', 'prod', '--no-prompt'], { env: { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url } });
    expect(r.code, explain(r)).toBe(7);
    expect(r.stdout + r.stderr).toMatch(/password/i);
  });

  it('login, refresh and login --all-roles print times one way: local time with the zone', async () => {
    const home = await configuredHome();
    const env = { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url, AWSFED_PASSWORD: DEMO_USER.password, TZ: 'Europe/Paris' };
    const login = await runCli(['login', '--no-prompt'], { env });
    expect(login.code, explain(login)).toBe(0);
    expect(login.stdout).toMatch(new RegExp(`expires  ${HUMAN_TIME.source}`));
    expect(login.stdout).toMatch(/ \+0[12]:00 /);
    const refresh = await runCli(['refresh', 'prod'], { env });
    expect(refresh.code, explain(refresh)).toBe(0);
    expect(refresh.stdout).toMatch(HUMAN_TIME);
    const json = await runCli(['refresh', 'prod', '--json'], { env });
    // Machine output keeps RFC 3339 in UTC, seconds only, like the credentials file.
    expect((JSON.parse(json.stdout) as { results: Array<{ expiration: string }> }).results[0]!.expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const all = await runCli(['login', '--all-roles', '--no-prompt'], { env });
    expect(all.code, explain(all)).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`ok, expires ${HUMAN_TIME.source}`));
  });

  it('login --all-roles --role writes profiles only for the roles the pattern matches', async () => {
    const home = await configuredHome();
    const env = { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url, AWSFED_PASSWORD: DEMO_USER.password };
    const r = await runCli(['login', '--all-roles', '--role', '*Read*', '--no-prompt'], { env });
    expect(r.code, explain(r)).toBe(0);
    expect(parseIni(await home.read('credentials')).sectionNames()).toEqual(['111111111111-ADFS-ReadOnly']);
    expect(r.stdout).toContain('1 of 1 roles written');

    const none = await runCli(['login', '--all-roles', '--role', '*Nothing*', '--no-prompt'], { env });
    expect(none.code, explain(none)).toBe(2);
    expect(none.stderr).toContain('*Nothing*');
  });

  it('login --all-roles --chain is refused with a usage error before signing in', async () => {
    const home = await configuredHome();
    const posts = demo.adfs.requests.filter((q) => q.method === 'POST').length;
    const r = await runCli(['login', '--all-roles', '--chain', '--no-prompt'], {
      env: { ...home.env, AWS_ENDPOINT_URL_STS: demo.sts.url, AWSFED_PASSWORD: DEMO_USER.password },
    });
    expect(r.code, explain(r)).toBe(2);
    expect(r.stderr).toContain('--chain');
    expect(r.stderr).toContain('awsfed refresh');
    expect(demo.adfs.requests.filter((q) => q.method === 'POST').length).toBe(posts);
  });
});
