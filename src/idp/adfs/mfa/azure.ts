/**
 * Azure MFA on AD FS.
 *
 * Cloud adapter (AzureMfaAuthentication, AD FS 2016+): the push page says so in p#instructions; since
 * May 2023 every Authenticator push uses number matching, and the number is in p#validEntropyNumber (the
 * instructions around it are filled by script, so the element is read, not the text). The browser
 * re-posts AuthMethod + Context until a page with the SAMLResponse arrives; we do the same every 1.5 s
 * under --mfa-timeout. The verification-code variant (#verificationCodeInput) is a code page (code.ts).
 *
 * MFA Server (AzureMfaServerAuthentication): one POST that blocks until the phone answers; a denial
 * comes back as the page again with "Authentication denied. Please try again." in #errorText.
 */
import type { HttpResponse } from '../../../http/client.js';
import { hostOf } from '../../../http/deadline.js';
import { startCountdown } from '../../../ui/progress.js';
import { formEntries } from '../form.js';
import { mfaFailureError, mfaFailureOf, mfaTimeoutError } from './errors.js';
import { adapterLabel, DEFAULT_POLL_INTERVAL_MS, type MfaPage, type MfaPorts } from './ports.js';
import { refuseUnattendedWait, underMfaLimit } from './wait.js';

type Ports = Pick<MfaPorts, 'http' | 'classify' | 'signal' | 'paused' | 'status' | 'sleep' | 'now' | 'settings' | 'log' | 'progress'>;

/** Polls the push page until it turns into something else (the SAMLResponse, a code page, an error). */
export async function waitForPush(first: MfaPage, ports: Ports): Promise<HttpResponse> {
  const label = adapterLabel(first.adapter);
  refuseUnattendedWait(ports.settings, label, 'push notification');
  const limitMs = ports.settings.timeoutMs;
  const interval = ports.settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  let page = first;
  // On a terminal the spinner line carries the instructions and a live countdown; elsewhere one plain
  // line says what we wait for (scripts read it). The number is a normal line above either.
  const live = ports.progress?.live === true ? ports.progress : undefined;
  let shownNumber = announce(page, undefined, ports, limitMs, live !== undefined);
  return underMfaLimit(ports, label, 'push notification', async (signal) => {
    const started = ports.now();
    const countdown = live
      ? startCountdown(live, (left) => `Approve the sign-in in Microsoft Authenticator${shownNumber ? ` by entering ${shownNumber}` : ''}: ${left} left (--mfa-timeout)`, limitMs, ports.now)
      : undefined;
    try {
      for (let poll = 1; ; poll++) {
        if (ports.now() - started >= limitMs) throw mfaTimeoutError(label, limitMs, 'push notification');
        await ports.sleep(interval);
        countdown?.tick();
        ports.log.debug(`${label}: poll ${poll} at ${hostOf(page.form.action)}`);
        const response = await ports.http.postForm(page.form.action, formEntries(page.form, { submit: null }), { signal, reason: `poll ${label} push (${poll})` });
        const next = ports.classify(response);
        if (next.kind !== 'mfa' || next.adapter !== page.adapter || next.step.kind !== 'push') return response;
        if (next.errorText) throw mfaFailureError(pushFailure(next.errorText), label, next.errorText, response.url);
        page = next;
        shownNumber = announce(page, shownNumber, ports, limitMs, live !== undefined);
      }
    } finally {
      countdown?.stop();
    }
  });
}

/** Shows the number to match (again only when it changes) and, once, what we are waiting for. */
function announce(page: MfaPage, shown: string | undefined, ports: Pick<Ports, 'status'>, limitMs: number, live: boolean): string | undefined {
  const number = page.step.kind === 'push' ? page.step.numberToMatch : undefined;
  if (shown === undefined) {
    if (number !== undefined) ports.status(numberBanner(number));
    if (!live) ports.status(`Approve the sign-in in Microsoft Authenticator on your phone${number !== undefined ? ` by entering ${number}` : ''}; waiting up to ${formatLimit(limitMs)} (--mfa-timeout)...`);
    return number ?? '';
  }
  if (number !== undefined && number !== shown) {
    ports.status(numberBanner(number));
    return number;
  }
  return shown;
}

/** The number is the one thing the user must read from the terminal: set apart, on its own lines. */
export function numberBanner(number: string): string {
  const text = `  Number to enter in Authenticator:  ${number}  `;
  const rule = `+${'-'.repeat(text.length)}+`;
  return `${rule}\n|${text}|\n${rule}`;
}

/** On a push page any error text ends the wait; "rejected" there means the push was not approved. */
function pushFailure(errorText: string): 'denied' | 'expired' | 'too-many' {
  const failure = mfaFailureOf(errorText);
  return failure === 'rejected' ? 'denied' : failure;
}

/** MFA Server: one POST that returns when the phone answers (or the limit ends it). */
export async function waitForServer(page: MfaPage, ports: Ports): Promise<HttpResponse> {
  const label = adapterLabel(page.adapter);
  // Before the POST: that POST is what makes the phone ring.
  refuseUnattendedWait(ports.settings, label, 'call');
  const limitMs = ports.settings.timeoutMs;
  const ask = 'Answer the call or notification from Azure MFA Server on your phone';
  const live = ports.progress?.live === true ? ports.progress : undefined;
  if (!live) ports.status(`${ask}; waiting up to ${formatLimit(limitMs)} (--mfa-timeout)...`);
  const response = await underMfaLimit(ports, label, 'call', async (signal) => {
    const countdown = live ? startCountdown(live, (left) => `${ask}: ${left} left (--mfa-timeout)`, limitMs, ports.now) : undefined;
    try {
      return await ports.http.postForm(page.form.action, formEntries(page.form, { submit: null }), { signal, timeoutMs: limitMs, reason: `wait for the ${label} call` });
    } finally {
      countdown?.stop();
    }
  });
  const next = ports.classify(response);
  if (next.kind === 'mfa' && next.adapter === page.adapter && next.step.kind === 'server-wait' && next.errorText) {
    throw mfaFailureError(pushFailure(next.errorText), label, next.errorText, response.url);
  }
  return response;
}

export function formatLimit(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}
