/**
 * Recognises the two AD FS pages that hand over to Duo (pure: page in, data out).
 *
 * Classic adapter (DuoAdfsAdapter, Duo Web v2 iframe): the Duo host and the signed request
 * `TX|...:APP|...` are on the page in one of three places, depending on the adapter version: data-host /
 * data-sig-request on iframe#duo_iframe, hidden inputs duo_host / duo_sig_request, or a Duo.init({...})
 * script call. The answer goes back to the page's form (form#duo_form, else form#options) with
 * AuthMethod, Context and sig_response.
 *
 * Universal Prompt (adapter v2): form#adfs_form posts to Duo's frameless /frame/frameless/v4/auth; the
 * rest of the conversation happens at Duo, and Duo's exit page holds the form back to AD FS.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { loadPage } from '../../load-page.js';
import { resolveAction } from './conversation.js';

export type DuoPage =
  | {
      kind: 'duo-classic';
      /** host[:port], as the page names it. */
      host: string;
      /** TX|...:APP|... */
      sigRequest: string;
      /** Where sig_response goes (AD FS). */
      action: string;
      /** The form's other fields (AuthMethod, Context), posted back with sig_response. */
      entries: Array<[string, string]>;
      /** The AD FS page URL (Duo's `parent`). */
      pageUrl: string;
    }
  | {
      kind: 'duo-universal';
      /** Duo's frameless auth URL (form#adfs_form's action). */
      action: string;
      entries: Array<[string, string]>;
    };

const SIG_REQUEST = /^TX\|[^:]+:APP\|[^:]+$/;

export function recogniseDuoPage(html: string, url: string): DuoPage | undefined {
  // Cheap test first: most pages are not Duo pages and need no second parse.
  if (!/duo/i.test(html)) return undefined;
  const $ = loadPage(html);

  const adfsForm = $('form#adfs_form').first();
  const frameless = adfsForm.attr('action') ?? '';
  if (adfsForm.length > 0 && /\/frame\/frameless\/v\d+\/auth/.test(frameless)) {
    return { kind: 'duo-universal', action: resolveAction(frameless, url), entries: inputsOf($, adfsForm) };
  }

  const iframe = $('iframe#duo_iframe').first();
  const script = $('script')
    .toArray()
    .map((el) => $(el).text())
    .join('\n');
  const host =
    iframe.attr('data-host') ||
    $('input[name="duo_host"]').first().attr('value') ||
    /['"]?host['"]?\s*:\s*['"]([^'"]+)['"]/.exec(script)?.[1];
  const sigRequest =
    iframe.attr('data-sig-request') ||
    $('input[name="duo_sig_request"]').first().attr('value') ||
    /['"]?sig_request['"]?\s*:\s*['"]([^'"]+)['"]/.exec(script)?.[1];
  if (!host || !sigRequest || !SIG_REQUEST.test(sigRequest.trim())) return undefined;

  const form = [$('form#duo_form').first(), $('form#options').first()].find((f) => f.length > 0);
  const entries = form ? inputsOf($, form).filter(([name]) => name !== 'sig_response' && name !== 'duo_host' && name !== 'duo_sig_request') : [];
  // The answer must name the adapter even where the form lacks the input (form#options carries an empty one).
  const withMethod = entries.filter(([name]) => name !== 'AuthMethod');
  withMethod.unshift(['AuthMethod', 'DuoAdfsAdapter']);
  if (!withMethod.some(([name]) => name === 'Context')) {
    const context = $('input[name="Context"]').first().attr('value');
    if (context !== undefined) withMethod.push(['Context', context]);
  }
  return {
    kind: 'duo-classic',
    host: host.trim(),
    sigRequest: sigRequest.trim(),
    action: resolveAction(form?.attr('action'), url),
    entries: withMethod,
    pageUrl: url,
  };
}

function inputsOf($: CheerioAPI, form: ReturnType<CheerioAPI>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  form.find('input').each((_, el) => {
    const name = $(el).attr('name');
    const type = ($(el).attr('type') ?? 'text').toLowerCase();
    if (!name || type === 'submit' || type === 'button' || type === 'image') return;
    out.push([name, $(el).attr('value') ?? '']);
  });
  return out;
}
