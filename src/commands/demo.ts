/**
 * awsfed demo: a whole working day against the built-in emulators (issue 7, section 7), in a temporary
 * directory that is removed at the end, on error and on Ctrl-C (unless --keep):
 *
 *   1. once: `awsfed configure` the gateway, `awsfed add` two destination accounts;
 *   2. the morning: `awsfed login --chain`, with the password and a Microsoft Authenticator push with
 *      number matching (the emulated phone approves it after a few seconds), then both destinations;
 *      GetCallerIdentity with each destination's keys; `awsfed list`;
 *   3. later: a second `awsfed login` that rides on the AD FS session and asks nothing.
 *
 * Each step runs the command's own function in this process, with every path and endpoint pointed into
 * the temporary directory: the user's ~/.aws and cache directory are never read or written.
 */
import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { readStoredCredentials } from '../credentials/credentials.js';
import type { Prompter } from '../ui/prompt.js';
import { formatExpiry } from '../ui/format.js';
import type { AdfsRequestRecord } from '../emulator/adfs.js';
import type { DemoEnvironment } from '../emulator/demo-environment.js';
import { DEMO_ACCOUNTS, DEMO_DESTINATIONS, DEMO_USER, startDemoDay } from '../emulator/demo-environment.js';
import { add } from './add.js';
import { configure } from './configure.js';
import { list, formatListTable } from './list.js';
import { login } from './login.js';
import type { LoginResult } from './login.js';
import { refresh, formatRefreshTable, refreshNotes } from './refresh.js';

export interface DemoOptions {
  noPrompt: boolean;
  keep: boolean;
}

/** The demo's world once it runs: its directory, the emulators and the environment its commands see. */
interface DemoRun {
  dir: string;
  environment: DemoEnvironment;
  env: Deps['env'];
  deps: Deps;
  /** How many prompts were shown so far (the second login must show none). */
  prompts(): number;
  answerItself: boolean;
}

export async function demo(options: DemoOptions, deps: Deps): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'awsfed-demo-'));
  // Ctrl-C outside a prompt (during the push wait, say) ends the process by the signal: the directory
  // goes first. At a prompt inquirer turns Ctrl-C into PROMPT_CANCELLED, and `finally` removes it.
  const stopWatching = options.keep ? () => undefined : removeOnSignal(dir);
  let environment: DemoEnvironment | undefined;
  try {
    // Like Authenticator's, a new two-digit number each time: the user learns to read it off the screen.
    environment = await startDemoDay(String(randomInt(10, 100)));
    await runDay(setUp(dir, environment, options, deps), options);
  } finally {
    await environment?.close();
    if (!options.keep) {
      await rm(dir, { recursive: true, force: true });
      stopWatching();
    }
  }
  deps.out(options.keep ? `\nEmulators stopped. The files stay in ${dir}; delete it when you are done.` : `\nDone. The demo removed ${dir}.`);
}

function setUp(dir: string, environment: DemoEnvironment, options: DemoOptions, deps: Deps): DemoRun {
  const answerItself = options.noPrompt || !deps.isInteractive;
  const awsDir = join(dir, '.aws');
  const env = {
    ...withoutAwsVariables(deps.env),
    HOME: dir,
    // The demo's IdP session goes into its temporary directory, never into the user's cache.
    XDG_CACHE_HOME: join(dir, '.cache'),
    LOCALAPPDATA: join(dir, 'AppData', 'Local'),
    AWS_CONFIG_FILE: join(awsDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'),
    AWS_ENDPOINT_URL_STS: environment.sts.url,
    // The demo stays on this machine: its assertion is never posted to the real AWS sign-in page.
    AWSFED_ACCOUNT_NAME_LOOKUP: 'false',
    ...(answerItself ? { AWSFED_PASSWORD: DEMO_USER.password } : {}),
  };
  let prompts = 0;
  const demoDeps: Deps = {
    ...deps,
    env,
    homeDir: dir,
    prompter: async (noPrompt) => counting(await deps.prompter(noPrompt), () => (prompts += 1)),
  };
  return { dir, environment, env, deps: demoDeps, prompts: () => prompts, answerItself };
}

async function runDay(run: DemoRun, options: DemoOptions): Promise<void> {
  const { environment, env, answerItself } = run;
  const deps = run.deps;
  const { heading, command } = narrator(deps);
  deps.err(
    [
      'awsfed demo: a working day against an emulated AD FS and an emulated AWS STS on 127.0.0.1',
      '(nothing leaves this machine).',
      `  AD FS  ${environment.adfs.entryUrl}`,
      `  STS    ${environment.sts.url}`,
      `  files  ${run.dir} (${options.keep ? 'kept: --keep' : 'removed at the end'}; your ~/.aws is not touched)`,
      '',
      `Sign in as ${DEMO_USER.username} with the password ${DEMO_USER.password}`,
      `${answerItself ? '' : '(the user name is stored, so Enter accepts it). '}You have ${DEMO_ACCOUNTS.roleCount} roles in ${DEMO_ACCOUNTS.accountCount} accounts.`,
      'AD FS then sends a Microsoft Authenticator push with a number to match; the emulated phone',
      'approves it by itself after a few seconds (on a real phone you would type that number).',
      answerItself ? 'No terminal or --no-prompt: the demo answers the prompts itself and picks the ReadOnly role.' : '',
    ].join('\n').trimEnd(),
  );

  heading('1. Once: the gateway profile and two destination accounts');
  command(`awsfed configure --idp-url ${environment.adfs.entryUrl} --username ${DEMO_USER.username}`);
  await configure({ idpUrl: environment.adfs.entryUrl, username: DEMO_USER.username, region: 'us-east-1' }, deps);
  for (const d of DEMO_DESTINATIONS) {
    command(`awsfed add ${d.name} --account ${d.account} --role ${d.role}`);
    const added = await add({ name: d.name, account: d.account, role: d.role }, deps);
    deps.out(`  ${added.action} profile ${d.name}: ${added.destination.roleArn}, assumed from ${added.chain.slice(1).join(' -> ')}`);
  }

  heading('2. The morning: password, Authenticator push, role, then both destinations');
  const firstFlags = answerItself ? ` --role '${DEMO_ACCOUNTS.defaultRolePattern}' --no-prompt` : '';
  command(`awsfed login --chain${firstFlags}${answerItself ? '      (password from AWSFED_PASSWORD)' : ''}`);
  const first = await login({ noPrompt: answerItself, ...(answerItself ? { role: DEMO_ACCOUNTS.defaultRolePattern } : {}) }, deps);
  deps.out(signedIn(first, deps.clock()));
  const chained = await refresh({ root: first.profile, rootCredentials: first.credentials, noPrompt: answerItself }, deps);
  for (const note of refreshNotes(chained)) deps.err(`note: ${note}`);
  deps.out(formatRefreshTable(chained, deps.clock()));
  if (chained.exitCode !== 0) throw new Error(`demo: the chain into the destination accounts failed (exit ${chained.exitCode})`);

  await showIdentities(run);

  command('awsfed list');
  deps.out(formatListTable(await list({ json: false }, deps)));

  heading('3. Later that day: a second sign-in inside the AD FS session');
  const roleFlag = `${first.role.accountId}/${first.role.roleName}`;
  command(`awsfed login --role ${roleFlag}`);
  const requestsBefore = environment.adfs.requests.length;
  const promptsBefore = run.prompts();
  const second = await login({ noPrompt: answerItself, role: roleFlag }, deps);
  deps.out(signedIn(second, deps.clock()));
  deps.out(silentSignInReport(environment.adfs.requests.slice(requestsBefore), run.prompts() - promptsBefore, env.XDG_CACHE_HOME!));

  if (options.keep) await keepRunning(run);
}

/**
 * What the emulated AD FS saw during the second login (its requests since the login began) and how many
 * prompts were shown, checked before the demo says "asked nothing": it must not claim what did not happen.
 */
export function silentSignInReport(requests: readonly AdfsRequestRecord[], prompts: number, cacheHome: string): string {
  const posts = requests.filter((r) => r.method === 'POST');
  const passwordPosts = posts.filter((r) => r.fieldNames.includes('Password')).length;
  // Every second-factor round posts the page's Context back.
  const mfaPosts = posts.filter((r) => r.fieldNames.includes('Context')).length;
  if (passwordPosts > 0 || mfaPosts > 0 || prompts > 0) {
    // A bug in awsfed's session reuse, not a user mistake: main.ts reports it as one.
    throw new Error(`demo: the second login was not silent (${prompts} prompts, ${passwordPosts} password posts, ${mfaPosts} MFA posts)`);
  }
  return [
    `Asked nothing: AD FS saw ${requests.length} request${requests.length === 1 ? '' : 's'}, no password and no second factor.`,
    `awsfed sent the AD FS session cookies it saved after the morning sign-in (under ${join(cacheHome, 'awsfed')}).`,
  ].join('\n');
}

/** GetCallerIdentity with the keys written for each destination: what `aws sts get-caller-identity --profile NAME` shows. */
async function showIdentities(run: DemoRun): Promise<void> {
  const { deps, env } = run;
  const credentials = await deps.files.read(env.AWS_SHARED_CREDENTIALS_FILE!);
  deps.out('\nGetCallerIdentity with each destination\'s keys (as `aws sts get-caller-identity --profile NAME`):');
  for (const d of DEMO_DESTINATIONS) {
    const keys = credentials && readStoredCredentials(credentials, d.name);
    if (!keys) throw new Error(`demo: no keys were written for ${d.name}`);
    const identity = await deps.sts.getCallerIdentity({ region: 'us-east-1', endpoint: run.environment.sts.url }, keys);
    deps.out(`  ${d.name.padEnd(5)} ${identity.arn}`);
  }
}

/** --keep: the emulators stay up until Ctrl-C, with the lines that point the AWS CLI and awsfed at them. */
async function keepRunning(run: DemoRun): Promise<void> {
  const { env, deps } = run;
  const { AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL_STS, XDG_CACHE_HOME } = env;
  const exports = Object.entries({ AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL_STS, XDG_CACHE_HOME }).map(([k, v]) => `${k}=${v}`);
  deps.out(
    [
      '',
      'The emulators keep running until Ctrl-C. In another terminal, point the AWS CLI and awsfed at them:',
      `  export ${exports.join(' \\\n         ')}`,
      `  aws sts get-caller-identity --profile ${DEMO_DESTINATIONS[1].name}`,
      '  awsfed list',
      '  awsfed login --chain          # inside the AD FS session: no password, no push',
      `(\`awsfed\` is \`node dist/bin.cjs\` in this clone; the password is ${DEMO_USER.password} once the session ends.)`,
    ].join('\n'),
  );
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
}

/** Prints the day's steps: a blank line and the title of each, its commands set apart by blank lines. */
function narrator(deps: Deps): { heading(title: string): void; command(line: string): void } {
  let firstInStep = false;
  return {
    heading(title) {
      deps.out(`\n== ${title}`);
      firstInStep = true;
    },
    command(line) {
      deps.out(`${firstInStep ? '' : '\n'}$ ${line}`);
      firstInStep = false;
    },
  };
}

function signedIn(result: LoginResult, now: Date): string {
  return `Signed in: profile ${result.profile} holds ${result.role.accountId}/${result.role.roleName} until ${formatExpiry(result.credentials.expiration, now)}.`;
}

/** The prompter of the demo's commands, counting what it shows (every method asks the user something). */
function counting(prompter: Prompter, onPrompt: () => void): Prompter {
  return {
    interactive: prompter.interactive,
    input: (...args) => (onPrompt(), prompter.input(...args)),
    password: (...args) => (onPrompt(), prompter.password(...args)),
    choose: (...args) => (onPrompt(), prompter.choose(...args)),
    confirm: (...args) => (onPrompt(), prompter.confirm(...args)),
  };
}

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Removes the demo directory when a signal ends the process, then raises the signal again with no
 * listener of ours left, so that the process still ends the way the signal says (a shell sees 130 for
 * Ctrl-C), as src/credentials/in-flight.ts does for its temp files. Returns the function that stops it.
 */
function removeOnSignal(dir: string): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(dir, { recursive: true, force: true });
    stop();
    process.kill(process.pid, signal);
  };
  const stop = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return stop;
}

/** The demo must not pick up the caller's AWS or awsfed settings (a real AWS_PROFILE, a real IdP). */
function withoutAwsVariables(env: Deps['env']): Deps['env'] {
  const out: Deps['env'] = {};
  for (const [k, v] of Object.entries(env)) if (!/^(AWS_|AWSFED_)/.test(k)) out[k] = v;
  return out;
}
