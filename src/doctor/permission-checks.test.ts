import { describe, expect, it } from 'vitest';
import { checkPermission, PERMISSION_RULES } from './permission-checks.js';

const sev = (mode: number, rule: keyof typeof PERMISSION_RULES, uid = 1000, owner = 1000) =>
  checkPermission({ path: '/p', mode: 0o100000 | mode, uid: owner }, PERMISSION_RULES[rule], uid).map((f) => `${f.severity} ${f.id}`);

describe('checkPermission', () => {
  it('credentials: 0600 ok, readable by the group or others an error with chmod 600', () => {
    expect(sev(0o600, 'credentials')).toEqual(['ok permissions.credentials.mode']);
    expect(sev(0o640, 'credentials')).toEqual(['error permissions.credentials.mode']);
    expect(sev(0o604, 'credentials')).toEqual(['error permissions.credentials.mode']);
    expect(checkPermission({ path: '/p', mode: 0o644, uid: 1 }, PERMISSION_RULES.credentials, 1)[0]?.fix).toBe('chmod 600 /p');
  });

  it('~/.aws: 0700 ok, 0755 a warning, writable by others an error', () => {
    expect(sev(0o700, 'awsDir')).toEqual(['ok permissions.aws-dir.mode']);
    expect(sev(0o755, 'awsDir')).toEqual(['warning permissions.aws-dir.mode']);
    expect(sev(0o777, 'awsDir')).toEqual(['error permissions.aws-dir.mode']);
  });

  it('another owner is an error with a chown fix; a missing path says nothing', () => {
    expect(sev(0o600, 'credentials', 1000, 0)).toEqual(['error permissions.credentials.owner']);
    expect(checkPermission({ path: '/nope' }, PERMISSION_RULES.credentials, 1000)).toEqual([]);
  });

  it('no uid (Windows): the owner is not judged', () => {
    expect(checkPermission({ path: '/p', mode: 0o600, uid: 0 }, PERMISSION_RULES.config, undefined).map((f) => f.severity)).toEqual(['ok']);
  });
});
