/**
 * Real third-party peers (the AWS CLI v1, moto_server, Python 3, tmux; a D-Bus session bus with GNOME
 * Keyring for the keychain; bash, zsh and fish for the completion scripts). A test that needs one that
 * is missing fails with a message naming it; it never passes silently.
 */
import { execFileSync, spawnSync } from 'node:child_process';

const NAMES: Record<string, string> = {
  aws: 'the AWS CLI v1 (`aws`)',
  moto_server: 'moto_server (moto, the third-party AWS emulator)',
  python3: 'Python 3 (`python3`)',
  tmux: 'tmux',
  'dbus-daemon': 'dbus-daemon (Debian package dbus-daemon)',
  'gnome-keyring-daemon': 'gnome-keyring-daemon, a Secret Service (Debian package gnome-keyring)',
  'secret-tool': 'secret-tool (Debian package libsecret-tools)',
  bash: 'bash',
  zsh: 'zsh (Debian: `apt-get install zsh`)',
  fish: 'fish (Debian: `apt-get install fish`)',
};

export function requireTool(tool: keyof typeof NAMES | string): string {
  let path: string;
  try {
    path = execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`This test needs ${NAMES[tool] ?? tool}, which is not on PATH. Install it (see README, "Tests").`);
  }
  if (tool === 'aws') requireAwsCliWithStsEndpoint(path);
  return path;
}

/**
 * The tests point the AWS CLI at an emulator with AWS_ENDPOINT_URL_STS. An AWS CLI that predates that
 * variable ignores it and would send the call to the real STS, so an older one is refused here.
 */
const MIN_AWS_CLI_V1 = [1, 29, 0] as const;
const MIN_BOTOCORE = [1, 31, 0] as const;
const MIN_AWS_CLI_V2 = [2, 13, 0] as const;

function requireAwsCliWithStsEndpoint(path: string): void {
  // Old releases print the version on stderr, newer ones on stdout: read both.
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`This test needs ${NAMES.aws}; \`${path} --version\` failed: ${r.error?.message ?? `exit ${r.status}`}\n${r.stdout}${r.stderr}`);
  }
  const version = `${r.stdout}${r.stderr}`.trim();
  const cli = parseVersion(/\baws-cli\/(\d+(?:\.\d+)*)/.exec(version)?.[1]);
  const botocore = parseVersion(/\bbotocore\/(\d+(?:\.\d+)*)/.exec(version)?.[1]);
  const needs =
    `This test needs an AWS CLI that honours AWS_ENDPOINT_URL_STS (aws-cli v1 >= ${MIN_AWS_CLI_V1.join('.')} ` +
    `with botocore >= ${MIN_BOTOCORE.join('.')}, or aws-cli v2 >= ${MIN_AWS_CLI_V2.join('.')}); an older one would call the real STS.`;
  if (!cli) throw new Error(`${needs} Could not read the version from \`aws --version\`: ${JSON.stringify(version)}`);
  const supported =
    cli[0] === 1
      ? atLeast(cli, MIN_AWS_CLI_V1) && (botocore === undefined || atLeast(botocore, MIN_BOTOCORE))
      : cli[0] === 2
        ? atLeast(cli, MIN_AWS_CLI_V2)
        : cli[0]! > 2;
  if (!supported) throw new Error(`${needs} Found: ${version}`);
}

function parseVersion(text: string | undefined): number[] | undefined {
  return text === undefined ? undefined : text.split('.').map(Number);
}

function atLeast(version: number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    const v = version[i] ?? 0;
    if (v !== minimum[i]) return v > minimum[i]!;
  }
  return true;
}
