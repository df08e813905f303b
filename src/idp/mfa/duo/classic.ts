/**
 * The classic Duo conversation (Duo Web v2, what the iframe does), as the public tools learned it:
 *   POST https://HOST/frame/web/v1/auth?tx=TX|...&parent=PAGE&v=2.6   -> the prompt page; its URL has `sid`
 *   POST /frame/prompt   sid, device, factor (Duo Push | Phone Call | Passcode), passcode  -> {txid}
 *   POST /frame/status   sid, txid, repeated until status_code allow (or deny / timeout)
 *   POST result_url      sid  -> {cookie: AUTH|...}  (newer frames put the cookie in the allow answer)
 * then AD FS gets sig_response = AUTH|... + ':' + the APP|... half of the request, with AuthMethod and Context.
 */
import type { HttpResponse } from '../../../http/client.js';
import { DUO_FACTOR_NAMES, type DuoPorts, chooseFactor, duoFailed, duoJson, pollStatus, readPromptOffer, stringField } from './conversation.js';
import type { DuoPage } from './recognise.js';

export async function answerDuoClassic(page: Extract<DuoPage, { kind: 'duo-classic' }>, ports: DuoPorts): Promise<HttpResponse> {
  const [tx, app] = page.sigRequest.split(':') as [string, string];
  const origin = `https://${page.host}`;
  const request = { signal: ports.signal };

  const authUrl = new URL('/frame/web/v1/auth', origin);
  authUrl.searchParams.set('tx', tx);
  authUrl.searchParams.set('parent', page.pageUrl);
  authUrl.searchParams.set('v', '2.6');
  const prompt = await ports.http.postForm(authUrl.toString(), [['parent', page.pageUrl], ['java_version', ''], ['flash_version', ''], ['screen_resolution_width', '1280'], ['screen_resolution_height', '800'], ['color_depth', '24']], { ...request, reason: 'open the Duo prompt' });
  const sid = new URL(prompt.url).searchParams.get('sid') ?? readPromptOffer(prompt.body).hidden.sid;
  if (!sid) throw duoFailed(`Duo did not start a session (no sid after /frame/web/v1/auth, HTTP ${prompt.status})`);

  const offer = readPromptOffer(prompt.body);
  const { factor, passcode } = await chooseFactor(offer, ports);
  const fields: Array<[string, string]> = [['sid', sid], ['device', offer.device ?? 'phone1'], ['factor', DUO_FACTOR_NAMES[factor]], ['out_of_date', '']];
  if (passcode !== undefined) fields.push(['passcode', passcode]);
  const started = duoJson(await ports.http.postForm(new URL('/frame/prompt', origin).toString(), fields, { ...request, reason: 'start the Duo factor' }), 'the factor request');
  const txid = stringField(started, 'txid');
  if (!txid) throw duoFailed('Duo accepted the factor request but sent no transaction id');

  const allowed = await pollStatus(ports, new URL('/frame/status', origin).toString(), [['sid', sid], ['txid', txid]], factor);
  let cookie = stringField(allowed, 'cookie');
  const resultUrl = stringField(allowed, 'result_url');
  if (!cookie && resultUrl) {
    const result = duoJson(await ports.http.postForm(new URL(resultUrl, origin).toString(), [['sid', sid]], { ...request, reason: "fetch Duo's result" }), 'the result request');
    cookie = stringField(result, 'cookie');
  }
  if (!cookie) throw duoFailed('Duo approved the sign-in but sent no signed answer (no cookie)');

  const entries: Array<[string, string]> = [...page.entries, ['sig_response', `${cookie}:${app}`]];
  return ports.http.postForm(page.action, entries, { ...request, reason: "post Duo's answer back to the IdP" });
}
