import { describe, expect, it } from 'vitest';
import type { Destination } from '../catalog/destination.js';
import { formatSwitchLinks, roleNameWithPath, switchLinks, switchRoleUrl } from './switch-links.js';

function dest(overrides: Partial<Destination> & { name: string; roleArn: string }): Destination {
  const m = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(overrides.roleArn)!;
  return { accountId: m[2]!, roleName: m[3]!, partition: m[1] as Destination['partition'], sourceProfile: 'saml', ...overrides };
}

describe('switchRoleUrl', () => {
  it('uses the profile name as display name and leaves color out when there is none', () => {
    expect(switchRoleUrl(dest({ name: 'dev', roleArn: 'arn:aws:iam::222222222222:role/Admins' }))).toBe(
      'https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=Admins&displayName=dev',
    );
  });

  it.each([
    ['red', 'F2B0A9'],
    ['orange', 'FBBF93'],
    ['yellow', 'FAD791'],
    ['green', 'B7CA9D'],
    ['blue', '99BCE3'],
  ] as const)('color %s -> %s', (color, hex) => {
    expect(switchRoleUrl(dest({ name: 'dev', roleArn: 'arn:aws:iam::222222222222:role/Admins', color }))).toMatch(new RegExp(`&color=${hex}$`));
  });

  it('keeps the role path, encodes the display name', () => {
    expect(
      switchRoleUrl(dest({ name: 'prod', roleArn: 'arn:aws:iam::333333333333:role/ops/team+a/Admin@x', displayName: 'Prod & Co (EU) ü', color: 'red' })),
    ).toBe(
      'https://signin.aws.amazon.com/switchrole?account=333333333333&roleName=ops/team%2Ba/Admin%40x&displayName=Prod%20%26%20Co%20%28EU%29%20%C3%BC&color=F2B0A9',
    );
  });

  it.each([
    ['aws-cn', 'https://signin.amazonaws.cn/switchrole?'],
    ['aws-us-gov', 'https://signin.amazonaws-us-gov.com/switchrole?'],
  ])('partition %s', (partition, prefix) => {
    expect(switchRoleUrl(dest({ name: 'x', roleArn: `arn:${partition}:iam::222222222222:role/R` }))).toMatch(new RegExp(`^${prefix.replace(/[.?]/g, '\\$&')}`));
  });

  it('roleNameWithPath', () => {
    expect(roleNameWithPath({ roleArn: 'arn:aws:iam::222222222222:role/a/b/C', roleName: 'C' })).toBe('a/b/C');
    expect(roleNameWithPath({ roleArn: 'not an arn', roleName: 'C' })).toBe('C');
  });
});

describe('formatSwitchLinks', () => {
  it('aligns the profile names', () => {
    const links = switchLinks([
      dest({ name: 'dev', roleArn: 'arn:aws:iam::222222222222:role/Admins' }),
      dest({ name: 'production', roleArn: 'arn:aws:iam::333333333333:role/Admins' }),
    ]);
    expect(formatSwitchLinks(links)).toBe(
      'dev         https://signin.aws.amazon.com/switchrole?account=222222222222&roleName=Admins&displayName=dev\n' +
        'production  https://signin.aws.amazon.com/switchrole?account=333333333333&roleName=Admins&displayName=production\n',
    );
  });
});
