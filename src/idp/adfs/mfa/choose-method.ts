/**
 * The "choose a method" page (Authentication Options): form#options with one link per provider; the
 * link id is the AuthMethod to post, with the form's Context. The method comes from --mfa-method /
 * AWSFED_MFA_METHOD / awsfed_mfa_method (an id, or a part of the shown name), else from a list at the
 * prompt; without a terminal it is an error listing what the page offers.
 */
import { PromptError, UsageError } from '../../../errors.js';
import { formEntries } from '../form.js';
import type { MfaMethodOption } from './page.js';
import type { MfaChoicePage, MfaPorts } from './ports.js';

export async function chooseMethodEntries(page: MfaChoicePage, ports: Pick<MfaPorts, 'chooser' | 'paused' | 'settings'>): Promise<Array<[string, string]>> {
  const method = await pickMethod(page.methods, ports);
  return formEntries(page.form, { set: { AuthMethod: method.id }, submit: null });
}

export async function pickMethod(methods: readonly MfaMethodOption[], ports: Pick<MfaPorts, 'chooser' | 'paused' | 'settings'>): Promise<MfaMethodOption> {
  const wanted = ports.settings.method;
  const listing = methods.map((m) => `  ${m.id} (${m.name})`).join('\n');
  if (wanted !== undefined && wanted.value.trim() !== '') {
    const needle = wanted.value.trim().toLowerCase();
    const found =
      methods.find((m) => m.id.toLowerCase() === needle || m.name.toLowerCase() === needle) ??
      methods.find((m) => m.id.toLowerCase().includes(needle) || m.name.toLowerCase().includes(needle));
    if (found) return found;
    throw new UsageError('MFA_METHOD_NOT_OFFERED', `${wanted.where} is "${wanted.value}", but the IdP offers only:\n${listing}`, {
      hint: 'Give one of the listed ids (or a part of its name) to --mfa-method, AWSFED_MFA_METHOD or awsfed_mfa_method.',
    });
  }
  if (methods.length === 1) return methods[0]!;
  if (!ports.chooser.interactive) {
    throw new PromptError('MFA_METHOD_CHOICE_NEEDED', `The IdP asks which second factor to use and there is no terminal to ask in; it offers:\n${listing}`, {
      hint: 'Choose one with --mfa-method ID, AWSFED_MFA_METHOD, or awsfed_mfa_method in the profile (e.g. --mfa-method AzureMfaAuthentication).',
    });
  }
  const id = await ports.paused(() => ports.chooser.choose('Choose how to verify your identity:', methods));
  return methods.find((m) => m.id === id) ?? methods[0]!;
}
