/**
 * What an AD FS second-factor page asks for (pure). AD FS names the adapter in the hidden `AuthMethod`
 * input and carries an opaque `Context` that must be posted back, re-read from the latest page, to the
 * form that holds them. The markup facts (element ids, field names) are in /work/shared/DESIGN.md
 * ("Second factors") and in fixtures/adfs/mfa-*.html; what rests on documentation only is listed in the
 * README's "Second factors" section.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { extractForm, findIn, type HtmlForm } from '../form.js';

/** The kinds of rounds a second factor has; each one has its handler (azure.ts, code.ts). */
export type MfaStep =
  /** Azure MFA cloud adapter waiting for the Authenticator push (number matching when numberToMatch is set). */
  | { kind: 'push'; numberToMatch?: string }
  /** Azure MFA Server: one POST that blocks until the phone answers. */
  | { kind: 'server-wait' }
  /** A one-time code: Azure VerificationCode, SecurID Passcode, VIP, SafeNet, OATH, Defender, ... */
  | { kind: 'code'; codeField: string; purpose: CodePurpose; confirmField?: string; choice?: MfaDeviceChoice }
  /** PingID swipe / push: the page polls a status URL until the phone answers (src/idp/adfs/other/pingid.ts). */
  | { kind: 'ping-push'; statusUrl: string; numberToMatch?: string }
  /** WebAuthn / a security key: a browser-only ceremony, answered with a clear error (src/idp/adfs/other/webauthn.ts). */
  | { kind: 'security-key'; method: string; alternative?: string }
  /** Duo: a browser-frame conversation, not answered yet. */
  | { kind: 'duo' }
  /** An adapter page with nothing awsfed can type into. */
  | { kind: 'unsupported' };

/**
 * Other IdPs put a device or method choice beside the code field: Keycloak's `selectedCredentialId`
 * radios (one per OTP device), F5 APM's `mfamethod` select. The page's own default is kept unless
 * --mfa-method names one (src/idp/adfs/other/device-choice.ts).
 */
export interface MfaDeviceChoice {
  field: string;
  options: Array<{ value: string; label: string }>;
}

/** SecurID asks for a passcode, then sometimes the next tokencode, or a new PIN (typed twice). */
export type CodePurpose = 'code' | 'next-tokencode' | 'new-pin';

export interface MfaPageDetails {
  adapter: string;
  /** The form that carries AuthMethod and Context: answers are posted to its action. */
  form: HtmlForm;
  step: MfaStep;
  /** The adapter's own message (p#instructions or the label of the code input), for the prompt. */
  instructions?: string;
  /** The adapter's error text on a re-shown page ("The code you entered could not be verified."). */
  errorText?: string;
}

/** The classifier's result for an adapter page (one member of classify.ts's Page). */
export interface MfaPage {
  kind: 'mfa';
  adapter: string;
  form: HtmlForm;
  /** The code input, when the step is a code. */
  codeField?: string;
  step: MfaStep;
  instructions?: string;
  errorText?: string;
}

/** The classifier's result for the "choose a method" page. */
export interface MfaChoicePage {
  kind: 'mfa-choice';
  form: HtmlForm;
  methods: MfaMethodOption[];
}

/** One provider on the "choose a method" page: the link id is the AuthMethod to post. */
export interface MfaMethodOption {
  id: string;
  name: string;
}

/** AuthMethod values that are a primary (first-factor) method, not an MFA adapter. */
export const PRIMARY_AUTH_METHODS: ReadonlySet<string> = new Set([
  '',
  'formsauthentication',
  'windowsauthentication',
  'certificateauthentication',
  'microsoftpassportauthentication',
]);

/**
 * Inputs that carry a one-time code: VerificationCode (Azure MFA), Passcode (SecurID), SecurityCode /
 * security_code (Symantec VIP), SAFENET_PASSWORD (SafeNet), OathCode (AD FS OATH), PIN fields, ...
 */
const CODE_FIELD = /verificationcode|security_?code|passcode|otp|token|^code$|oathcode|safenet_password|challengequestionanswer|pin$|^response$/i;
const NEW_PIN = /new\s*pin|^newpin$/i;
const NEXT_TOKENCODE = /next\s*token\s*code|nexttokencode/i;

const DUO = /duo/i;

/** The MFA page of an adapter, or undefined when the page is none. */
export function classifyMfaPage($: CheerioAPI, url: string): MfaPageDetails | undefined {
  // Duo's Universal Prompt: the adapter's page only posts its context to Duo's frameless endpoint, with no
  // AuthMethod or Context of AD FS's own (src/idp/mfa/duo answers it).
  const duoForm = $('form#adfs_form').first();
  if (duoForm.length > 0 && /\/frame\/frameless\/v\d+\/auth/.test(duoForm.attr('action') ?? '')) {
    return { adapter: 'DuoAdfsAdapter', form: extractForm($, duoForm.get(0)!, url), step: { kind: 'duo' } };
  }
  for (const el of $('form').toArray()) {
    const formNode = $(el);
    const authMethod = findIn($, el, 'input[name="AuthMethod"]').first().attr('value') ?? '';
    const hasContext = findIn($, el, 'input[name="Context"]').length > 0;
    const isAdapter = authMethod !== '' && !PRIMARY_AUTH_METHODS.has(authMethod.toLowerCase());
    if (!isAdapter && !hasContext) continue;
    const form = extractForm($, el, url);
    const visible = form.fields.filter((f) => !['hidden', 'checkbox', 'radio', 'submit'].includes(f.type));
    const codeFields = visible.filter((f) => CODE_FIELD.test(f.name));
    // A forms-authentication form that happens to carry Context (AD FS re-shows the password form) is not MFA.
    const hasPlainPassword = visible.some((f) => f.type === 'password' && !CODE_FIELD.test(f.name));
    if (!isAdapter && codeFields.length === 0) continue;
    if (isAdapter && hasPlainPassword && codeFields.length === 0) continue;
    const adapter = isAdapter ? authMethod : 'unknown';
    const errorText = squash(formNode.find('#errorText').text()) || squash($('#errorText').first().text()) || undefined;
    const instructions = instructionsOf($, formNode);
    const step = stepOf($, adapter, codeFields.map((f) => f.name), visible.map((f) => f.name), instructions);
    return { adapter, form, step, ...(instructions ? { instructions } : {}), ...(errorText ? { errorText } : {}) };
  }
  return undefined;
}

function stepOf($: CheerioAPI, adapter: string, codeFields: string[], visibleFields: string[], instructions: string | undefined): MfaStep {
  if (DUO.test(adapter) || $('#duo_iframe, form#duo_form, form#adfs_form').length > 0) return { kind: 'duo' };
  const lower = adapter.toLowerCase();
  if (lower === 'azuremfaauthentication' && $('#verificationCodeInput').length === 0 && codeFields.length === 0) {
    const number = squash($('p#validEntropyNumber').first().text());
    return { kind: 'push', ...(/^\d{1,4}$/.test(number) ? { numberToMatch: number } : {}) };
  }
  if (lower === 'azuremfaserverauthentication' && codeFields.length === 0) return { kind: 'server-wait' };
  // The code field: a known name, else the only visible input of an adapter form (Defender and other
  // adapters name theirs as they like).
  const codeField = codeFields[0] ?? (visibleFields.length === 1 ? visibleFields[0] : undefined);
  if (codeField === undefined) return lower === 'azuremfaauthentication' ? { kind: 'push' } : { kind: 'unsupported' };
  const text = `${instructions ?? ''} ${codeField}`;
  if (NEW_PIN.test(text)) {
    const confirmField = codeFields.find((f) => f !== codeField && /confirm/i.test(f));
    return { kind: 'code', codeField, purpose: 'new-pin', ...(confirmField ? { confirmField } : {}) };
  }
  if (NEXT_TOKENCODE.test(text)) return { kind: 'code', codeField, purpose: 'next-tokencode' };
  return { kind: 'code', codeField, purpose: 'code' };
}

function instructionsOf($: CheerioAPI, formNode: ReturnType<CheerioAPI>): string | undefined {
  for (const selector of ['#instructions', '#mfaInstructions', 'label[for]', '.instructions']) {
    const text = squash(formNode.find(selector).first().text()) || squash($(selector).first().text());
    if (text) return text;
  }
  return undefined;
}

/**
 * The "choose a method" page (Authentication Options): no adapter form, only form#options with one
 * `a.actionLink` per provider, the link id being the AuthMethod to post.
 */
export function classifyMethodChoice($: CheerioAPI, url: string): { form: HtmlForm; methods: MfaMethodOption[] } | undefined {
  const options = $('form#options').first();
  if (options.length === 0) return undefined;
  // Sign-in pages carry form#options too (with a certificate link); a choice page has nothing to type.
  if ($('input[type="password" i]').length > 0 || $('form#loginForm, form#loginFormPaginated, form#idpForm').length > 0) return undefined;
  const methods: MfaMethodOption[] = [];
  options.find('a.actionLink[id], [id].actionLink').each((_, a) => {
    const link = $(a);
    const id = link.attr('id') ?? '';
    if (id === '' || methods.some((m) => m.id === id)) return;
    methods.push({ id, name: squash(link.text()) || id });
  });
  if (methods.length === 0) return undefined;
  return { form: extractForm($, options.get(0), url), methods };
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
