import { execFileSync, type ExecFileSyncOptionsWithStringEncoding } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import {
  ACTIVE_PROFILE_VARIABLE,
  CONFLICTING_VARIABLES,
  EXEC_PROFILE_VARIABLE,
  SWITCH_VARIABLES,
  childEnvironment,
  detectShellFormat,
  evalHint,
  exportedVariables,
  formatCredentialExpiration,
  parseShellFormat,
  quoteFish,
  quotePowerShell,
  quoteSh,
  renderExports,
  renderUnsetAll,
  type ExportInput,
} from './exports.js';

const plain: ExportInput = {
  profile: 'prod',
  region: 'eu-west-1',
  credentials: {
    accessKeyId: 'ASIAEXAMPLE000000001',
    secretAccessKey: 'wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+token==',
    expiration: new Date('2026-11-27T21:20:13.000Z'),
  },
};

/** Values every shell treats specially somewhere. */
const NASTY = [
  `it's`,
  'two words',
  '$HOME',
  '${HOME}',
  '$(echo pwned)',
  '`echo pwned`',
  '"double"',
  'back\\slash',
  'semi;colon & amp | pipe',
  'glob * ? [a]',
  '~tilde',
  '{a,b}',
  'bang!',
  '=starts-with-equals',
  '-leading-dash',
  'tab\there',
  'new\nline',
  "''",
  '\\\'',
  'ünïcödé ✓',
  '',
];

function nastyInput(value: string): ExportInput {
  return {
    profile: `p ${value}`,
    region: `r${value}`,
    credentials: { ...plain.credentials, secretAccessKey: value, sessionToken: `tok${value}` },
  };
}

describe('renderExports env (AWS CLI v2 export-credentials --format env shape)', () => {
  it('prints unset lines, the four CLI lines unquoted and in CLI order, both regions and the marker', () => {
    expect(renderExports(plain, 'env')).toBe(
      [
        'unset AWS_PROFILE',
        'unset AWS_DEFAULT_PROFILE',
        'unset AWS_SECURITY_TOKEN',
        'unset AWS_ROLE_ARN',
        'unset AWS_WEB_IDENTITY_TOKEN_FILE',
        'unset AWS_ROLE_SESSION_NAME',
        'export AWS_ACCESS_KEY_ID=ASIAEXAMPLE000000001',
        'export AWS_SECRET_ACCESS_KEY=wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLEKEY',
        'export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+token==',
        'export AWS_CREDENTIAL_EXPIRATION=2026-11-27T21:20:13+00:00',
        'export AWS_REGION=eu-west-1',
        'export AWS_DEFAULT_REGION=eu-west-1',
        'export AWSFED_ACTIVE_PROFILE=prod',
        '',
      ].join('\n'),
    );
  });

  it('leaves the region variables alone when the profile has no region', () => {
    const text = renderExports({ ...plain, region: undefined }, 'env');
    expect(text).not.toContain('REGION');
    expect(text).toContain('export AWSFED_ACTIVE_PROFILE=prod\n');
  });

  it('env-no-export drops `export` only', () => {
    const text = renderExports(plain, 'env-no-export');
    expect(text).toContain('unset AWS_PROFILE\n');
    expect(text).toContain('\nAWS_ACCESS_KEY_ID=ASIAEXAMPLE000000001\n');
    expect(text).toContain('\nAWS_CREDENTIAL_EXPIRATION=2026-11-27T21:20:13+00:00\n');
    expect(text).toContain('\nAWS_DEFAULT_REGION=eu-west-1\n');
    expect(text).not.toContain('export');
  });
});

describe('renderExports fish and powershell', () => {
  it('fish: set -e / set -gx with semicolons', () => {
    const lines = renderExports(plain, 'fish').trimEnd().split('\n');
    expect(lines.slice(0, CONFLICTING_VARIABLES.length)).toEqual(CONFLICTING_VARIABLES.map((v) => `set -e ${v};`));
    expect(lines).toContain('set -gx AWS_ACCESS_KEY_ID ASIAEXAMPLE000000001;');
    expect(lines).toContain('set -gx AWS_CREDENTIAL_EXPIRATION 2026-11-27T21:20:13+00:00;');
    expect(lines).toContain('set -gx AWS_REGION eu-west-1;');
    expect(lines).toContain('set -gx AWS_DEFAULT_REGION eu-west-1;');
    expect(lines.at(-1)).toBe('set -gx AWSFED_ACTIVE_PROFILE prod;');
  });

  it('powershell: $Env:VAR="value" like the AWS CLI, Remove-Item for the conflicting variables', () => {
    const lines = renderExports(plain, 'powershell').trimEnd().split('\n');
    expect(lines.slice(0, CONFLICTING_VARIABLES.length)).toEqual(
      CONFLICTING_VARIABLES.map((v) => `Remove-Item Env:${v} -ErrorAction SilentlyContinue`),
    );
    expect(lines).toContain('$Env:AWS_ACCESS_KEY_ID="ASIAEXAMPLE000000001"');
    expect(lines).toContain('$Env:AWS_SECRET_ACCESS_KEY="wJalr/XUtnFEMI+K7MDENG/bPxRfiCYEXAMPLEKEY"');
    expect(lines).toContain('$Env:AWS_CREDENTIAL_EXPIRATION="2026-11-27T21:20:13+00:00"');
    expect(lines).toContain('$Env:AWS_DEFAULT_REGION="eu-west-1"');
    expect(lines.at(-1)).toBe('$Env:AWSFED_ACTIVE_PROFILE="prod"');
  });
});

describe('renderUnsetAll (switch --unset)', () => {
  it('clears every variable switch sets, and nothing else, in each format', () => {
    const set = exportedVariables(plain).map(([name]) => name);
    expect([...SWITCH_VARIABLES].sort()).toEqual([...set].sort());
    expect(renderUnsetAll('env')).toBe(SWITCH_VARIABLES.map((v) => `unset ${v}\n`).join(''));
    expect(renderUnsetAll('env-no-export')).toBe(renderUnsetAll('env'));
    expect(renderUnsetAll('fish')).toBe(SWITCH_VARIABLES.map((v) => `set -e ${v};\n`).join(''));
    expect(renderUnsetAll('powershell')).toBe(SWITCH_VARIABLES.map((v) => `Remove-Item Env:${v} -ErrorAction SilentlyContinue\n`).join(''));
    expect(renderUnsetAll('fish')).toContain('set -e AWS_ACCESS_KEY_ID;\n');
    expect(renderUnsetAll('powershell')).toContain('Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue\n');
    expect(renderUnsetAll('env')).not.toContain(EXEC_PROFILE_VARIABLE);
  });
});

describe('quoting', () => {
  it('sh: bare when safe, single quotes otherwise', () => {
    expect(quoteSh('abc/+=')).toBe('abc/+=');
    expect(quoteSh(`it's $HOME`)).toBe(`'it'\\''s $HOME'`);
    expect(quoteSh('')).toBe(`''`);
    expect(quoteSh('=x')).toBe(`'=x'`);
    expect(quoteSh('~x')).toBe(`'~x'`);
  });
  it('fish: backslash and single quote escaped inside single quotes', () => {
    expect(quoteFish('abc')).toBe('abc');
    expect(quoteFish(`it's a\\b $x`)).toBe(`'it\\'s a\\\\b $x'`);
    expect(quoteFish('')).toBe(`''`);
  });
  it('powershell: double quotes when safe, verbatim single quotes with doubled quotes otherwise', () => {
    expect(quotePowerShell('abc')).toBe('"abc"');
    expect(quotePowerShell('')).toBe('""');
    expect(quotePowerShell('$env:HOME `n "x"')).toBe(`'$env:HOME \`n "x"'`);
    expect(quotePowerShell(`it's \u2019curly\u2019`)).toBe(`'it''s \u2019\u2019curly\u2019\u2019'`);
  });
});

describe('exportedVariables / childEnvironment', () => {
  it('formats the expiry like the AWS CLI (isoformat, +00:00)', () => {
    expect(formatCredentialExpiration(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05+00:00');
    expect(() => formatCredentialExpiration(new Date('x'))).toThrow(TypeError);
  });

  it('the child environment drops the conflicting variables and overrides old keys', () => {
    const env = childEnvironment(
      {
        PATH: '/bin',
        AWS_PROFILE: 'saml',
        AWS_DEFAULT_PROFILE: 'saml',
        AWS_SECURITY_TOKEN: 'old',
        AWS_ROLE_ARN: 'arn:aws:iam::1:role/x',
        AWS_WEB_IDENTITY_TOKEN_FILE: '/t',
        AWS_ROLE_SESSION_NAME: 's',
        AWS_ACCESS_KEY_ID: 'OLD',
        AWS_REGION: 'us-west-2',
        UNDEF: undefined,
      },
      plain,
    );
    expect(env).toEqual({
      PATH: '/bin',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE000000001',
      AWS_SECRET_ACCESS_KEY: plain.credentials.secretAccessKey,
      AWS_SESSION_TOKEN: plain.credentials.sessionToken,
      AWS_CREDENTIAL_EXPIRATION: '2026-11-27T21:20:13+00:00',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      [ACTIVE_PROFILE_VARIABLE]: 'prod',
      [EXEC_PROFILE_VARIABLE]: 'prod',
    });
  });

  it('keeps an existing region when the profile has none', () => {
    const env = childEnvironment({ AWS_REGION: 'us-west-2' }, { ...plain, region: undefined });
    expect(env.AWS_REGION).toBe('us-west-2');
    expect(env).not.toHaveProperty('AWS_DEFAULT_REGION');
  });
});

describe('format selection', () => {
  it('detects the format from $SHELL', () => {
    expect(detectShellFormat({ SHELL: '/usr/bin/fish' })).toBe('fish');
    expect(detectShellFormat({ SHELL: '/opt/microsoft/powershell/7/pwsh' })).toBe('powershell');
    expect(detectShellFormat({ SHELL: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe' })).toBe('powershell');
    expect(detectShellFormat({ SHELL: '/bin/zsh' })).toBe('env');
    expect(detectShellFormat({ SHELL: '/bin/bash' })).toBe('env');
    expect(detectShellFormat({})).toBe('env');
  });
  it('parses --format, with shell-name aliases, and refuses others', () => {
    expect(parseShellFormat('env')).toBe('env');
    expect(parseShellFormat('ENV-NO-EXPORT')).toBe('env-no-export');
    expect(parseShellFormat('zsh')).toBe('env');
    expect(parseShellFormat('pwsh')).toBe('powershell');
    expect(() => parseShellFormat('csh')).toThrow(UsageError);
  });
  it('names the right way to apply the output', () => {
    expect(evalHint('env', 'awsfed switch prod')).toBe('eval "$(awsfed switch prod)"');
    expect(evalHint('fish', 'awsfed switch prod')).toBe('awsfed switch prod | source');
    expect(evalHint('powershell', 'awsfed switch prod')).toContain('Invoke-Expression');
  });
});

// The real thing: the rendered text evaluated by bash and by sh (dash), then the environment read back.
describe('evaluated by real shells', () => {
  const dir = mkdtempSync(join(tmpdir(), 'awsfed-exports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  const STALE = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    AWS_PROFILE: 'saml',
    AWS_DEFAULT_PROFILE: 'saml',
    AWS_SECURITY_TOKEN: 'stale-token',
    AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Old',
    AWS_WEB_IDENTITY_TOKEN_FILE: '/tmp/token',
    AWS_ROLE_SESSION_NAME: 'old',
    AWS_ACCESS_KEY_ID: 'AKIAOLD',
    AWS_REGION: 'us-west-2',
  };

  // stdin is /dev/null: bash reads ~/.bashrc when stdin is a socket (Node's pipes are), as under sshd.
  const RUN: ExecFileSyncOptionsWithStringEncoding = { env: STALE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };

  /** Evaluates `text` in `shell` and returns the exported environment afterwards (env -0). */
  function evalIn(shell: string, text: string): Record<string, string> {
    const file = join(dir, `exports-${n++}.sh`);
    writeFileSync(file, text);
    const out = execFileSync(shell, ['-c', 'eval "$(cat "$1")" && env -0', 'sh', file], RUN);
    const env: Record<string, string> = {};
    for (const entry of out.split('\0')) {
      const eq = entry.indexOf('=');
      if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
    return env;
  }

  function expectApplied(env: Record<string, string>, input: ExportInput): void {
    for (const name of CONFLICTING_VARIABLES) expect(env, name).not.toHaveProperty(name);
    for (const [name, value] of exportedVariables(input)) expect(env[name], name).toBe(value);
  }

  for (const shell of ['bash', 'sh']) {
    it(`${shell}: plain credentials`, () => {
      expectApplied(evalIn(shell, renderExports(plain, 'env')), plain);
    });

    it(`${shell}: values with quotes, $, spaces, backticks, newlines and more arrive verbatim`, () => {
      for (const value of NASTY) {
        const input = nastyInput(value);
        expectApplied(evalIn(shell, renderExports(input, 'env')), input);
      }
    });

    it(`${shell}: switch then --unset leaves none of the variables switch set, and others alone`, () => {
      const env = evalIn(shell, renderExports(plain, 'env') + renderUnsetAll('env'));
      for (const name of SWITCH_VARIABLES) expect(env, name).not.toHaveProperty(name);
      expect(env.PATH).toBe(STALE.PATH);
    });
    it(`${shell}: env-no-export sets shell variables (updating exported ones) and unsets the conflicting ones`, () => {
      const input = nastyInput(`it's "$x"`);
      const file = join(dir, `exports-${n++}.sh`);
      writeFileSync(file, renderExports(input, 'env-no-export'));
      const script =
        'eval "$(cat "$1")" && printf "%s\\0" "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWSFED_ACTIVE_PROFILE" "${AWS_PROFILE-unset}" && env -0';
      const out = execFileSync(shell, ['-c', script, 'sh', file], RUN).split('\0');
      expect(out.slice(0, 4)).toEqual([input.credentials.secretAccessKey, input.credentials.sessionToken, input.profile, 'unset']);
      // Already-exported variables stay exported with the new value.
      expect(out).toContain(`AWS_ACCESS_KEY_ID=${input.credentials.accessKeyId}`);
      expect(out).toContain(`AWS_REGION=${input.region}`);
    });
  }
});
