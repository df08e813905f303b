/**
 * The Duo Universal Prompt, frameless (what its page's scripts do), as the public tools learned it:
 *   POST form#adfs_form -> .../frame/frameless/v4/auth            -> a page whose URL has `sid`, with tx and _xsrf
 *   POST that page's form (tx, _xsrf, browser facts) to its URL     -> the prompt page (preferred factor, device)
 *   POST /frame/v4/prompt   sid, factor, device, passcode           -> {txid}
 *   POST /frame/v4/status   sid, txid until allow (pushed carries the Verified Push step_up_code)
 *   POST /frame/v4/oidc/exit sid, txid, factor, device_key, _xsrf, dampen_choice -> the page with the
 *        form back to AD FS (duo_code, state, and the adapter's context/authMethod), posted as is.
 * A remembered device skips the prompt: the exit form comes straight back, and is posted at once.
 */
import type { HttpResponse } from '../../../http/client.js';
import { DUO_FACTOR_NAMES, type DuoPorts, chooseFactor, duoFailed, duoJson, formHolding, pollStatus, readPromptOffer, stringField } from './conversation.js';
import type { DuoPage } from './recognise.js';

export async function answerDuoUniversal(page: Extract<DuoPage, { kind: 'duo-universal' }>, ports: DuoPorts): Promise<HttpResponse> {
  const request = { signal: ports.signal };
  const origin = new URL(page.action).origin;

  let res = await ports.http.postForm(page.action, page.entries, { ...request, reason: 'open the Duo Universal Prompt' });
  const early = handBack(res);
  if (early) return postBack(ports, early);

  const sid = new URL(res.url).searchParams.get('sid');
  if (!sid) throw duoFailed(`Duo's Universal Prompt did not start a session (no sid, HTTP ${res.status})`);
  // The browser-facts form (tx, _xsrf, screen size...): posted back as it is, to the URL it came from.
  const facts = formHolding(res.body, res.url, '_xsrf');
  if (facts && !readPromptOffer(res.body).preferredFactor) {
    res = await ports.http.postForm(facts.action, facts.entries.map(([n, v]) => [n, n === 'parent' && v === '' ? 'None' : v]), { ...request, reason: 'post the Duo browser facts' });
    const remembered = handBack(res);
    if (remembered) return postBack(ports, remembered);
  }

  const offer = readPromptOffer(res.body);
  const xsrf = offer.hidden._xsrf ?? (facts ? facts.entries.find(([n]) => n === '_xsrf')?.[1] : undefined) ?? '';
  const { factor, passcode } = await chooseFactor(offer, ports);
  const device = factor === 'passcode' ? 'None' : (offer.device ?? 'phone1');
  const fields: Array<[string, string]> = [['sid', sid], ['factor', DUO_FACTOR_NAMES[factor]], ['device', device]];
  if (passcode !== undefined) fields.push(['passcode', passcode]);
  const started = duoJson(await ports.http.postForm(`${origin}/frame/v4/prompt`, fields, { ...request, reason: 'start the Duo factor' }), 'the factor request');
  const txid = stringField(started, 'txid');
  if (!txid) throw duoFailed('Duo accepted the factor request but sent no transaction id');

  await pollStatus(ports, `${origin}/frame/v4/status`, [['sid', sid], ['txid', txid]], factor);
  const exit = await ports.http.postForm(
    `${origin}/frame/v4/oidc/exit`,
    [['sid', sid], ['txid', txid], ['factor', DUO_FACTOR_NAMES[factor]], ['device_key', ''], ['_xsrf', xsrf], ['dampen_choice', 'false']],
    { ...request, reason: "leave Duo's prompt" },
  );
  const back = handBack(exit);
  if (!back) throw duoFailed(`Duo approved the sign-in but its exit page holds no form back to AD FS (HTTP ${exit.status})`);
  return postBack(ports, back);
}

/** The exit page's form back to AD FS: the one holding duo_code. */
function handBack(res: HttpResponse): { action: string; entries: Array<[string, string]> } | undefined {
  return formHolding(res.body, res.url, 'duo_code');
}

function postBack(ports: DuoPorts, form: { action: string; entries: Array<[string, string]> }): Promise<HttpResponse> {
  return ports.http.postForm(form.action, form.entries, { signal: ports.signal, reason: "post Duo's answer back to the IdP" });
}
