import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/settings.js';
import type { Env, Flags } from '../config/settings.js';
import type { AppError } from '../errors.js';
import type { SamlRole } from '../saml/types.js';
import type { Choice, Prompter } from '../ui/prompt.js';
import { createRefusingPrompter } from '../ui/prompt.js';
import { checkProfileSettings, chooseRole, lastHeldRole } from './login.js';

const PROFILE = { value: 'corp', source: 'flag' as const };

function check(flags: Flags, env: Env, section?: Record<string, string>): AppError | undefined {
  try {
    checkProfileSettings(resolveSettings(flags, env, PROFILE, section), env);
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

describe('checkProfileSettings: region and output are checked before login writes them', () => {
  it.each([
    [{}, {}, undefined],
    [{ region: 'eu-west-1', output: 'yaml-stream' }, {}, undefined],
    [{}, { AWS_REGION: 'cn-north-1', AWS_DEFAULT_OUTPUT: 'table' }, undefined],
    [{}, {}, { region: 'us-gov-west-1', output: 'text' }],
  ] as Array<[Flags, Env, Record<string, string> | undefined]>)('accepts %j %j %j', (flags, env, section) => {
    expect(check(flags, env, section)).toBeUndefined();
  });

  it.each([
    [{ output: 'xml' }, {}, undefined, 'BAD_OUTPUT', '--output is "xml"'],
    [{ region: 'mars' }, {}, undefined, 'BAD_REGION', '--region is "mars"'],
    [{}, { AWS_DEFAULT_OUTPUT: 'xml' }, undefined, 'BAD_OUTPUT', 'AWS_DEFAULT_OUTPUT is "xml"'],
    [{}, { AWS_REGION: 'mars', AWS_DEFAULT_REGION: 'eu-west-1' }, undefined, 'BAD_REGION', 'AWS_REGION is "mars"'],
    [{}, { AWS_REGION: '', AWS_DEFAULT_REGION: 'mars' }, undefined, 'BAD_REGION', 'AWS_DEFAULT_REGION is "mars"'],
    [{}, {}, { region: 'mars' }, 'BAD_REGION', 'region of [profile corp] in ~/.aws/config is "mars"'],
    [{}, {}, { output: 'xml' }, 'BAD_OUTPUT', 'output of [profile corp] in ~/.aws/config is "xml"'],
  ] as Array<[Flags, Env, Record<string, string> | undefined, string, string]>)('refuses %j %j %j with %s', (flags, env, section, code, message) => {
    const error = check(flags, env, section);
    expect(error?.code).toBe(code);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain(message);
  });
});

function role(accountId: string, name: string, path = ''): SamlRole {
  return {
    roleArn: `arn:aws:iam::${accountId}:role/${path}${name}`,
    principalArn: `arn:aws:iam::${accountId}:saml-provider/ADFS`,
    accountId,
    roleName: name,
    partition: 'aws',
  };
}

const ROLES = [role('111111111111', 'Admins'), role('111111111111', 'ReadOnly'), role('222222222222', 'Developers', 'team/')];
const settingsFor = (flags: Flags = {}) => resolveSettings(flags, {}, PROFILE, undefined);
const held = (accountId: string, name: string) => `arn:aws:sts::${accountId}:assumed-role/${name}/alice@corp.example`;

/** An interactive prompter that records the list it was shown and picks the first entry. */
function listingPrompter(): Prompter & { shown: string[][] } {
  const shown: string[][] = [];
  const base = createRefusingPrompter('no-prompt');
  return {
    ...base,
    interactive: true,
    shown,
    choose: async <T,>(_message: string, choices: readonly Choice<T>[]) => {
      shown.push(choices.map((c) => `${c.group}/${c.name}`));
      return choices[0]!.value;
    },
  };
}

describe('chooseRole and the role the profile last held', () => {
  it('finds the last-held role by account and name, whatever its path and case', () => {
    expect(lastHeldRole(ROLES, held('222222222222', 'developers'))).toBe(ROLES[2]);
    expect(lastHeldRole(ROLES, held('333333333333', 'Admins'))).toBeUndefined();
    expect(lastHeldRole(ROLES, 'not an arn')).toBeUndefined();
    expect(lastHeldRole(ROLES, undefined)).toBeUndefined();
  });

  it('a re-login takes the last-held role without asking, even where no prompt can be shown', async () => {
    const assertion = { roles: ROLES };
    const refusing = createRefusingPrompter('no-prompt');
    const last = { lastPrincipalArn: held('222222222222', 'Developers'), reuse: true };
    await expect(chooseRole(assertion, settingsFor(), refusing, undefined, last)).resolves.toBe(ROLES[2]);
    // Within what --role allows: a glob matching two roles, one of them last held.
    const readOrAdmin = { lastPrincipalArn: held('111111111111', 'ReadOnly'), reuse: true };
    await expect(chooseRole(assertion, settingsFor({ role: '111111111111/*' }), refusing, undefined, readOrAdmin)).resolves.toBe(ROLES[1]);
    // --role naming another role for this run wins over the last one...
    await expect(chooseRole(assertion, settingsFor({ role: 'Admins' }), refusing, undefined, last)).resolves.toBe(ROLES[0]);
    // ...a stored awsfed_role does not: the user chose the last role after storing it.
    const stored = resolveSettings({}, {}, PROFILE, { awsfed_role: 'Admins' });
    await expect(chooseRole(assertion, stored, refusing, undefined, last)).resolves.toBe(ROLES[2]);
    // A plain login still follows awsfed_role.
    await expect(chooseRole(assertion, stored, refusing, undefined, { lastPrincipalArn: last.lastPrincipalArn })).resolves.toBe(ROLES[0]);
  });

  it('a re-login whose last role is gone from the assertion still needs a choice', async () => {
    const last = { lastPrincipalArn: held('333333333333', 'Gone'), reuse: true };
    await expect(chooseRole({ roles: ROLES }, settingsFor(), createRefusingPrompter('no-prompt'), undefined, last)).rejects.toMatchObject({
      code: 'ROLE_CHOICE_NEEDED',
    });
  });

  it('a plain login asks, with the last-held role first and its account kept together', async () => {
    const prompter = listingPrompter();
    const picked = await chooseRole({ roles: ROLES }, settingsFor(), prompter, undefined, { lastPrincipalArn: held('111111111111', 'ReadOnly') });
    expect(picked).toBe(ROLES[1]);
    expect(prompter.shown).toEqual([['111111111111/ReadOnly', '111111111111/Admins', '222222222222/Developers']]);
    const none = listingPrompter();
    await chooseRole({ roles: ROLES }, settingsFor(), none);
    expect(none.shown[0]![0]).toBe('111111111111/Admins');
  });

  it('names the accounts in the list, and asks for names only when a list is drawn', async () => {
    let asked = 0;
    const names = async () => {
      asked += 1;
      return new Map([['111111111111', 'prod-main']]);
    };
    const prompter = listingPrompter();
    await chooseRole({ roles: ROLES }, settingsFor(), prompter, undefined, {}, names);
    expect(prompter.shown).toEqual([['prod-main (111111111111)/Admins', 'prod-main (111111111111)/ReadOnly', '222222222222/Developers']]);
    expect(asked).toBe(1);
    // A configured role, a single role, a re-login: no list, no lookup.
    await chooseRole({ roles: ROLES }, settingsFor({ role: '222222222222/Developers' }), prompter, undefined, {}, names);
    await chooseRole({ roles: [ROLES[0]!] }, settingsFor(), prompter, undefined, {}, names);
    await chooseRole({ roles: ROLES }, settingsFor(), prompter, undefined, { lastPrincipalArn: held('111111111111', 'ReadOnly'), reuse: true }, names);
    expect(asked).toBe(1);
  });
});
