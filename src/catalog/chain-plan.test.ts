import { describe, expect, it } from 'vitest';
import { parseIni } from '../ini/document.js';
import { ChainError } from './chain-errors.js';
import { MAX_CHAIN_HOPS, chainPath, chainRoot, planChains } from './chain-plan.js';

const GW = `[profile saml]
awsfed_idp_url = https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx
region = eu-west-1
`;

function dest(name: string, source: string, account = '222222222222', extra = ''): string {
  return `\n[profile ${name}]\nrole_arn = arn:aws:iam::${account}:role/Admins\nsource_profile = ${source}\n${extra}`;
}

const THREE_HOPS = parseIni(
  GW +
    dest('shared', 'saml', '111111111111', 'region = us-east-2\nrole_session_name = ana\n') +
    dest('prod', 'shared', '222222222222', 'external_id = ext-1\nmfa_serial = arn:aws:iam::111111111111:mfa/ana\nduration_seconds = 3600\n') +
    dest('audit', 'prod', '333333333333'),
);

function chainErrorOf(fn: () => unknown): ChainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ChainError);
    return error as ChainError;
  }
  throw new Error('expected a ChainError');
}

describe('chainPath', () => {
  it('walks a 3-hop chain up to the gateway root', () => {
    expect(chainPath(THREE_HOPS, 'audit')).toEqual(['audit', 'prod', 'shared', 'saml']);
    expect(chainRoot(THREE_HOPS, 'audit')).toBe('saml');
  });

  it('gives a root alone', () => {
    expect(chainPath(THREE_HOPS, 'saml')).toEqual(['saml']);
  });

  it('reads [default] as the profile "default"', () => {
    const config = parseIni('[default]\nregion = eu-west-1\n' + dest('prod', 'default'));
    expect(chainPath(config, 'prod')).toEqual(['prod', 'default']);
  });

  it('treats a profile without role_arn as a root even when it has source_profile (AWS CLI ignores it)', () => {
    const config = parseIni('[profile odd]\nsource_profile = nowhere\n');
    expect(chainPath(config, 'odd')).toEqual(['odd']);
  });

  const failures: Array<{ name: string; config: string; target: string; code: string; message: string; path: string[] }> = [
    {
      name: 'cycle of 2',
      config: GW + dest('prod', 'shared') + dest('shared', 'prod'),
      target: 'prod',
      code: 'CHAIN_CYCLE',
      message: 'profile chain loops: prod -> shared -> prod',
      path: ['prod', 'shared', 'prod'],
    },
    {
      name: 'cycle of 3 entered from outside',
      config: GW + dest('top', 'a') + dest('a', 'b') + dest('b', 'c') + dest('c', 'a'),
      target: 'top',
      code: 'CHAIN_CYCLE',
      message: 'profile chain loops: top -> a -> b -> c -> a',
      path: ['top', 'a', 'b', 'c', 'a'],
    },
    {
      name: 'self-source',
      config: GW + dest('prod', 'prod'),
      target: 'prod',
      code: 'CHAIN_CYCLE',
      message: 'profile chain loops: prod -> prod',
      path: ['prod', 'prod'],
    },
    {
      name: 'missing source two hops up',
      config: dest('prod', 'shared') + dest('shared', 'gw'),
      target: 'prod',
      code: 'CHAIN_MISSING_SOURCE',
      message: 'profile chain is broken: prod -> shared -> gw (no such profile)',
      path: ['prod', 'shared', 'gw'],
    },
    {
      name: 'missing target',
      config: GW,
      target: 'nope',
      code: 'CHAIN_NO_SUCH_PROFILE',
      message: 'no profile "nope" in ~/.aws/config',
      path: ['nope'],
    },
    {
      name: 'credential_source on the way',
      config: dest('prod', 'ec2') + '\n[profile ec2]\nrole_arn = arn:aws:iam::111111111111:role/X\ncredential_source = Ec2InstanceMetadata\n',
      target: 'prod',
      code: 'CHAIN_UNSUPPORTED_SOURCE',
      message: 'profile "ec2" (in prod -> ec2) takes its source credentials from credential_source, which awsfed does not chain from',
      path: ['prod', 'ec2'],
    },
    {
      name: 'web identity target',
      config: '[profile oidc]\nrole_arn = arn:aws:iam::111111111111:role/X\nweb_identity_token_file = /tmp/t\n',
      target: 'oidc',
      code: 'CHAIN_UNSUPPORTED_SOURCE',
      message: 'profile "oidc" takes its source credentials from web_identity_token_file, which awsfed does not chain from',
      path: ['oidc'],
    },
    {
      name: 'role_arn without source_profile',
      config: '[profile lonely]\nrole_arn = arn:aws:iam::111111111111:role/X\n',
      target: 'lonely',
      code: 'CHAIN_NOT_A_DESTINATION',
      message: 'profile "lonely" is not a destination: it has role_arn but no source_profile',
      path: ['lonely'],
    },
    {
      name: 'role_arn that is not a role ARN',
      config: GW + dest('prod', 'bad') + '\n[profile bad]\nrole_arn = arn:aws:iam::1234:user/x\nsource_profile = saml\n',
      target: 'prod',
      code: 'CHAIN_NOT_A_DESTINATION',
      message: 'profile "bad" (in prod -> bad) is not a destination: role_arn "arn:aws:iam::1234:user/x" is not an IAM role ARN',
      path: ['prod', 'bad'],
    },
  ];

  it.each(failures)('reports $name as $code with the whole path', ({ config, target, code, message, path }) => {
    const error = chainErrorOf(() => chainPath(parseIni(config), target));
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
    expect(error.path).toEqual(path);
    expect(error.exitCode).toBe(2);
    expect(error.hint).toBeTruthy();
  });
});

// A hostile or generated config with a chain thousands of profiles deep: chainPath checked each source
// against the whole path so far (20,000 hops: 31 s before anything was sent, and `awsfed list`, which
// plans every profile, ran for minutes), and a message would quote the whole path.
describe('chainPath on very long chains', () => {
  const chain = (hops: number): string => GW + Array.from({ length: hops }, (_, i) => dest(`d${i}`, i === 0 ? 'saml' : `d${i - 1}`)).join('');

  it(`plans a chain of ${MAX_CHAIN_HOPS} hops`, () => {
    expect(chainPath(parseIni(chain(MAX_CHAIN_HOPS)), `d${MAX_CHAIN_HOPS - 1}`)).toHaveLength(MAX_CHAIN_HOPS + 1);
  });

  it(`refuses more than ${MAX_CHAIN_HOPS} hops with CHAIN_TOO_LONG, quoting only the ends of the path`, () => {
    const config = parseIni(chain(5000));
    const error = chainErrorOf(() => chainPath(config, 'd4999'));
    expect(error.code).toBe('CHAIN_TOO_LONG');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('d4999');
    expect(error.message.length).toBeLessThan(400);
    expect(error.hint).toMatch(/source_profile/);
    // Every target is refused after at most MAX_CHAIN_HOPS steps, so planning all of them stays linear.
    const plan = planChains(config, config.sectionNames().map((n) => n.replace(/^profile /, '')));
    expect(plan.errors).toHaveLength(5000 - MAX_CHAIN_HOPS);
  });
});

describe('planChains', () => {
  it('plans a 3-hop chain root side first, with each hop carrying its keys and depth', () => {
    const plan = planChains(THREE_HOPS, ['audit']);
    expect(plan.roots).toEqual(['saml']);
    expect(plan.errors).toEqual([]);
    expect(plan.hops).toEqual([
      { profile: 'shared', roleArn: 'arn:aws:iam::111111111111:role/Admins', sourceProfile: 'saml', region: 'us-east-2', roleSessionName: 'ana', depth: 1 },
      {
        profile: 'prod',
        roleArn: 'arn:aws:iam::222222222222:role/Admins',
        sourceProfile: 'shared',
        externalId: 'ext-1',
        mfaSerial: 'arn:aws:iam::111111111111:mfa/ana',
        durationSeconds: 3600,
        depth: 2,
      },
      { profile: 'audit', roleArn: 'arn:aws:iam::333333333333:role/Admins', sourceProfile: 'prod', depth: 3 },
    ]);
  });

  it('deduplicates hops shared by several targets and keeps them in topological order', () => {
    const config = parseIni(
      GW + dest('a1', 'hub') + dest('hub', 'saml') + dest('a2', 'hub') + dest('b', 'saml') + dest('deep', 'a1'),
    );
    const plan = planChains(config, ['deep', 'a2', 'b', 'a1', 'deep']);
    expect(plan.errors).toEqual([]);
    expect(plan.roots).toEqual(['saml']);
    const order = plan.hops.map((h) => h.profile);
    expect(order).toEqual(['hub', 'a1', 'deep', 'a2', 'b']);
    // Every hop's source is a root or an earlier hop.
    plan.hops.forEach((hop, i) => {
      const earlier = plan.hops.slice(0, i).map((h) => h.profile);
      expect(plan.roots.includes(hop.sourceProfile) || earlier.includes(hop.sourceProfile)).toBe(true);
    });
  });

  it('keeps planning the good targets when one is bad', () => {
    const config = parseIni(GW + dest('good', 'saml') + dest('loop1', 'loop2') + dest('loop2', 'loop1') + dest('orphan', 'gone'));
    const plan = planChains(config, ['loop1', 'good', 'orphan', 'missing']);
    expect(plan.hops.map((h) => h.profile)).toEqual(['good']);
    expect(plan.roots).toEqual(['saml']);
    expect(plan.errors.map((e) => [e.profile, e.error.code])).toEqual([
      ['loop1', 'CHAIN_CYCLE'],
      ['orphan', 'CHAIN_MISSING_SOURCE'],
      ['missing', 'CHAIN_NO_SUCH_PROFILE'],
    ]);
  });

  it('adds a root target to roots without a hop (refreshing a gateway is login\'s job)', () => {
    const plan = planChains(THREE_HOPS, ['saml']);
    expect(plan).toEqual({ roots: ['saml'], hops: [], errors: [] });
  });

  it('collects several roots in order of first use', () => {
    const config = parseIni(GW + '\n[profile other]\nregion = us-west-2\n' + dest('x', 'other') + dest('y', 'saml'));
    expect(planChains(config, ['x', 'y']).roots).toEqual(['other', 'saml']);
  });

  it('plans nothing for no targets', () => {
    expect(planChains(THREE_HOPS, [])).toEqual({ roots: [], hops: [], errors: [] });
  });
});
