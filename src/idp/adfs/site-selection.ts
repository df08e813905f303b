/**
 * The AD FS IdP-initiated sign-on page (form#idpForm): pick the relying party and "Sign in to one of the
 * following sites". AD FS only honours RelyingParty when SignInOtherSite is posted.
 */
import { IdpError } from '../../errors.js';
import type { RelyingPartyOption } from './classify.js';
import type { HtmlForm } from './form.js';
import { formEntries } from './form.js';

const AWS_NAME = /amazon|\baws\b/i;

export function chooseRelyingParty(options: RelyingPartyOption[], wanted?: string): RelyingPartyOption {
  if (wanted !== undefined && wanted.trim() !== '') {
    const needle = wanted.trim().toLowerCase();
    const exact = options.find((o) => o.name.toLowerCase() === needle || o.value.toLowerCase() === needle);
    const partial = exact ?? options.find((o) => o.name.toLowerCase().includes(needle) || o.value.toLowerCase().includes(needle));
    if (partial) return partial;
    throw noRelyingParty(options, `No relying party on the AD FS sign-on page matches "${wanted}"`);
  }
  const aws = options.find((o) => AWS_NAME.test(o.name));
  if (aws) return aws;
  throw noRelyingParty(options, 'The AD FS sign-on page lists no relying party that looks like AWS');
}

function noRelyingParty(options: RelyingPartyOption[], message: string): IdpError {
  const names = options.map((o) => o.name).filter((n) => n !== '');
  return new IdpError('IDP_NO_RELYING_PARTY', `${message}; available: ${names.length > 0 ? names.join(', ') : '(none)'}`, {
    hint: 'Pass --relying-party NAME (or set awsfed_relying_party) to one of the listed names.',
  });
}

export function siteSelectionEntries(form: HtmlForm, relyingParty: RelyingPartyOption): Array<[string, string]> {
  // The two choices are radios; select "other site" and clear the "this site" one, whatever their names are.
  // Match the value first: some AD FS versions give both radios the name SignInOtherSite and tell them
  // apart only by value (SignInThisSite / SignInOtherSite); matching the name alone picked "this site".
  const radios = form.fields.filter((f) => f.type === 'radio');
  const other = radios.find((f) => f.value === 'SignInOtherSite') ?? radios.find((f) => f.name === 'SignInOtherSite');
  const fields = form.fields.map((f) => (f.type === 'radio' ? { ...f, checked: f === other } : f));
  const set: Record<string, string> = { RelyingParty: relyingParty.value };
  if (!other) set.SignInOtherSite = 'SignInOtherSite';
  const submit = form.submits.find((s) => /^SignIn(Submit|Go)$/i.test(s.name) || s.id === 'idp_SignInButton')?.name;
  return formEntries({ ...form, fields }, { set, ...(submit ? { submit } : {}) });
}
