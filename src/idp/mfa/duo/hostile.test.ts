/**
 * Duo's pages come from Duo's host (or whoever answers in its place) and are not classified first, so no
 * element cap applies to them: a page opening with a hundred thousand stray inputs (700 KB, under the
 * HTTP client's 1 MiB body cap) must still be read in linear time. With cheerio's `load` each query was
 * quadratic in the page's top-level nodes (minutes for this page); `loadPage` makes it linear.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formHolding, readPromptOffer } from './conversation.js';
import { recogniseDuoPage } from './recognise.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'adfs', name), 'utf8');
const STRAY = '<input>'.repeat(100_000);
const PAGE = 'https://adfs.example.com/adfs/ls/';
const PROMPT = `<html><body><form id="login-form" method="post" action="/frame/prompt">
  <input type="hidden" name="sid" value="S1"><input type="hidden" name="_xsrf" value="X1">
  <input type="hidden" name="preferred_factor" value="Duo Push"><input type="hidden" name="preferred_device" value="phone1">
  <button type="submit" name="factor" value="Duo Push">Push</button><button type="submit" name="factor" value="Passcode">Passcode</button>
</form></body></html>`;
// A does-not-hang guard, not a speed check: the fixed code takes well under a second here.
const GUARD_MS = 30_000;

describe('Duo pages opening with 100,000 stray inputs', () => {
  it('the prompt page: factors, device and hidden inputs are read', { timeout: GUARD_MS }, () => {
    expect(readPromptOffer(STRAY + PROMPT)).toMatchObject({ factors: ['Duo Push', 'Passcode'], preferredFactor: 'Duo Push', device: 'phone1', hidden: { sid: 'S1', _xsrf: 'X1' } });
  });

  it('the hand-back form is found', { timeout: GUARD_MS }, () => {
    expect(formHolding(STRAY + PROMPT, 'https://api-1.duosecurity.com/frame/x', '_xsrf')).toMatchObject({
      action: 'https://api-1.duosecurity.com/frame/prompt',
      entries: expect.arrayContaining([['_xsrf', 'X1']]),
    });
  });

  it('the AD FS Duo page is recognised', { timeout: GUARD_MS }, () => {
    expect(recogniseDuoPage(STRAY + fixture('mfa-duo.html'), PAGE)).toMatchObject({ kind: 'duo-classic', host: 'api-1a2b3c4d.duosecurity.com' });
  });
});
