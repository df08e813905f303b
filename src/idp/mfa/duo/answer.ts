/**
 * The one wiring point of Duo into the sign-in loop: recognise the page (recogniseDuoPage), then
 * answerDuo runs the Duo conversation and returns AD FS's answer to the hand-back (normally the
 * SAMLResponse page, or an AD FS page the loop classifies as usual).
 */
import type { HttpResponse } from '../../../http/client.js';
import { answerDuoClassic } from './classic.js';
import type { DuoPorts } from './conversation.js';
import type { DuoPage } from './recognise.js';
import { answerDuoUniversal } from './universal.js';

export type { DuoFactor, DuoPorts } from './conversation.js';
export { recogniseDuoPage, type DuoPage } from './recognise.js';

/** Default wait for the user to answer a push or call (issue 7: 2 minutes, until --mfa-timeout lands). */
export const DEFAULT_DUO_TIME_LIMIT_MS = 120_000;

export function answerDuo(page: DuoPage, ports: DuoPorts): Promise<HttpResponse> {
  return page.kind === 'duo-classic' ? answerDuoClassic(page, ports) : answerDuoUniversal(page, ports);
}
