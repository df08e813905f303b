/**
 * Declares the commands and their options. Each command's module is imported only when that command
 * runs, so `awsfed --help` loads neither axios nor the AWS SDK.
 */
import { Command, CommanderError, Option } from 'commander';
import type { Deps } from './deps.js';
import { ExitCode, UsageError } from './errors.js';

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
  $ printf '%s\\n%s\\n' "$PW" "$CODE" | awsfed login --password-stdin --mfa-code-stdin --no-prompt
                                                   # a script: the password, then the one-time code
  $ AWSFED_PASSWORD=... awsfed login --profile saml --no-prompt
  $ awsfed login --idp-url adfs.corp.example --username alice@corp.example
  $ kinit alice@CORP.EXAMPLE && awsfed login --auth kerberos   # Windows sign-in with the ticket, no password
  $ awsfed login --auth wia --username 'CORP\\alice'  # Kerberos if you hold a ticket, else NTLM
  $ awsfed login --chain                           # then refresh every destination chained from the gateway
  $ awsfed login --all-roles --account-aliases '111111111111=gateway 222222222222=prod'
                                                   # one profile per role: gateway-ADFS-Admins, prod-ADFS-Dev, ...
  $ awsfed login --all-roles --role '*ReadOnly'     # only the roles --role matches get a profile`;

const CONFIGURE_EXAMPLES = `
Examples:
  $ awsfed configure                               # a short wizard
  $ awsfed configure --idp-url adfs.corp.example --username alice@corp.example
  $ awsfed configure --profile saml-cn --region cn-north-1 --role '*Admin*'
  $ awsfed configure --password-command 'pass show corp/ad'
  $ awsfed configure --idp-url adfs.corp.example --auth wia  # Windows sign-in: a Kerberos ticket, else NTLM
  $ awsfed configure --credential-process prod     # [profile prod-process]: credential_process for prod
  $ awsfed configure --credential-process saml --as saml-helper`;

const REFRESH_EXAMPLES = `
Examples:
  $ awsfed refresh prod                            # prod and the profiles it chains through
  $ awsfed refresh --all                           # every destination; signs in to the gateway first if needed
  $ AWSFED_PASSWORD=... awsfed refresh --all --no-prompt --concurrency 16
  $ awsfed refresh --all --json
Exit status: 0 when every profile was refreshed, 5 when any failed (the others are still written),
7 when a gateway sign-in needed a prompt that could not be shown (--no-prompt or no terminal).`;

const LOGOUT_EXAMPLES = `
Examples:
  $ awsfed logout                                  # the next \`awsfed login\` asks for the password (and MFA) again
  $ awsfed logout --profile corp --credentials     # and remove corp's temporary keys
  $ awsfed logout --forget-password                # and the password kept by login --remember-password
  $ awsfed login --no-session                      # one sign-in that neither uses nor saves the session
The IdP session is saved per IdP host after each sign-in and reused for 8 hours at most.`;

const CREDENTIAL_PROCESS_EXAMPLES = `
Examples:
  $ awsfed configure --credential-process prod     # writes [profile prod-process] with credential_process
  $ aws s3 ls --profile prod-process
  $ awsfed credential-process --profile prod --min-ttl 30m
Prints {"Version":1,...} on stdout and nothing else. Never prompts: when a sign-in needs a person,
it exits 7 with one line naming the \`awsfed login\` to run.`;

const DEMO_EXAMPLES = `
Examples:
  $ awsfed demo                                    # interactive: type the shown password, watch the push, pick a role
  $ awsfed demo --no-prompt                        # the same, answering every prompt itself
  $ awsfed demo --keep                             # then keep the emulators and files until Ctrl-C`;

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
    .exitOverride()
    // Our own help command: commander's answers `help nosuch` with the top-level help and no word
    // about the unknown name.
    .helpCommand(false);

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
    .option('--password-command-timeout <seconds>', 'stop the password or MFA command after this long (env AWSFED_PASSWORD_COMMAND_TIMEOUT; default 60)')
    .option('--sts-endpoint <url>', 'STS endpoint (env AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL)')
    .option('--proxy <url>', 'HTTP proxy for every request (env AWSFED_PROXY; default HTTPS_PROXY/HTTP_PROXY minus NO_PROXY)')
    .option('--timeout <time>', 'limit for the whole sign-in with the IdP: seconds, or 90s/2m (env AWSFED_TIMEOUT; default 2m)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--remember-password', 'keep the password in the OS keychain once the IdP accepts it (env AWSFED_REMEMBER_PASSWORD)')
    .option('--mfa-code <code>', 'one-time code for the second factor, tried once (env AWSFED_MFA_CODE)')
    .option('--mfa-code-stdin', 'read the MFA code from standard input (the second line with --password-stdin)')
    .option('--mfa-command <cmd>', 'command that prints the MFA code (env AWSFED_MFA_COMMAND)')
    .option('--mfa-method <name>', 'second factor to pick when the IdP offers several (env AWSFED_MFA_METHOD)')
    .option('--auth <method>', 'forms (default); wia: Windows integrated sign-in at AD FS, Kerberos with a ticket (kinit) else NTLM; kerberos or ntlm: only that one (env AWSFED_AUTH)')
    .option('--mfa-timeout <time>', 'how long to wait for a push or call to be approved (env AWSFED_MFA_TIMEOUT; default 2m)')
    .option('--all-roles', 'write one profile per role in the assertion (or per role --role matches), named by --profile-template')
    .option('--profile-template <template>', 'profile names for --all-roles: {alias} {account} {role} {partition} (default {alias}-{role})')
    .option('--account-aliases <list>', 'account aliases for {alias}: "111111111111=gateway 222222222222=prod"')
    .option('--chain', 'then refresh every destination profile whose chain starts at this profile (see awsfed refresh)')
    .addOption(new Option('--no-prompt', 'fail instead of prompting (env AWSFED_NO_PROMPT=1)'))
    .addOption(new Option('--no-session', 'neither use nor save the IdP session cache in this run'))
    .addOption(new Option('--no-aliases', 'do not look account names up on the AWS sign-in page (awsfed_account_aliases still applies)'))
    .option('--signin-endpoint <url>', 'AWS sign-in endpoint base for account names (env AWSFED_SIGNIN_ENDPOINT; default: the assertion\'s Destination)')
    .addHelpText('after', LOGIN_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const loginOptions = {
        ...(opts as Record<string, string>),
        passwordStdin: Boolean(opts.passwordStdin),
        rememberPassword: opts.rememberPassword ? 'true' : undefined,
        mfaCodeStdin: Boolean(opts.mfaCodeStdin),
        noPrompt: noPromptOf(opts, deps.env),
        debug: debugOf(cmd),
        noSession: opts.session === false,
        ...(opts.aliases === false ? { accountNameLookup: 'false' } : {}),
      };
      if (opts.allRoles) {
        const { loginAllRoles, formatAllRolesSummary, allRolesExitCode } = await import('./commands/login-all-roles.js');
        const result = await loginAllRoles({ ...loginOptions, chain: Boolean(opts.chain) }, deps);
        deps.out(formatAllRolesSummary(result, deps.clock()));
        setResult(allRolesExitCode(result));
        return;
      }
      const { login, formatLoginSummary } = await import('./commands/login.js');
      const result = await login(loginOptions, deps);
      deps.out(formatLoginSummary(result, deps.clock()));
      if (!opts.chain) return setResult(0);
      const { refresh, formatRefreshTable, refreshNotes } = await import('./commands/refresh.js');
      const flags = { stsEndpoint: opts.stsEndpoint, region: opts.region, caBundle: opts.caBundle, proxy: opts.proxy } as Record<string, string | undefined>;
      const chained = await refresh(
        { root: result.profile, rootCredentials: result.credentials, flags, noPrompt: loginOptions.noPrompt, noSession: loginOptions.noSession, ...(opts.duration ? { duration: String(opts.duration) } : {}) },
        deps,
      );
      for (const note of refreshNotes(chained)) deps.err(`note: ${note}`);
      deps.out(`\n${formatRefreshTable(chained, deps.clock())}`);
      setResult(chained.exitCode);
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
    .option('--timeout <time>', 'limit for the whole sign-in with the IdP (seconds, or 90s/2m)')
    .option('--mfa-method <name>', 'second factor to pick when the IdP offers several')
    .option('--mfa-timeout <time>', 'how long to wait for a push or call to be approved (default 2m)')
    .option('--mfa-command <cmd>', 'command that prints the MFA code on stdout')
    .option('--auth <method>', 'sign-in method: forms (default), wia, kerberos or ntlm (see login --help)')
    .option('--credential-process <profile>', "write a profile whose credential_process runs `awsfed credential-process --profile PROFILE`")
    .option('--as <name>', 'with --credential-process: the profile to write (default PROFILE-process)')
    .option('--force', 'with --credential-process: replace a profile that holds keys, a role_arn or an IdP URL')
    .addOption(new Option('--no-prompt', 'fail instead of starting the wizard'))
    .addHelpText('after', CONFIGURE_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      if (typeof opts.credentialProcess === 'string') {
        const { configureCredentialProcess, formatConfigureProcessSummary } = await import('./commands/configure-process.js');
        const result = await configureCredentialProcess(
          { source: opts.credentialProcess, ...(typeof opts.as === 'string' ? { as: opts.as } : {}), force: Boolean(opts.force) },
          deps,
        );
        deps.out(formatConfigureProcessSummary(result));
        return setResult(0);
      }
      const { configure, formatConfigureSummary } = await import('./commands/configure.js');
      const result = await configure({ ...(opts as Record<string, string>), noPrompt: noPromptOf(opts, deps.env) }, deps);
      deps.out(formatConfigureSummary(result));
      setResult(0);
    });

  program
    .command('credential-process')
    .description("print a profile's credentials as credential_process JSON: cached while valid, else signed in again without prompting")
    .option('-p, --profile <name>', 'gateway or destination profile whose keys to serve (default: AWSFED_PROFILE)')
    .option('--min-ttl <time>', 'serve cached keys only while more than this remains: seconds, or 30m/1h (default 15m)')
    .addHelpText('after', CREDENTIAL_PROCESS_EXAMPLES)
    .action(async (opts: Record<string, string | undefined>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const [{ parseMinTtl }, { credentialProcess }] = await Promise.all([import('./commands/credential-process-cache.js'), import('./commands/credential-process.js')]);
      // Not AWS_PROFILE: a tool that runs the helper of profile X-process may well have AWS_PROFILE=X-process.
      const profile = opts.profile ?? deps.env.AWSFED_PROFILE;
      if (!profile) {
        throw new UsageError('CREDENTIAL_PROCESS_PROFILE_MISSING', 'credential-process needs the profile whose keys it serves.', {
          hint: 'Add `--profile P` (or set AWSFED_PROFILE); `awsfed configure --credential-process P` writes the whole line.',
        });
      }
      deps.out(await credentialProcess({ profile, minTtlSeconds: parseMinTtl(opts.minTtl) }, deps));
      setResult(0);
    });

  program
    .command('demo')
    .description('run a working day (MFA sign-in, two destination accounts, a second login) against built-in emulators in a temporary directory')
    .addOption(new Option('--no-prompt', 'answer the prompts itself (for scripts and CI)'))
    .option('--keep', 'keep the emulators running and the files until Ctrl-C so that you can try the AWS CLI')
    .addHelpText('after', DEMO_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { demo } = await import('./commands/demo.js');
      await demo({ noPrompt: noPromptOf(opts, deps.env), keep: Boolean(opts.keep) }, deps);
      setResult(0);
    });

  program
    .command('refresh')
    .description('assume the roles of destination profiles along their chains and write each one\'s keys')
    .argument('[names...]', 'destination profiles to refresh (with the profiles they chain through)')
    .option('-a, --all', 'refresh every destination profile in ~/.aws/config')
    .option('-c, --concurrency <n>', 'AssumeRole calls in flight at once (default 8)')
    .option('-d, --duration <time>', 'session length for destinations without duration_seconds; at most 1h (role chaining)')
    .option('--json', 'print the results as JSON')
    .addOption(new Option('--no-prompt', 'fail instead of prompting when a gateway login is needed (env AWSFED_NO_PROMPT=1)'))
    .addOption(new Option('--no-session', 'neither use nor save the IdP session cache in this run'))
    .addHelpText('after', REFRESH_EXAMPLES)
    .action(async (names: string[], opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { refresh, formatRefreshTable, refreshJson, refreshNotes } = await import('./commands/refresh.js');
      const result = await refresh(
        {
          names,
          all: Boolean(opts.all),
          ...(opts.concurrency !== undefined ? { concurrency: String(opts.concurrency) } : {}),
          ...(opts.duration !== undefined ? { duration: String(opts.duration) } : {}),
          noPrompt: noPromptOf(opts, deps.env),
          noSession: opts.session === false,
        },
        deps,
      );
      for (const note of refreshNotes(result)) deps.err(`note: ${note}`);
      deps.out(opts.json ? refreshJson(result) : formatRefreshTable(result, deps.clock()));
      setResult(result.exitCode);
    });

  program
    .command('logout')
    .description('forget the saved IdP session of a profile, so that the next sign-in asks again')
    .option('-p, --profile <name>', 'the gateway profile whose IdP session to forget (env AWSFED_PROFILE; default saml)')
    .option('--idp-url <url>', 'the IdP, when the profile has none (env AWSFED_IDP_URL)')
    .option('--credentials', 'also remove the temporary keys awsfed wrote for the profile')
    .option('--forget-password', 'also remove the password --remember-password kept in the OS keychain')
    .option('-u, --username <name>', 'the user whose remembered password to forget (env AWSFED_USERNAME; default the profile\'s)')
    .addHelpText('after', LOGOUT_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { logout, formatLogoutSummary } = await import('./commands/logout.js');
      const result = await logout(
        {
          ...(typeof opts.profile === 'string' ? { profile: opts.profile } : {}),
          ...(typeof opts.idpUrl === 'string' ? { idpUrl: opts.idpUrl } : {}),
          credentials: Boolean(opts.credentials),
          forgetPassword: Boolean(opts.forgetPassword),
          ...(typeof opts.username === 'string' ? { username: opts.username } : {}),
        },
        deps,
      );
      deps.out(formatLogoutSummary(result));
      setResult(0);
    });

  addConsoleCommands(program, ctx, setResult);
  addShellCommands(program, ctx, setResult);
  addCatalogCommands(program, ctx, setResult);
  addCompletionCommands(program, ctx, setResult);

  program
    .command('help')
    .description('display help for command')
    .argument('[command...]', 'the command, e.g. login or policy trust')
    .action((names: string[]) => {
      let target: Command = program;
      for (const name of names) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) target.error(`error: unknown command '${names.join(' ')}'`, { code: 'commander.unknownCommand', exitCode: ExitCode.usage });
        target = next!;
      }
      target.help();
    });

  return program;
}

/**
 * Turns commander's own exits (help, version, bad flags) into an exit code; commander has already
 * printed its message and the help pointer.
 */
export function commanderOutcome(error: unknown): { exitCode: number } | undefined {
  if (!(error instanceof CommanderError)) return undefined;
  // Help asked for (--help, `awsfed help`) is a success; help shown because no command was given
  // (bare `awsfed`, `awsfed policy`) comes with exit code 1 from commander and is a usage error, 2,
  // as the AWS CLI does.
  const askedForHelp = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || (error.code === 'commander.help' && error.exitCode === 0);
  return { exitCode: askedForHelp || error.exitCode === 0 ? 0 : ExitCode.usage };
}

function debugOf(cmd: Command): boolean {
  return Boolean(cmd.optsWithGlobals().debug);
}

/** --no-prompt, or AWSFED_NO_PROMPT=1|true|yes: the same rule for every command. */
function noPromptOf(opts: Record<string, unknown>, env: Record<string, string | undefined>): boolean {
  return opts.prompt === false || /^(1|true|yes)$/i.test(env.AWSFED_NO_PROMPT?.trim() ?? '');
}

const CONSOLE_EXAMPLES = `
Examples:
  $ awsfed console                                 # the gateway profile (saml) in your browser
  $ awsfed console prod --destination s3           # a destination, opened on the S3 console
  $ awsfed console prod --print                    # print the sign-in URL (valid 15 minutes) instead
  $ awsfed console --duration 8h                   # console session length (not for chained roles)
  $ awsfed console --switch-links                  # Switch Role links for every destination`;

const EXPORT_EXAMPLES = `
Examples:
  $ awsfed export aesr                             # paste into the aws-extend-switch-roles extension
  $ awsfed export aesr > aesr.ini`;

const POLICY_EXAMPLES = `
Examples:
  $ awsfed policy trust --source-account 111111111111 > trust.json
  $ awsfed policy trust --source-account 111111111111 --require-mfa --external-id corp-42
  $ aws iam create-role --role-name Admins --assume-role-policy-document file://trust.json
  $ awsfed policy assume --account 222222222222 --role Admins --role ReadOnly
  $ awsfed policy assume --all                     # every destination in ~/.aws/config`;

/** console, export and policy (issue 3, part 5 and 6). */
function addConsoleCommands(program: Command, ctx: CliContext, setResult: (code: number) => void): void {
  const collect = (value: string, previous: string[]): string[] => [...previous, value];

  program
    .command('console [name]')
    .description('open the AWS console as a profile (federation sign-in), or print Switch Role links')
    .option('--print', 'print the sign-in URL on stdout instead of opening a browser')
    .option('--switch-links', 'print console Switch Role links for the destinations (no sign-in)')
    .option('-d, --duration <time>', 'console session length, 900..43200 s or 15m..12h (gateway credentials only)')
    .option('--destination <service|url>', 'console page to open: a service name (s3, ec2) or an https console URL')
    .option('--signin-endpoint <url>', 'federation endpoint base (env AWSFED_SIGNIN_ENDPOINT; default per partition)')
    .addOption(new Option('--no-prompt', 'fail instead of prompting when the gateway must sign in again'))
    .addHelpText('after', CONSOLE_EXAMPLES)
    .action(async (name: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { consoleCommand, formatConsoleResult } = await import('./commands/console.js');
      const result = await consoleCommand(
        {
          ...(name !== undefined ? { name } : {}),
          print: Boolean(opts.print),
          switchLinks: Boolean(opts.switchLinks),
          ...(typeof opts.duration === 'string' ? { duration: opts.duration } : {}),
          ...(typeof opts.destination === 'string' ? { destination: opts.destination } : {}),
          ...(typeof opts.signinEndpoint === 'string' ? { signinEndpoint: opts.signinEndpoint } : {}),
          noPrompt: noPromptOf(opts, deps.env),
          platform: process.platform,
        },
        deps,
      );
      const { stdout, stderr } = formatConsoleResult(result);
      if (stderr) deps.err(stderr);
      if (stdout) deps.out(stdout);
      setResult(0);
    });

  program
    .command('export')
    .description('print configuration for other tools from the destination catalog')
    .argument('<format>', 'aesr (the aws-extend-switch-roles browser extension)')
    .addHelpText('after', EXPORT_EXAMPLES)
    .action(async (format: string, _opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { exportConfig } = await import('./commands/export.js');
      deps.out(await exportConfig({ format }, deps));
      setResult(0);
    });

  const policy = program
    .command('policy')
    .description('print IAM policy documents for role switching (JSON on stdout)')
    .addHelpText('after', POLICY_EXAMPLES);

  const printPolicy = async (deps: Deps, result: { document: unknown; notes: string[] }): Promise<void> => {
    const { formatPolicy } = await import('./policy/trust-policy.js');
    for (const note of result.notes) deps.err(`note: ${note}`);
    deps.out(formatPolicy(result.document));
  };

  policy
    .command('trust')
    .description("a destination role's trust policy: lets the gateway account assume it")
    .option('--source-account <id>', 'the gateway account (12 digits)')
    .option('--require-mfa', 'add Condition Bool aws:MultiFactorAuthPresent = true')
    .option('--external-id <id>', 'add Condition StringEquals sts:ExternalId')
    .option('--partition <name>', 'aws (default), aws-cn or aws-us-gov')
    .addHelpText('after', POLICY_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { policyTrust } = await import('./commands/policy.js');
      await printPolicy(deps, await policyTrust(opts as Record<string, string | undefined> & { requireMfa?: boolean }, deps));
      setResult(0);
    });

  policy
    .command('assume')
    .description("the gateway role's policy allowing sts:AssumeRole on destination roles, one statement per account")
    .option('--account <id>', 'destination account (12 digits)')
    .option('--role <name>', 'destination role name, with path if any, or a role ARN (repeatable)', collect, [])
    .option('--all', 'every destination in ~/.aws/config assumed from a gateway')
    .option('--partition <name>', 'aws (default), aws-cn or aws-us-gov')
    .addHelpText('after', POLICY_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { policyAssume } = await import('./commands/policy.js');
      await printPolicy(
        deps,
        await policyAssume(
          {
            ...(typeof opts.account === 'string' ? { account: opts.account } : {}),
            role: (opts.role as string[] | undefined) ?? [],
            all: Boolean(opts.all),
            ...(typeof opts.partition === 'string' ? { partition: opts.partition } : {}),
          },
          deps,
        ),
      );
      setResult(0);
    });
}

const SWITCH_EXAMPLES = `
Examples:
  $ eval "$(awsfed switch prod)"                   # bash/zsh: this shell now uses prod's credentials
  $ awsfed switch prod | source                    # fish
  $ awsfed switch prod | Out-String | Invoke-Expression   # PowerShell
  $ eval "$(AWSFED_PASSWORD=... awsfed switch prod --no-prompt)"
  $ eval "$(awsfed switch shared)"                 # switch again: replaces prod in this shell
  $ eval "$(awsfed switch --unset)"                # clear every variable switch set
  $ eval "$(awsfed switch dev --nest)"             # from inside a command started by awsfed exec
Prints unset lines for AWS_PROFILE and other conflicting variables, the keys (the same lines as
\`aws configure export-credentials --format env\`), AWS_REGION, AWS_DEFAULT_REGION and AWSFED_ACTIVE_PROFILE.
Signs in to the gateway first when its credentials are missing or expired. --unset clears the keys,
both region variables and AWSFED_ACTIVE_PROFILE (the variables unset on the way in are not restored).`;

const EXEC_EXAMPLES = `
Examples:
  $ awsfed exec prod -- aws sts get-caller-identity
  $ awsfed exec prod -- terraform plan -out plan.bin
  $ awsfed exec prod -- sh -c 'aws s3 ls && aws ec2 describe-vpcs'
Put -- before the command: options after it belong to the command. The command runs without a shell,
with the credentials, both region variables, AWSFED_ACTIVE_PROFILE and AWSFED_EXEC_PROFILE in its
environment, and without AWS_PROFILE & co. Inside it, awsfed switch and awsfed exec need --nest. Exit status: the command's (128+n when a signal ended it, 127 when it is not found).`;

/** switch and exec (issue 3, part 3). */
function addShellCommands(program: Command, ctx: CliContext, setResult: (code: number) => void): void {

  program
    .command('switch')
    .description('print shell statements that put a profile\'s credentials into the current shell (for eval)')
    .argument('[name]', 'profile to switch to (replaces the one this shell had)')
    .option('-f, --format <format>', 'env, env-no-export, fish or powershell (default: from $SHELL)')
    .option('--unset', 'print statements that clear every variable switch sets')
    .option('--nest', 'allow running inside a command started by awsfed exec (AWSFED_EXEC_PROFILE set)')
    .addOption(new Option('--no-prompt', 'fail instead of prompting when a gateway login is needed (env AWSFED_NO_PROMPT=1)'))
    .addOption(new Option('--no-session', 'neither use nor save the IdP session cache in this run'))
    .addHelpText('after', SWITCH_EXAMPLES)
    .action(async (name: string | undefined, opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { switchProfile, switchUnset, checkSwitchArguments } = await import('./commands/switch.js');
      checkSwitchArguments(name, Boolean(opts.unset));
      if (opts.unset || name === undefined) {
        const format = opts.format === undefined ? undefined : String(opts.format);
        deps.out(switchUnset({ format, stdoutIsTerminal: Boolean(process.stdout.isTTY) }, deps).text);
        return setResult(0);
      }
      const result = await switchProfile(
        {
          profile: name,
          format: opts.format === undefined ? undefined : String(opts.format),
          noPrompt: noPromptOf(opts, deps.env),
          nest: Boolean(opts.nest),
          noSession: opts.session === false,
          stdoutIsTerminal: Boolean(process.stdout.isTTY),
        },
        deps,
      );
      deps.out(result.text);
      setResult(0);
    });

  program
    .command('exec')
    .description('run a command with a profile\'s credentials in its environment')
    .argument('<name>', 'profile whose credentials the command gets')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('--nest', 'allow running inside another awsfed environment (AWSFED_ACTIVE_PROFILE or AWSFED_EXEC_PROFILE set)')
    .addOption(new Option('--no-prompt', 'fail instead of prompting when a gateway login is needed (env AWSFED_NO_PROMPT=1)'))
    .addOption(new Option('--no-session', 'neither use nor save the IdP session cache in this run'))
    // An unknown option here is nearly always the command's own, typed without -- before the command.
    .showHelpAfterError('  hint: put -- before the command, whose options are then its own: awsfed exec NAME -- COMMAND [ARGS...]')
    .addHelpText('after', EXEC_EXAMPLES)
    .action(async (name: string, command: string[], opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { execInProfile } = await import('./commands/exec.js');
      const result = await execInProfile(
        { profile: name, command, noPrompt: noPromptOf(opts, deps.env), nest: Boolean(opts.nest), noSession: opts.session === false },
        deps,
      );
      setResult(result.exitCode);
    });
}

const ADD_EXAMPLES = `
Examples:
  $ awsfed add prod --account 222222222222 --role Admins --region eu-west-1 --color red
  $ awsfed add shared --account 111111111111 --role team/Hub --display-name 'Shared hub'
  $ awsfed add audit --account 333333333333 --role Auditor --source shared    # two hops: saml -> shared -> audit
  $ awsfed add prod --role ReadOnly                 # update: options not given keep their value
  $ awsfed add prod --color ''                      # '' clears an optional setting
  $ aws sts get-caller-identity --profile prod
Writes [profile NAME] in ~/.aws/config with role_arn, source_profile (default: the gateway profile
saml, or AWSFED_PROFILE), role_session_name (from the gateway's sign-in), region (default: the
source's) and the console display keys. A gateway or another existing non-destination profile is
never overwritten.`;

const REMOVE_EXAMPLES = `
Examples:
  $ awsfed remove prod
  $ awsfed remove shared --force                    # even though other destinations chain through it
Removes [profile NAME] from ~/.aws/config and the keys awsfed cached for it in ~/.aws/credentials.`;

const LIST_EXAMPLES = `
Examples:
  $ awsfed list
  $ awsfed list --json | jq -r '.[] | select(.credentials != "valid") | .profile'
Shows destinations and the gateways they chain from, with the state of their cached credentials.`;

/** add, remove, list: the destination catalog (issue 3, part 1). */
function addCatalogCommands(program: Command, ctx: CliContext, setResult: (code: number) => void): void {

  program
    .command('add')
    .description('add or update a destination profile that assumes a role from the gateway (or another destination)')
    .argument('<name>', 'destination profile name')
    .option('--account <id>', '12-digit account ID of the role')
    .option('--role <name>', 'role name (with its path, e.g. team/Admins) or role ARN')
    .option('--region <region>', "the profile's region (default: the source's)")
    .option('--source <profile>', 'profile whose credentials assume the role (default saml)')
    .option('--display-name <text>', 'name for console switch-role links')
    .option('--color <color>', 'console colour: red, orange, yellow, green or blue')
    .option('--external-id <id>', 'sts:ExternalId the role trust policy requires')
    .option('--mfa-serial <arn>', 'MFA device the role trust policy requires')
    .option('--duration <time>', 'session duration (seconds or 1h; 900..43200; role chaining allows 1h)')
    .option('--partition <partition>', 'aws, aws-cn or aws-us-gov (default aws, or from the region)')
    .addHelpText('after', ADD_EXAMPLES)
    .action(async (name: string, opts: Record<string, string | undefined>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { add, formatAddSummary } = await import('./commands/add.js');
      const result = await add({ ...opts, name }, deps);
      deps.out(formatAddSummary(result));
      setResult(0);
    });

  program
    .command('remove')
    .description('remove a destination profile and its cached credentials')
    .argument('<name>', 'destination profile name')
    .option('-f, --force', 'remove it even when other destinations use it as their source')
    .addHelpText('after', REMOVE_EXAMPLES)
    .action(async (name: string, opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { remove, formatRemoveSummary } = await import('./commands/remove.js');
      deps.out(formatRemoveSummary(await remove({ name, force: Boolean(opts.force) }, deps)));
      setResult(0);
    });

  program
    .command('list')
    .description('list destination and gateway profiles with the state of their credentials')
    .option('--json', 'print a JSON array (no keys, no secrets)')
    .addHelpText('after', LIST_EXAMPLES)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { list, formatListJson, formatListTable } = await import('./commands/list.js');
      const result = await list({ json: Boolean(opts.json) }, deps);
      deps.out(opts.json ? formatListJson(result) : formatListTable(result));
      setResult(0);
    });

  // issue 9, item 4: exit 0 unless a finding is an error; the findings go to stdout either way.
  program
    .command('doctor')
    .description('check the AWS files, permissions, clock, IdP, TLS, proxy and STS, and say how to fix each problem')
    .option('--profile <name>', 'the awsfed profile whose IdP, region and STS endpoint to check')
    .option('--json', 'print the findings as JSON: {version, profile, ok, findings: [{id, severity, title, detail, fix}]}')
    .option('--offline', 'skip the network checks')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const [{ doctor, doctorFailure }, { nodeDoctorSystem }, { formatDoctorJson, formatDoctorText }] = await Promise.all([
        import('./commands/doctor.js'),
        import('./doctor/system.js'),
        import('./doctor/finding.js'),
      ]);
      const report = await doctor({ profile: opts.profile as string | undefined, offline: Boolean(opts.offline) }, deps, nodeDoctorSystem());
      deps.out(opts.json ? formatDoctorJson(report) : formatDoctorText(report));
      const failure = doctorFailure(report);
      if (failure) throw failure;
      setResult(0);
    });
}

const COMPLETION_EXAMPLES = `
Install:
  bash  add to ~/.bashrc:  eval "$(awsfed completion bash)"
  zsh   awsfed completion zsh > "\${fpath[1]}/_awsfed"     # or in ~/.zshrc after compinit: source <(awsfed completion zsh)
  fish  awsfed completion fish > ~/.config/fish/completions/awsfed.fish
Completes commands, flags, fixed values and profile names (read from the config and credentials files when TAB is pressed).`;

/** completion SHELL, and the hidden call its scripts make for profile names (issue 8, item 4). */
function addCompletionCommands(program: Command, ctx: CliContext, setResult: (code: number) => void): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', COMPLETION_EXAMPLES)
    .action(async (shell: string, _opts: Record<string, unknown>, cmd: Command) => {
      const deps = ctx.deps({ debug: debugOf(cmd) });
      const { completionScript } = await import('./commands/completion.js');
      deps.out(completionScript(shell, program));
      setResult(0);
    });

  // Run on every TAB: it must stay quiet whatever it is given (no usage errors on stderr).
  program
    .command('__complete', { hidden: true })
    .argument('[kind]')
    .allowExcessArguments()
    .allowUnknownOption()
    .action(async (kind: string | undefined) => {
      const deps = ctx.deps({ debug: false });
      const { completeProfiles } = await import('./commands/complete-profiles.js');
      const names = await completeProfiles(kind ?? '', deps);
      if (names.length) deps.out(names.join('\n'));
      setResult(0);
    });
}
