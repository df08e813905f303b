/**
 * What the two Duo flows (classic iframe, Universal Prompt) share: the ports they get, the factor
 * choice, the JSON envelope Duo answers with ({"stat":"OK","response":{...}} or {"stat":"FAIL",
 * "message":...}), and the status poll with its outcomes (allow, deny, timeout) as typed errors.
 *
 * Duo has changed these endpoints several times since 2022 (venth/aws-adfs issues about the Universal
 * Prompt): everything that names a Duo field or status lives here or in classic.ts / universal.ts, so
 * that a change is a few lines. No secret (passcode, sid, txid, the AUTH cookie, duo_code) ever goes
 * into a status line, a debug line or an error: messages quote only Duo's own status texts.
 */
import { loadPage } from '../../load-page.js';
import { IdpError } from '../../../errors.js';
import type { HttpClient, HttpResponse } from '../../../http/client.js';
import { urlWithoutQuery } from '../../../http/url-policy.js';
import type { Logger } from '../../../log.js';
import type { Prompter } from '../../../ui/prompt.js';
import type { Progress } from '../../../ui/progress.js';
import { startCountdown } from '../../../ui/progress.js';
import { unattendedWaitError } from '../../adfs/mfa/wait.js';

export type DuoFactor = 'push' | 'phone' | 'passcode';

/** The ports a Duo handler needs; nothing else (no disk, no process). */
export interface DuoPorts {
  http: HttpClient;
  /** Asks for the factor and the passcode; absent or non-interactive: push (or the code below). */
  prompter?: Pick<Prompter, 'interactive' | 'choose' | 'password'>;
  /** A passcode from a non-interactive source (AWSFED_MFA_CODE, later --mfa-code): answers with it. */
  code?: string;
  /** One line on stderr for the user (the wait, the Verified Push code); never a secret. */
  status(line: string): void;
  /** The status line of the wait (spinner with a countdown on a terminal); absent: plain lines only. */
  progress?: Progress;
  log?: Logger;
  sleep(ms: number): Promise<void>;
  /** Monotonic milliseconds. */
  now(): number;
  /** How long to wait for the user to answer (push, call). */
  timeLimitMs: number;
  /** Nobody is there to answer (credential_process): only a preset passcode is used, never a push or call. */
  unattended?: boolean;
  /** Pause between status polls (default 1000; Duo's own page long-polls, an emulator answers at once). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

/** Duo's names of the factors on its prompt pages and in /prompt posts. */
export const DUO_FACTOR_NAMES: Record<DuoFactor, string> = { push: 'Duo Push', phone: 'Phone Call', passcode: 'Passcode' };

const FACTOR_LABELS: Record<DuoFactor, string> = {
  push: 'Duo Push (approve on your phone)',
  phone: 'Phone call',
  passcode: 'Passcode (from Duo Mobile, an SMS or a hardware token)',
};

/** What a Duo prompt page offers: the factors (as Duo names them) and the preferred device. */
export interface DuoPromptOffer {
  factors: string[];
  preferredFactor?: string;
  device?: string;
  /** Hidden inputs of the prompt page (the frameless flow needs its _xsrf). */
  hidden: Record<string, string>;
}

/** Reads the factors, the preferred factor and device, and the hidden inputs of a Duo prompt page. */
export function readPromptOffer(html: string): DuoPromptOffer {
  const $ = loadPage(html);
  const hidden: Record<string, string> = {};
  $('input[type="hidden" i]').each((_, el) => {
    const name = $(el).attr('name');
    if (name && !(name in hidden)) hidden[name] = $(el).attr('value') ?? '';
  });
  const factors = new Set<string>();
  $('[name="factor"]').each((_, el) => {
    const value = $(el).attr('value');
    if (value) factors.add(value);
  });
  $('select[name="factor"] option').each((_, el) => {
    const value = $(el).attr('value') ?? $(el).text().trim();
    if (value) factors.add(value);
  });
  const device = hidden.preferred_device || $('select[name="device"] option').first().attr('value') || undefined;
  const preferredFactor = hidden.preferred_factor || undefined;
  return { factors: [...factors], ...(preferredFactor ? { preferredFactor } : {}), ...(device ? { device } : {}), hidden };
}

/**
 * Which factor to use: a code from a non-interactive source means passcode; a terminal asks among the
 * factors the page offers that can be answered from a terminal; otherwise push (it needs no input).
 * WebAuthn, security keys and Touch ID cannot be answered over HTTP: never offered, and a page
 * offering nothing else is DUO_NO_USABLE_FACTOR.
 */
export async function chooseFactor(offer: DuoPromptOffer, ports: DuoPorts): Promise<{ factor: DuoFactor; passcode?: string }> {
  const offered = usableFactors(offer);
  if (ports.code !== undefined && ports.code !== '') {
    return { factor: 'passcode', passcode: ports.code };
  }
  // Before /prompt: that post is what sends the push.
  if (ports.unattended) throw unattendedWaitError('Duo', 'push or call');
  if (offered.length === 0) {
    throw new IdpError('DUO_NO_USABLE_FACTOR', `Duo offers no factor awsfed can answer from a terminal (offered: ${offer.factors.join(', ') || 'none'})`, {
      hint: 'Security keys, Touch ID and other WebAuthn factors need a browser. Add Duo Push, a phone call or a passcode device in Duo (or ask your Duo admin), or pass a passcode with AWSFED_MFA_CODE.',
    });
  }
  const prompter = ports.prompter;
  let factor: DuoFactor;
  if (prompter?.interactive && offered.length > 1) {
    const preferred = offered.find((f) => DUO_FACTOR_NAMES[f] === offer.preferredFactor) ?? offered[0]!;
    const ordered = [preferred, ...offered.filter((f) => f !== preferred)];
    factor = await prompter.choose('Duo second factor', ordered.map((f) => ({ value: f, name: FACTOR_LABELS[f] })));
  } else {
    factor = offered.includes('push') ? 'push' : offered[0]!;
  }
  if (factor !== 'passcode') return { factor };
  if (!prompter?.interactive) {
    throw new IdpError('DUO_NO_USABLE_FACTOR', 'Duo offers only a passcode here, and there is no terminal to ask for it', {
      hint: 'Pass the passcode with AWSFED_MFA_CODE, or run awsfed in a terminal.',
    });
  }
  const passcode = await prompter.password('Duo passcode', { hint: 'The code from Duo Mobile, an SMS or a hardware token.' });
  return { factor, passcode: passcode.trim() };
}

function usableFactors(offer: DuoPromptOffer): DuoFactor[] {
  // A page that lists no factor at all (some prompt pages build the list in script) still accepts push.
  if (offer.factors.length === 0) return ['push', 'phone', 'passcode'];
  const out: DuoFactor[] = [];
  for (const f of ['push', 'phone', 'passcode'] as const) {
    if (offer.factors.some((name) => name.toLowerCase() === DUO_FACTOR_NAMES[f].toLowerCase())) out.push(f);
  }
  return out;
}

/** The `response` object of a Duo JSON answer; stat FAIL or anything else is DUO_FAILED with Duo's message. */
export function duoJson(res: HttpResponse, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw duoFailed(`Duo answered ${what} at ${urlWithoutQuery(res.url)} with HTTP ${res.status} and no JSON`);
  }
  const envelope = (parsed ?? {}) as { stat?: unknown; response?: unknown; message?: unknown };
  if (envelope.stat !== 'OK' || typeof envelope.response !== 'object' || envelope.response === null) {
    const message = typeof envelope.message === 'string' ? `: "${oneLine(envelope.message)}"` : '';
    throw duoFailed(`Duo refused ${what} (HTTP ${res.status})${message}`);
  }
  return envelope.response as Record<string, unknown>;
}

export function duoFailed(message: string): IdpError {
  return new IdpError('DUO_FAILED', message, {
    hint: 'Duo changes its sign-in pages from time to time; run with --debug to see the steps, and report it (the Duo part of awsfed is small and easy to fix).',
  });
}

export function stringField(obj: Record<string, unknown>, name: string): string | undefined {
  const v = obj[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Statuses that mean "still waiting for the user". */
const WAITING = new Set(['pushed', 'calling', 'answered', 'waiting', 'sent', 'pending']);

/**
 * Polls the status endpoint until Duo says allow (returns that response), deny (DUO_DENIED or
 * DUO_PASSCODE_REJECTED) or timeout (DUO_TIMEOUT), or until our own time limit passes. The waiting line
 * is printed once, with the Verified Push code when Duo sends one: the user types it into Duo Mobile.
 */
export async function pollStatus(
  ports: DuoPorts,
  statusUrl: string,
  fields: Array<[string, string]>,
  factor: DuoFactor,
): Promise<Record<string, unknown>> {
  const started = ports.now();
  const interval = ports.pollIntervalMs ?? 1000;
  let announced = false;
  // On a terminal the spinner carries what we wait for and the time left; the Verified Push code stays
  // a normal line above it (the user must read it). Elsewhere one plain line, as before.
  const live = ports.progress?.live === true ? ports.progress : undefined;
  let countdown: { tick(): void; stop(): void } | undefined;
  try {
    for (let poll = 1; ; poll++) {
      const res = await ports.http.postForm(statusUrl, fields, { signal: ports.signal, reason: `poll Duo status (${poll})` });
      const response = duoJson(res, 'the status check');
      const code = stringField(response, 'status_code') ?? '';
      const text = stringField(response, 'status');
      ports.log?.debug(`duo status: ${code || '(none)'}`);
      if (code === 'allow') return response;
      if (code === 'deny' || code === 'fraud') {
        if (factor === 'passcode') {
          throw new IdpError('DUO_PASSCODE_REJECTED', `Duo did not accept the passcode${text ? `: "${oneLine(text)}"` : ''}`, {
            hint: 'Use a fresh code from Duo Mobile (or the next SMS passcode) and sign in again; too many wrong codes lock the Duo account.',
          });
        }
        throw new IdpError('DUO_DENIED', `The Duo ${factor === 'phone' ? 'phone call' : 'push'} was denied${text ? `: "${oneLine(text)}"` : ''}`, {
          hint: 'Sign in again and approve the request; if you did not start this sign-in, tell your security team.',
        });
      }
      if (code === 'timeout') {
        throw duoTimeout(`Duo gave up waiting for an answer to the ${factor === 'phone' ? 'phone call' : 'push'}${text ? `: "${oneLine(text)}"` : ''}`);
      }
      if (!WAITING.has(code)) {
        throw duoFailed(`Duo answered the status check with an unexpected status "${oneLine(code).slice(0, 40)}"`);
      }
      if (!announced && factor !== 'passcode') {
        announced = true;
        const verify = verifiedPushCode(response);
        const limit = Math.round(ports.timeLimitMs / 1000);
        const ask =
          factor === 'phone'
            ? 'Duo is calling your phone: answer and press a key'
            : verify
              ? `Duo Verified Push: enter ${verify} in Duo Mobile to approve`
              : 'Duo Push sent: approve it in Duo Mobile';
        if (!live) ports.status(`${ask} (waiting up to ${limit} s)`);
        else {
          if (verify) ports.status(`Duo Verified Push code: ${verify}`);
          countdown = startCountdown(live, (left) => `${ask}: ${left} left`, ports.timeLimitMs - (ports.now() - started), ports.now);
        }
      }
      countdown?.tick();
      if (ports.now() - started >= ports.timeLimitMs) {
        throw duoTimeout(`No answer to the Duo ${factor === 'phone' ? 'phone call' : 'push'} within ${Math.round(ports.timeLimitMs / 1000)} s (--mfa-timeout)`);
      }
      await ports.sleep(interval);
    }
  } finally {
    countdown?.stop();
  }
}

/** The code a Verified Push asks the user to type on the phone (Duo has sent it under two names). */
function verifiedPushCode(response: Record<string, unknown>): string | undefined {
  const direct = stringField(response, 'step_up_code');
  if (direct) return direct;
  const nested = response.risk_based_factor_selection_data;
  if (typeof nested === 'object' && nested !== null) return stringField(nested as Record<string, unknown>, 'step_up_code');
  return undefined;
}

function duoTimeout(message: string): IdpError {
  return new IdpError('DUO_TIMEOUT', message, {
    // The same words as MFA_TIMEOUT: our limit is --mfa-timeout, and a passcode comes from any code source.
    hint: 'Sign in again and answer sooner; to wait longer, raise --mfa-timeout / AWSFED_MFA_TIMEOUT / awsfed_mfa_timeout, or answer with a passcode from Duo Mobile instead (--mfa-code, --mfa-code-stdin, AWSFED_MFA_CODE, awsfed_mfa_command, or Passcode at the prompt).',
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** Hidden inputs and action of the first form on a page that holds `field`: the hand-back forms. */
export function formHolding(html: string, pageUrl: string, field: string): { action: string; entries: Array<[string, string]> } | undefined {
  const $ = loadPage(html);
  const input = $(`input[name="${field}"]`).first();
  if (input.length === 0) return undefined;
  const form = input.closest('form');
  if (form.length === 0) return undefined;
  const entries: Array<[string, string]> = [];
  form.find('input').each((_, el) => {
    const name = $(el).attr('name');
    const type = ($(el).attr('type') ?? 'text').toLowerCase();
    if (!name || type === 'submit' || type === 'button' || type === 'image') return;
    entries.push([name, $(el).attr('value') ?? '']);
  });
  return { action: resolveAction(form.attr('action'), pageUrl), entries };
}

export function resolveAction(action: string | undefined, pageUrl: string): string {
  if (action === undefined || action.trim() === '') return pageUrl;
  try {
    return new URL(action.trim(), pageUrl).toString();
  } catch {
    throw duoFailed(`A Duo page at ${urlWithoutQuery(pageUrl)} has a form whose action is not a URL`);
  }
}
