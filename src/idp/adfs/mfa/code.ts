/**
 * One-time-code adapters: Azure MFA verification code (VerificationCode), RSA SecurID (Passcode, then
 * the next-tokencode and new-PIN pages), Symantec VIP (SecurityCode / security_code), SafeNet
 * (SAFENET_PASSWORD), AD FS OATH (OathCode), Defender and other single-code adapters. The code goes
 * into the adapter's form, with the Context of the page that asked for it, to that form's action.
 *
 * A refused code: a code typed at the prompt is asked again (at most MAX_ATTEMPTS, before the adapter
 * locks the account); one from a flag, a variable, stdin or a command is tried once.
 */
import type { HttpResponse } from '../../../http/client.js';
import { formEntries } from '../form.js';
import { mfaFailureError, mfaFailureOf, tooManyAttemptsError } from './errors.js';
import { adapterLabel, type CodeRequest, type MfaPage, type MfaPorts } from './ports.js';
import type { CodePurpose } from './page.js';

export const MAX_ATTEMPTS = 3;
/** Passcode, next tokencode, new PIN, plus refusals: a conversation with one adapter is short. */
const MAX_ROUNDS = 8;

type Ports = Pick<MfaPorts, 'http' | 'classify' | 'signal' | 'paused' | 'codes' | 'status' | 'log'>;

export async function answerCodes(first: MfaPage, ports: Ports): Promise<HttpResponse> {
  const label = adapterLabel(first.adapter);
  let page = first;
  let attempt = 1;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const step = page.step;
    if (step.kind !== 'code') break;
    const request: CodeRequest = { adapter: page.adapter, purpose: step.purpose, label: promptLabel(label, step.purpose, page.instructions), attempt };
    const answer = await ports.paused(() => ports.codes.next(request));
    const set: Record<string, string> = { [step.codeField]: answer.code };
    if (step.confirmField) set[step.confirmField] = answer.code;
    ports.log.debug(`${label}: posting the ${purposeName(step.purpose)} (attempt ${attempt})`);
    const response = await ports.http.postForm(page.form.action, formEntries(page.form, { set }), {
      signal: ports.signal,
      reason: `post the ${label} ${purposeName(step.purpose)} (attempt ${attempt})`,
    });
    const next = ports.classify(response);
    if (next.kind !== 'mfa' || next.adapter !== page.adapter || next.step.kind !== 'code') return response;
    if (next.step.purpose !== step.purpose && !next.errorText) {
      // Accepted, and the adapter asks for more (SecurID: next tokencode, new PIN).
      page = next;
      attempt = 1;
      continue;
    }
    // The same page again: the code was refused (with the adapter's words, or silently).
    const failure = next.errorText ? mfaFailureOf(next.errorText) : 'rejected';
    if (failure === 'denied' || failure === 'too-many' || !answer.repeatable) throw mfaFailureError(failure, label, next.errorText, response.url);
    if (attempt >= MAX_ATTEMPTS) throw tooManyAttemptsError(label, attempt, response.url);
    ports.status(`The IdP did not accept the ${label} ${purposeName(step.purpose)}${next.errorText ? `: ${next.errorText}` : ''}`);
    page = next;
    attempt += 1;
  }
  throw tooManyAttemptsError(label, attempt, page.form.action);
}

function purposeName(purpose: CodePurpose): string {
  return purpose === 'new-pin' ? 'new PIN' : purpose === 'next-tokencode' ? 'next tokencode' : 'code';
}

function promptLabel(label: string, purpose: CodePurpose, instructions: string | undefined): string {
  switch (purpose) {
    case 'new-pin':
      return `New ${label} PIN:`;
    case 'next-tokencode':
      return `${label}: wait for the tokencode to change, then enter the next tokencode:`;
    case 'code':
      if (label === 'RSA SecurID') return 'RSA SecurID passcode (PIN + tokencode):';
      if (label === 'Azure MFA') return `Azure MFA verification code${instructions && /text|sms|call/i.test(instructions) ? ' (sent by SMS or call)' : ' (from the Authenticator app)'}:`;
      return `${label} code:`;
  }
}
