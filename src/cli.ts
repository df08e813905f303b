/**
 * Declares the commands and their options. Each command's module is imported only when that command
 * runs, so `awsfed --help` loads neither axios nor the AWS SDK.
 */
import { Command, CommanderError, Option } from 'commander';
import type { Deps } from './deps.js';
import { UsageError } from './errors.js';

export interface CliContext {
  /** Builds the ports once the global flags (--debug) are known. */
  deps(options: { debug: boolean }): Deps;
  version: string;
}

const LOGIN_EXAMPLES = `
Examples:
  $ awsfed login                                   # the morning login: password, then pick a role
  $ awsfed login --role '*Admin*'                  # pick the role by glob on its name
  $ awsfed login --role 111111111111/ADFS-ReadOnly --duration 8h
  $ pass show corp/ad | awsfed login --password-stdin --no-prompt
  $ AWSFED_PASSWORD=... awsfed login --profile saml --no-prompt
  $ awsfed login --idp-url adfs.corp.example --username alice@corp.example`;

const CONFIGURE_EXAMPLES = `
Examples:
  $ awsfed configure                               # a short wizard
  $ awsfed configure --idp-url adfs.corp.example --username alice@corp.example
  $ awsfed configure --profile saml-cn --region cn-north-1 --role '*Admin*'
  $ awsfed configure --password-command 'pass show corp/ad'`;

const DEMO_EXAMPLES = `
Examples:
  $ awsfed demo                                    # interactive: type the shown password, pick a role
  $ awsfed demo --no-prompt                        # the same, answering every prompt itself`;

export function buildCli(ctx: CliContext, setResult: (code: number) => void): Command {
  const program = new Command('awsfed')
    .description('Sign in to AWS through AD FS (SAML) and switch roles across accounts.')
    .version(ctx.version, '-V, --version')
    .option('--debug', 'print debug details to stderr and save redacted copies of unknown IdP pages')
    .configureOutput({ writeOut: (s) => void process.stdout.write(s), writeErr: (s) => void process.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ awsfed configure --idp-url adfs.corp.example --username alice@corp.example
  $ awsfed login                                   # password, then pick a role
  $ aws sts get-caller-identity --profile saml
  $ awsfed demo                                    # try it against local emulators`,
    )
    .exitOverride();

  const globalDebug = (cmd: Command): boolean => Boolean(cmd.optsWithGlobals().debug);

  program
    .command('login')
    .description('sign in through the IdP, choose a role and write temporary credentials to the profile')
    .option('-p, --profile <name>', 'profile to write (env AWSFED_PROFILE; default saml)')
    .option('--idp-url <url>', 'AD FS host or IdP-initiated sign-on URL (env AWSFED_IDP_URL)')
    .option('-u, --username <name>', 'user name (env AWSFED_USERNAME)')
    .option('-r, --role <pattern>', 'role ARN, ACCOUNT/ROLE-NAME, or a glob on the role name (env AWSFED_ROLE)')
    .option('-d, --duration <time>', 'session duration: seconds, or 1h/90m, 900..43200 s (env AWSFED_DURATION)')
    .option('--region <region>', 'STS region and the profile region (env AWS_REGION)')
    .option('--output <format>', 'the profile output format for the AWS CLI')
    .option('--ca-bundle <path>', 'PEM file of CAs to trust for the IdP (env AWSFED_CA_BUNDLE, AWS_CA_BUNDLE)')
    .option('--relying-party <name>', 'relying party to choose on a site-selection page (default: Amazon)')
    .option('--password-command <cmd>', 'command that prints the password (env AWSFED_PASSWORD_COMMAND)')
    .option('--sts-endpoint <url>', 'STS endpoint (env AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(new Option('--no-prompt', 'fail instead of prompting (env AWSFED_NO_PROMPT=1)'))
    .addHelpText('after', LOGIN_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: globalDebug(cmd) });
      const { login, formatLoginSummary } = await import('./commands/login.js');
      const result = await login(
        {
          ...(opts as Record<string, string>),
          passwordStdin: Boolean(opts.passwordStdin),
          noPrompt: opts.prompt === false || isTruthy(deps.env.AWSFED_NO_PROMPT),
          debug: globalDebug(cmd),
        },
        deps,
      );
      deps.out(formatLoginSummary(result, deps.clock()));
      setResult(0);
    });

  program
    .command('configure')
    .description('store the IdP settings of a profile in ~/.aws/config')
    .option('-p, --profile <name>', 'profile to configure (default saml)')
    .option('--idp-url <url>', 'AD FS host name or full IdP-initiated sign-on URL')
    .option('-u, --username <name>', 'user name offered at login')
    .option('-r, --role <pattern>', 'preferred role: ARN, ACCOUNT/ROLE-NAME or glob')
    .option('-d, --duration <time>', 'session duration (900..43200 s, or 1h..12h)')
    .option('--region <region>', 'region for STS and the AWS CLI')
    .option('--output <format>', 'AWS CLI output format')
    .option('--ca-bundle <path>', 'PEM file of CAs to trust for the IdP')
    .option('--relying-party <name>', 'relying party for IdPs without loginToRp')
    .option('--password-command <cmd>', 'command that prints the password on stdout')
    .addOption(new Option('--no-prompt', 'fail instead of starting the wizard'))
    .addHelpText('after', CONFIGURE_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: globalDebug(cmd) });
      const { configure, formatConfigureSummary } = await import('./commands/configure.js');
      const result = await configure({ ...(opts as Record<string, string>), noPrompt: opts.prompt === false }, deps);
      deps.out(formatConfigureSummary(result));
      setResult(0);
    });

  program
    .command('demo')
    .description('run the whole login against built-in AD FS and STS emulators in a temporary directory')
    .addOption(new Option('--no-prompt', 'answer the prompts itself (for scripts and CI)'))
    .option('--keep', 'keep the emulators running until Ctrl-C so that you can try the AWS CLI')
    .addHelpText('after', DEMO_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: globalDebug(cmd) });
      const { demo } = await import('./commands/demo.js');
      await demo({ noPrompt: opts.prompt === false, keep: Boolean(opts.keep) }, deps);
      setResult(0);
    });

  return program;
}

/** Turns commander's own exits (help, version, bad flags) into results main.ts can act on. */
export function commanderOutcome(error: unknown): { exitCode: number } | UsageError | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return { exitCode: 0 };
  if (error.code === 'commander.help') return { exitCode: 0 };
  // commander has already printed its one-line message and the help pointer.
  return new UsageError('USAGE', error.message.replace(/^error: /, ''), { hint: 'Run with --help for usage.' });
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes)$/i.test(value.trim());
}
