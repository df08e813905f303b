/**
 * Profile names for `login --all-roles`, pure. A template over {alias}, {account}, {role} and
 * {partition}; {alias} comes from awsfed_account_aliases ("111111111111=gateway, 222222222222=prod")
 * and falls back to the account id.
 */
import { UsageError } from '../errors.js';
import type { SamlRole } from '../saml/types.js';

const PLACEHOLDER = /\{(alias|account|role|partition)\}/g;

export function parseAccountAliases(text: string | undefined): Map<string, string> {
  const aliases = new Map<string, string>();
  if (!text) return aliases;
  for (const item of text.split(/[\s,]+/).filter(Boolean)) {
    const match = /^(\d{12})=([\w.+@-]+)$/.exec(item);
    if (!match) {
      throw new UsageError('ACCOUNT_ALIASES_INVALID', `Account alias "${item}" is not ACCOUNT=ALIAS.`, {
        hint: 'Write awsfed_account_aliases as "111111111111=gateway, 222222222222=prod".',
      });
    }
    aliases.set(match[1]!, match[2]!);
  }
  return aliases;
}

export function validateProfileTemplate(template: string): void {
  if (!template.includes('{role}')) {
    throw new UsageError('PROFILE_TEMPLATE_INVALID', `The profile template "${template}" has no {role}: every role would get the same name.`, {
      hint: 'Use placeholders {alias}, {account}, {role}, {partition}, e.g. "{alias}-{role}".',
    });
  }
  const unknown = template.replace(PLACEHOLDER, '').match(/\{[^}]*\}/);
  if (unknown) {
    throw new UsageError('PROFILE_TEMPLATE_INVALID', `The profile template "${template}" uses the unknown placeholder ${unknown[0]}.`, {
      hint: 'Use placeholders {alias}, {account}, {role}, {partition}.',
    });
  }
}

/** Characters that would break an INI section header or a shell word become "-". */
export function profileNameFor(role: SamlRole, template: string, aliases: ReadonlyMap<string, string>): string {
  const values: Record<string, string> = {
    alias: aliases.get(role.accountId) ?? role.accountId,
    account: role.accountId,
    role: role.roleName,
    partition: role.partition,
  };
  return template.replace(PLACEHOLDER, (_, key: string) => values[key]!).replace(/[^\w.@+=-]+/g, '-');
}
