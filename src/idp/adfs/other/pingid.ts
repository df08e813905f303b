/**
 * PingID swipe / push (with number matching since PingID's 2023 change): the wait page shows the number
 * in div.numbermatching and its script polls .../pingid/ppm/auth/status; when the phone approves, the
 * page posts its form and PingFederate goes on to the SAMLResponse. We poll the same URL with the
 * form's hidden fields every 1.5 s under --mfa-timeout, then post the form. The status JSON's wording
 * (`status`: PENDING / OK / DENIED / TIMEOUT) rests on the public tools' code and Ping's documentation,
 * not on captures (README, "Second factors").
 */
import type { HttpResponse } from '../../../http/client.js';
import { hostOf } from '../../../http/deadline.js';
import { IdpError } from '../../../errors.js';
import { urlWithoutQuery } from '../../../http/url-policy.js';
import { startCountdown } from '../../../ui/progress.js';
import { formEntries } from '../form.js';
import { formatLimit } from '../mfa/azure.js';
import { mfaFailureError, mfaTimeoutError } from '../mfa/errors.js';
import { DEFAULT_POLL_INTERVAL_MS, type MfaPage, type MfaPorts } from '../mfa/ports.js';
import { refuseUnattendedWait, underMfaLimit } from '../mfa/wait.js';

type Ports = Pick<MfaPorts, 'http' | 'signal' | 'paused' | 'status' | 'sleep' | 'now' | 'settings' | 'log' | 'progress'>;

const APPROVED = /^(?:ok|approved|success|succeeded|done|authenticated)$/i;
const PENDING = /^(?:pending|in_?progress|waiting|sent|)$/i;
const DENIED = /^(?:denied|rejected|declined|blocked|cancel(?:l)?ed|fail(?:ed|ure)?)$/i;
const TIMED_OUT = /^(?:timeout|timed_?out|expired)$/i;

export async function waitForPingPush(page: MfaPage, ports: Ports): Promise<HttpResponse> {
  if (page.step.kind !== 'ping-push') throw new Error('waitForPingPush: not a PingID push page');
  const { statusUrl, numberToMatch } = page.step;
  refuseUnattendedWait(ports.settings, PINGID_LABEL, 'push notification');
  const limitMs = ports.settings.timeoutMs;
  const interval = ports.settings.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const ask = `Approve the sign-in in the PingID app on your phone${numberToMatch !== undefined ? ` by choosing ${numberToMatch}` : ''}`;
  // As for Azure MFA: the number a line above, then on a terminal the spinner with the countdown, elsewhere one plain line.
  const live = ports.progress?.live === true ? ports.progress : undefined;
  if (numberToMatch !== undefined) ports.status(pingBanner(numberToMatch));
  if (!live) ports.status(`${ask}; waiting up to ${formatLimit(limitMs)} (--mfa-timeout)...`);
  const hidden = formEntries(page.form, { submit: null });
  return underMfaLimit(ports, PINGID_LABEL, 'push notification', async (signal) => {
    const started = ports.now();
    const countdown = live ? startCountdown(live, (left) => `${ask}: ${left} left (--mfa-timeout)`, limitMs, ports.now) : undefined;
    try {
      return await pollPing(page, ports, { statusUrl, hidden, limitMs, interval, started, signal, tick: () => countdown?.tick() });
    } finally {
      countdown?.stop();
    }
  });
}

async function pollPing(
  page: MfaPage,
  ports: Ports,
  w: { statusUrl: string; hidden: Array<[string, string]>; limitMs: number; interval: number; started: number; signal: AbortSignal; tick(): void },
): Promise<HttpResponse> {
  const { statusUrl, hidden, limitMs, interval, started, signal } = w;
  for (let poll = 1; ; poll++) {
    if (ports.now() - started >= limitMs) throw mfaTimeoutError(PINGID_LABEL, limitMs, 'push notification');
    await ports.sleep(interval);
    w.tick();
    ports.log.debug(`PingID: poll ${poll} at ${hostOf(statusUrl)}`);
    const response = await ports.http.postForm(statusUrl, hidden, { signal, reason: `poll ${PINGID_LABEL} push (${poll})` });
    const status = statusOf(response);
    if (status === undefined) throw unexpectedStatusError(response);
    if (APPROVED.test(status)) return ports.http.postForm(page.form.action, formEntries(page.form), { signal, reason: `post the ${PINGID_LABEL} approval back to the IdP` });
    if (DENIED.test(status)) throw mfaFailureError('denied', PINGID_LABEL, undefined, statusUrl);
    if (TIMED_OUT.test(status)) throw mfaTimeoutError(PINGID_LABEL, limitMs, 'push notification');
    if (!PENDING.test(status)) throw unexpectedStatusError(response);
  }
}

const PINGID_LABEL = 'PingID';

/** The number set apart on its own lines, as for Azure MFA (mfa/azure.ts numberBanner). */
export function pingBanner(number: string): string {
  const text = `  Number to enter in PingID:  ${number}  `;
  const rule = `+${'-'.repeat(text.length)}+`;
  return `${rule}\n|${text}|\n${rule}`;
}

function statusOf(response: HttpResponse): string | undefined {
  if (response.status >= 400) return undefined;
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (parsed !== null && typeof parsed === 'object' && 'status' in parsed && typeof parsed.status === 'string') return parsed.status.trim();
  } catch {
    // not JSON: handled by the caller
  }
  return undefined;
}

function unexpectedStatusError(response: HttpResponse): IdpError {
  return new IdpError('MFA_PUSH_STATUS_UNKNOWN', `PingID answered the push status poll with something awsfed does not know (HTTP ${response.status}) at ${urlWithoutQuery(response.url)}`, {
    hint: 'Run with --debug to see the steps; use a one-time code from the PingID app instead (pick it on the PingID page, or --mfa-method), and report the page.',
  });
}
