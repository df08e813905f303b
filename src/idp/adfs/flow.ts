/**
 * The sign-in loop (saml2aws' checkResponse shape): fetch the entry URL, classify the page, let the
 * handler for that kind build the next post, and repeat until a page carries a SAMLResponse. Every
 * other ending is an IdpError with a hint. Network and disk come in through options (the http port and
 * saveDebugPage).
 *
 * The whole conversation runs under one deadline (--timeout; issue 6, item 7), on top of each request's
 * own: an IdP that answers every request just in time, page after page, still ends in SIGNIN_TIMEOUT.
 * Time spent asking the user for credentials is not counted.
 */
import { IdpError } from '../../errors.js';
import type { HttpClient, HttpResponse, RequestOptions } from '../../http/client.js';
import { DeadlineExceeded, hostOf, startDeadline } from '../../http/deadline.js';
import { displayUrl, urlWithoutQuery } from '../../http/url-policy.js';
import type { Logger } from '../../log.js';
import type { Progress } from '../../ui/progress.js';
import { withProgress } from '../../ui/progress.js';
import type { Prompter } from '../../ui/prompt.js';
import { answerDuo, recogniseDuoPage } from '../mfa/duo/answer.js';
import { redactError, redactingLogger, secretForms } from '../../redact.js';
import { classify, type Page, type PageKind } from './classify.js';
import type { HtmlForm } from './form.js';
import { type CredentialCache, cacheCredentials, loginFormEntries, passwordPageEntries, usernamePageEntries } from './login.js';
import { errorPageError, httpStatusError, mfaUnsupportedError, unknownPageError } from './page-error.js';
import type { MfaChooser, MfaCodeSource, MfaPage, MfaPorts, MfaSettings } from './mfa/ports.js';
import { DEFAULT_MFA_TIMEOUT_MS } from './mfa/ports.js';
import { chooseRelyingParty, siteSelectionEntries } from './site-selection.js';

export interface SignInCredentials {
  username(): Promise<string>;
  password(): Promise<string>;
}

export interface SignInOptions {
  entryUrl: string;
  relyingParty?: string;
  http: HttpClient;
  credentials: SignInCredentials;
  log: Logger;
  /** Default 12. */
  maxSteps?: number;
  /** Deadline for the whole sign-in, prompts excluded (default 120000). */
  timeoutMs?: number;
  /** Second factors; without it an MFA page ends the sign-in with IDP_MFA_UNSUPPORTED. */
  mfa?: SignInMfaOptions;
  /** The status line while a page is on its way ("Contacting idp.example.com"); absent: none. */
  progress?: Progress;
  /** Saves a redacted unknown page (named awsfed-page-<step>.html) and returns where it went; none without it. */
  saveDebugPage?: (name: string, html: string) => Promise<string>;
  /**
   * Windows integrated sign-in (src/idp/adfs/wia.ts): `http` presents a WIA user agent and hands back a
   * 401 challenge as it is; this answers it (Kerberos or NTLM) and gives the page that follows. The rest
   * of the conversation (site selection, second factors, error pages) is the forms sign-in's. A page
   * asking for the password means AD FS did not offer Windows sign-in: that is `notOffered`.
   */
  windowsAuth?: WindowsAuth;
}

export interface WindowsAuth {
  answer(challenge: HttpResponse, session: { signal: AbortSignal; paused<T>(work: () => Promise<T>): Promise<T> }): Promise<HttpResponse>;
  notOffered(url: string, what: string): IdpError;
}

export interface SignInMfaOptions {
  codes: MfaCodeSource;
  chooser: MfaChooser;
  /** A line on stderr (the push wait, the number to match). */
  status(line: string): void;
  settings: MfaSettings;
  /** Duo asks which factor to use and reads a passcode itself (src/idp/mfa/duo); absent: push, or a preset code. */
  prompter?: Pick<Prompter, 'interactive' | 'choose' | 'password'>;
  /** The status line of the waits (push countdown); absent: plain lines only. */
  progress?: Progress;
  /** Fakes for tests; default setTimeout and performance.now. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface SignInResult {
  /** Base64, as posted by the IdP. */
  samlResponse: string;
  /** Page kinds visited, in order. */
  steps: string[];
  /** Where the IdP would post the SAMLResponse (the AWS sign-in endpoint of the partition). */
  samlAction?: string;
}

const DEFAULT_MAX_STEPS = 12;
export const DEFAULT_SIGNIN_TIMEOUT_MS = 120_000;
const CREDENTIAL_KINDS: ReadonlySet<PageKind> = new Set(['login-form', 'password-page']);

export async function signIn(opts: SignInOptions): Promise<SignInResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SIGNIN_TIMEOUT_MS;
  const deadline = startDeadline(timeoutMs, new DeadlineExceeded((host) => signInTimeoutError(host, timeoutMs)));
  const creds = cacheCredentials({
    username: () => deadline.paused(() => opts.credentials.username()),
    password: () => deadline.paused(() => opts.credentials.password()),
  });
  try {
    // What the IdP says is quoted in errors and debug lines (error texts, titles, adapter names, URLs):
    // an IdP or proxy that echoes the posted password (or an MFA code) must not get it printed.
    const secrets = (): string[] => [...creds.secrets(), ...(opts.mfa?.codes.secrets() ?? [])];
    return await converse(
      { ...opts, log: redactingLogger(opts.log, secrets) },
      { signal: deadline.signal, paused: (work) => deadline.paused(work), creds, secrets },
    );
  } catch (error) {
    throw redactError(error, [...creds.secrets(), ...(opts.mfa?.codes.secrets() ?? [])]);
  } finally {
    deadline.dispose();
  }
}

function signInTimeoutError(host: string, timeoutMs: number): IdpError {
  const limit = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
  return new IdpError('SIGNIN_TIMEOUT', `The sign-in did not finish within ${limit} (--timeout); it was waiting for ${host}`, {
    hint: 'If the IdP is just slow, raise --timeout / AWSFED_TIMEOUT / awsfed_timeout in the profile (e.g. --timeout 5m); otherwise check the network, VPN or proxy.',
  });
}

async function converse(
  opts: SignInOptions,
  session: { signal: AbortSignal; paused<T>(work: () => Promise<T>): Promise<T>; creds: CredentialCache; secrets(): string[] },
): Promise<SignInResult> {
  const maxSteps = opts.maxSteps ?? DEFAULT_MAX_STEPS;
  const { creds } = session;
  const steps: string[] = [];
  const save = opts.saveDebugPage;
  const request: RequestOptions = { signal: session.signal };
  let lastPosted: PageKind | undefined;

  // The status line names the host only: a URL's query may carry a SAMLRequest or a user name.
  const contact = (url: string, work: () => Promise<HttpResponse>) => withProgress(opts.progress, `Contacting ${hostOf(url)}…`, work);
  let response = await contact(opts.entryUrl, () => opts.http.get(opts.entryUrl, { ...request, reason: 'IdP-initiated sign-on page' }));
  for (let step = 1; step <= maxSteps; step++) {
    if (response.status === 401 && opts.windowsAuth) {
      // Outside the status line: NTLM may ask for the password.
      response = await opts.windowsAuth.answer(response, session);
      steps.push('windows-auth');
      continue;
    }
    const page = classify(response.body, response.url);
    steps.push(page.kind);
    opts.log.debug(`sign-in step ${step}: ${page.kind} (HTTP ${response.status}) at ${displayUrl(response.url)}`);

    const dump = async (): Promise<string | undefined> => {
      if (!save) return undefined;
      const { redactPage } = await import('./debug-page.js');
      // The page may echo the password or a code as typed or encoded into a link: scrub every form of it.
      return save(`awsfed-page-${step}.html`, redactPage(response.body, session.secrets().flatMap(secretForms)));
    };

    // Duo's adapter pages (classic and Universal Prompt) are answered at Duo. Waiting for the user is not
    // the IdP's time: Duo's wait has its own limit.
    const duo = page.kind === 'mfa' && page.adapter === 'DuoAdfsAdapter' ? recogniseDuoPage(response.body, response.url) : undefined;
    if (duo) {
      response = await session.paused(async () => answerDuo(duo, await duoPorts(opts, session.signal)));
      continue;
    }

    switch (page.kind) {
      case 'saml-response':
        return { samlResponse: page.samlResponse, steps, samlAction: page.action };
      case 'error':
        throw errorPageError(page.reason, page.message, response.url);
      case 'mfa': {
        // Each handler runs its own rounds with the adapter (polls, refused codes) and hands back the
        // first page that is not that adapter's: usually the SAMLResponse.
        if (page.step.kind === 'security-key') {
          const { securityKeyError } = await import('./other/webauthn.js');
          throw securityKeyError(page.step.method, page.step.alternative, response.url);
        }
        const ports = mfaPorts(opts, session);
        if (!ports) throw mfaUnsupportedError(page.adapter, response.url);
        lastPosted = undefined;
        response = await answerMfa(page, response.url, ports);
        continue;
      }
      case 'mfa-choice': {
        const ports = mfaPorts(opts, session);
        if (!ports) throw mfaUnsupportedError('(choice of methods)', response.url);
        const { chooseMethodEntries } = await import('./mfa/choose-method.js');
        const entries = await chooseMethodEntries(page, ports);
        lastPosted = undefined;
        response = await contact(page.form.action, () => submit(opts.http, page.form, entries, { ...request, reason: 'post the MFA method choice' }));
        continue;
      }
      case 'unknown': {
        const saved = await dump();
        if (response.status >= 400) throw httpStatusError(response.status, page.title, response.url, saved);
        throw unknownPageError(page.title, response.url, saved);
      }
      default:
        break;
    }

    // The same credential page right after we posted it, without an error text: AD FS sometimes answers
    // a wrong password that way. Posting again would loop (and count towards the lockout).
    if (lastPosted !== undefined && page.kind === lastPosted && (CREDENTIAL_KINDS.has(page.kind) || page.kind === 'username-page')) {
      throw new IdpError(
        'IDP_BAD_CREDENTIALS',
        page.kind === 'username-page'
          ? `The IdP did not accept the user name (it showed the user-name page again at ${urlWithoutQuery(response.url)})`
          : `The IdP showed the sign-in form again at ${urlWithoutQuery(response.url)}: the user name or password was not accepted`,
        { hint: 'Check the user name (often DOMAIN\\user or user@domain) and the password, then try again.' },
      );
    }
    if (opts.windowsAuth && page.kind !== 'site-selection') throw opts.windowsAuth.notOffered(response.url, 'showed its forms sign-in page');
    const { form, entries } = await nextPost(page, opts, creds);
    lastPosted = page.kind;
    assertSameOriginCredentials(form, entries, response.url);
    response = await contact(form.action, () => submit(opts.http, form, entries, { ...request, reason: POST_REASONS[page.kind] }));
  }
  throw new IdpError('IDP_TOO_MANY_STEPS', `Sign-in did not finish after ${maxSteps} pages (${steps.join(' -> ')})`, {
    hint: 'The IdP keeps sending pages without a SAML response; run with --debug to see each step.',
  });
}

/** The --debug reason of each post the loop makes itself (the MFA handlers name their own). */
const POST_REASONS: Record<'login-form' | 'username-page' | 'password-page' | 'site-selection', string> = {
  'login-form': 'post the login form',
  'username-page': 'post the user name',
  'password-page': 'post the password',
  'site-selection': 'post the relying-party choice',
};

async function nextPost(
  page: Exclude<Page, { kind: 'saml-response' | 'error' | 'mfa' | 'mfa-choice' | 'unknown' }>,
  opts: SignInOptions,
  creds: CredentialCache,
): Promise<{ form: HtmlForm; entries: Array<[string, string]> }> {
  switch (page.kind) {
    case 'login-form':
      return { form: page.form, entries: await loginFormEntries(page.form, creds) };
    case 'username-page':
      return { form: page.form, entries: await usernamePageEntries(page.form, creds) };
    case 'password-page':
      return { form: page.form, entries: await passwordPageEntries(page.form, creds) };
    case 'site-selection': {
      const rp = chooseRelyingParty(page.relyingParties, opts.relyingParty);
      opts.log.debug(`relying party: ${rp.name}`);
      return { form: page.form, entries: siteSelectionEntries(page.form, rp) };
    }
  }
}

/** Duo's ports from the second-factor options: a preset code (flag, stdin, variable, command) answers as a passcode. */
async function duoPorts(opts: SignInOptions, signal: AbortSignal): Promise<Parameters<typeof answerDuo>[1]> {
  const mfa = opts.mfa;
  const code = await mfa?.codes.preset();
  return {
    http: opts.http,
    ...(mfa?.prompter ? { prompter: mfa.prompter } : {}),
    ...(code ? { code } : {}),
    status: mfa?.status ?? ((line) => opts.log.info(line)),
    ...((mfa?.progress ?? opts.progress) ? { progress: (mfa?.progress ?? opts.progress)! } : {}),
    log: opts.log,
    sleep: mfa?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: mfa?.now ?? (() => performance.now()),
    timeLimitMs: mfa?.settings.timeoutMs ?? DEFAULT_MFA_TIMEOUT_MS,
    ...(mfa?.settings.unattended ? { unattended: true } : {}),
    signal,
  };
}

/**
 * The user name and password go only to the origin that served the form (https may replace http on the
 * same host and port). A browser would post a form wherever its action points; awsfed does not, so
 * that a form injected into the sign-in page, or rewritten by a proxy, cannot send the password to
 * another host, even over https. AD FS, Keycloak, Shibboleth and PingFederate all post their sign-in
 * forms back to their own host; a redirect to another IdP host is still followed, and that host's own
 * form is posted back to it. Forms without credentials (the relying-party picker) are not concerned.
 */
function assertSameOriginCredentials(form: HtmlForm, entries: Array<[string, string]>, pageUrl: string): void {
  const credentialFields = [form.userNameField, form.passwordField, 'UserName'].filter((name): name is string => name !== undefined);
  if (!entries.some(([name]) => credentialFields.includes(name))) return;
  let page: URL;
  let action: URL;
  try {
    page = new URL(pageUrl);
    action = new URL(form.action);
  } catch {
    return; // the URL policy refuses what does not parse, with its own message
  }
  if (action.origin === page.origin) return;
  const upgraded = page.protocol === 'http:' && action.protocol === 'https:' && action.hostname === page.hostname && action.port === page.port;
  if (upgraded) return;
  const actionHost = action.host || action.protocol;
  throw new IdpError('IDP_CROSS_ORIGIN_FORM', `The sign-in form at ${urlWithoutQuery(pageUrl)} would send your user name or password to another host (${actionHost}, not ${page.host})`, {
    hint: 'awsfed posts credentials only to the host that served the form. If that other host is your real IdP, give its sign-in URL as the IdP URL (--idp-url); otherwise the page may have been tampered with: report it to your IdP administrator.',
  });
}

function submit(http: HttpClient, form: HtmlForm, entries: Array<[string, string]>, request: RequestOptions): Promise<HttpResponse> {
  if (form.method === 'POST') return http.postForm(form.action, entries, request);
  // A GET form puts its entries in the URL, which ends up in server and proxy logs, browser-like history,
  // our --debug lines and error messages. A password is never sent that way: refuse rather than post a
  // form the IdP did not ask to be posted.
  if (form.passwordField !== undefined && entries.some(([name]) => name === form.passwordField)) {
    throw new IdpError('IDP_FORM_GET_PASSWORD', `The IdP's login form at ${urlWithoutQuery(form.action)} would send the password in the URL (its method is GET)`, {
      hint: 'awsfed never puts a password in a URL. Check that the IdP URL points to the AD FS sign-in page (a proxy or portal page may be in the way), or ask your IdP admin to make the form use method="post".',
    });
  }
  const url = new URL(form.action);
  url.search = new URLSearchParams(entries).toString();
  return http.get(url.toString(), request);
}

function mfaPorts(
  opts: SignInOptions,
  session: { signal: AbortSignal; paused<T>(work: () => Promise<T>): Promise<T> },
): MfaPorts | undefined {
  const mfa = opts.mfa;
  if (!mfa) return undefined;
  return {
    http: opts.http,
    classify: (response) => classify(response.body, response.url),
    signal: session.signal,
    paused: session.paused,
    codes: mfa.codes,
    chooser: mfa.chooser,
    status: mfa.status,
    sleep: mfa.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: mfa.now ?? (() => performance.now()),
    settings: mfa.settings,
    log: opts.log,
    ...((mfa.progress ?? opts.progress) ? { progress: (mfa.progress ?? opts.progress)! } : {}),
  };
}

async function answerMfa(page: MfaPage, url: string, ports: MfaPorts): Promise<HttpResponse> {
  switch (page.step.kind) {
    case 'push':
      return (await import('./mfa/azure.js')).waitForPush(page, ports);
    case 'server-wait':
      return (await import('./mfa/azure.js')).waitForServer(page, ports);
    case 'code': {
      const chosen = page.step.choice ? await (await import('./other/device-choice.js')).withChosenDevice(page, ports) : page;
      return (await import('./mfa/code.js')).answerCodes(chosen, ports);
    }
    case 'ping-push':
      return (await import('./other/pingid.js')).waitForPingPush(page, ports);
    case 'duo':
    case 'unsupported':
    case 'security-key':
      throw mfaUnsupportedError(page.adapter, url);
  }
}
