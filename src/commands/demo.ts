/**
 * awsfed demo: the whole morning login against the built-in emulators, in a temporary AWS directory.
 * The user's own ~/.aws is never read or written: every path and endpoint is overridden here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Deps } from '../deps.js';
import { configure } from './configure.js';
import { formatLoginSummary, login } from './login.js';
import { DEMO_ACCOUNTS, DEMO_USER, startDemoEnvironment } from '../emulator/demo-environment.js';

export interface DemoOptions {
  noPrompt: boolean;
  keep: boolean;
}

export async function demo(options: DemoOptions, deps: Deps): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'awsfed-demo-'));
  const awsDir = join(dir, '.aws');
  const environment = await startDemoEnvironment();
  try {
    const answerItself = options.noPrompt || !deps.isInteractive;
    const env = {
      ...withoutAwsVariables(deps.env),
      HOME: dir,
      // The demo's IdP session goes into its temporary directory, never into the user's cache.
      XDG_CACHE_HOME: join(dir, '.cache'),
      LOCALAPPDATA: join(dir, 'AppData', 'Local'),
      AWS_CONFIG_FILE: join(awsDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(awsDir, 'credentials'),
      AWS_ENDPOINT_URL_STS: environment.sts.url,
      ...(answerItself ? { AWSFED_PASSWORD: DEMO_USER.password } : {}),
    };
    const demoDeps: Deps = { ...deps, env, homeDir: dir };

    deps.err(
      [
        'awsfed demo: a local AD FS and a local STS are running on 127.0.0.1.',
        `  AD FS  ${environment.adfs.entryUrl}`,
        `  STS    ${environment.sts.url}`,
        `  files  ${awsDir} (a temporary directory; your ~/.aws is not touched)`,
        '',
        `Sign in as ${DEMO_USER.username} with the password ${DEMO_USER.password}`,
        `(the user name is stored, so Enter accepts it). You have ${DEMO_ACCOUNTS.roleCount} roles in ${DEMO_ACCOUNTS.accountCount} accounts.`,
        answerItself ? 'No terminal or --no-prompt: the demo answers the prompts itself and picks the ReadOnly role.' : '',
      ].join('\n'),
    );

    await configure({ idpUrl: environment.adfs.entryUrl, username: DEMO_USER.username, region: 'us-east-1' }, demoDeps);
    const result = await login({ noPrompt: answerItself, role: answerItself ? DEMO_ACCOUNTS.defaultRolePattern : undefined }, demoDeps);
    // The plain `aws ... --profile saml` would read the user's real ~/.aws: show the demo's own paths.
    const tryCommand = [
      `AWS_CONFIG_FILE=${env.AWS_CONFIG_FILE} AWS_SHARED_CREDENTIALS_FILE=${env.AWS_SHARED_CREDENTIALS_FILE} \\`,
      `       AWS_ENDPOINT_URL_STS=${environment.sts.url} aws sts get-caller-identity --profile saml`,
      options.keep ? '' : '     (while the emulators run: `awsfed demo --keep`)',
    ].join('\n').trimEnd();
    deps.out(formatLoginSummary(result, deps.clock(), tryCommand));

    const { getCallerIdentity } = await import('../sts/client.js');
    const identity = await getCallerIdentity({ region: 'us-east-1', endpoint: environment.sts.url }, result.credentials);
    deps.out(
      [
        '',
        'GetCallerIdentity with the new credentials:',
        `  account  ${identity.account}`,
        `  arn      ${identity.arn}`,
        '',
        'Files written:',
        `  ${result.paths.configFile}`,
        `  ${result.paths.credentialsFile}`,
      ].join('\n'),
    );
    deps.out(`\nThe files stay in ${dir} for you to look at; delete it when you are done.`);
    if (options.keep) {
      deps.out('The emulators keep running until Ctrl-C: try the command above in another terminal.');
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    }
  } finally {
    await environment.close();
  }
}

/** The demo must not pick up the caller's AWS or awsfed settings (a real AWS_PROFILE, a real IdP). */
function withoutAwsVariables(env: Deps['env']): Deps['env'] {
  const out: Deps['env'] = {};
  for (const [k, v] of Object.entries(env)) if (!/^(AWS_|AWSFED_)/.test(k)) out[k] = v;
  return out;
}
