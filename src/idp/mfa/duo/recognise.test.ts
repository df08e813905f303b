import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderAdfsDuoPage, renderAdfsLoginPage } from '../../../emulator/adfs-pages.js';
import { classify } from '../../adfs/classify.js';
import { recogniseDuoPage } from './recognise.js';

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'fixtures', 'adfs', name), 'utf8');
const PAGE = 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';
const SIG = 'TX|dXNlcnxESVh8MTcwMDAwMDAwMA==|aaaa:APP|dXNlcnxESVh8MTcwMDAwMDAwMA==|bbbb';

describe('recogniseDuoPage (one row per page shape)', () => {
  it('classic, iframe data-host / data-sig-request (mfa-duo.html): answers through form#duo_form', () => {
    const page = recogniseDuoPage(fixture('mfa-duo.html'), PAGE);
    expect(page).toMatchObject({
      kind: 'duo-classic',
      host: 'api-1a2b3c4d.duosecurity.com',
      sigRequest: expect.stringMatching(/^TX\|.+:APP\|.+$/),
      action: 'https://adfs.example.com/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=5c941109-3c35-428d-b672-0080010000d5',
      pageUrl: PAGE,
    });
    expect(page?.entries.map(([n]) => n)).toEqual(['AuthMethod', 'Context']);
  });

  it('classic, hidden duo_host / duo_sig_request inputs (mfa-duo-inputs.html): answers through form#options', () => {
    const page = recogniseDuoPage(fixture('mfa-duo-inputs.html'), PAGE);
    expect(page).toMatchObject({ kind: 'duo-classic', host: 'api-1a2b3c4d.duosecurity.com' });
    if (page?.kind !== 'duo-classic') return;
    // form#duo_form has no action here, and holds only the Duo inputs: the AD FS answer goes to form#options.
    expect(page.action).toMatch(/^https:\/\/adfs\.example\.com\/adfs\/ls\/IdpInitiatedSignOn\.aspx\?loginToRp=/);
    expect(page.entries.map(([n]) => n).sort()).toEqual(['AuthMethod', 'Context']);
    expect(page.entries.find(([n]) => n === 'AuthMethod')?.[1]).toBe('DuoAdfsAdapter');
  });

  it('classic, Duo.init({...}) script', () => {
    const html = `<html><body><script src="/adfs/portal/script/Duo-Web-v2.js"></script>
      <script>Duo.init({ 'host': 'api-9.duosecurity.com', 'sig_request': '${SIG}', 'post_action': '/adfs/ls/' });</script>
      <form id="duo_form" method="post" action="/adfs/ls/?x=1"><input type="hidden" name="AuthMethod" value="DuoAdfsAdapter"><input type="hidden" name="Context" value="C"></form></body></html>`;
    expect(recogniseDuoPage(html, PAGE)).toMatchObject({ kind: 'duo-classic', host: 'api-9.duosecurity.com', sigRequest: SIG, action: 'https://adfs.example.com/adfs/ls/?x=1' });
  });

  it('Universal Prompt hand-off (mfa-duo-universal.html): form#adfs_form to the frameless auth, its fields as they are', () => {
    const page = recogniseDuoPage(fixture('mfa-duo-universal.html'), PAGE);
    expect(page).toMatchObject({ kind: 'duo-universal', action: expect.stringMatching(/^https:\/\/api-1a2b3c4d\.duosecurity\.com\/frame\/frameless\/v4\/auth\?client_id=/) });
    expect(page?.entries.map(([n]) => n)).toEqual(['context', 'authMethod']);
  });

  it('not Duo: a login page, a Duo mention without a signed request, a malformed signed request', () => {
    expect(recogniseDuoPage(fixture('adfs3-login.html'), PAGE)).toBeUndefined();
    expect(recogniseDuoPage('<html><body>Duo Security is down</body></html>', PAGE)).toBeUndefined();
    expect(recogniseDuoPage('<iframe id="duo_iframe" data-host="api-1.duosecurity.com" data-sig-request="TX|only"></iframe>', PAGE)).toBeUndefined();
  });

  it('the emulator serves the fixtures\' shapes: each classifies and is recognised as its fixture is', () => {
    const base = { context: 'CTX', action: '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=1', optionsAction: PAGE, errorStyle: 'label' as const };
    const classic = renderAdfsDuoPage({ ...base, duo: { flow: 'classic', host: '127.0.0.1:4443', sigRequest: SIG } });
    const universal = renderAdfsDuoPage({ ...base, duo: { flow: 'universal', framelessUrl: 'https://127.0.0.1:4443/frame/frameless/v4/auth?client_id=DI&request=r' } });
    for (const [html, file] of [[classic, 'mfa-duo.html'], [universal, 'mfa-duo-universal.html']] as const) {
      const fromFixture = classify(fixture(file), PAGE);
      const fromEmulator = classify(html, PAGE);
      expect({ kind: fromEmulator.kind, adapter: 'adapter' in fromEmulator ? fromEmulator.adapter : undefined }).toEqual({
        kind: fromFixture.kind,
        adapter: 'adapter' in fromFixture ? fromFixture.adapter : undefined,
      });
      const a = recogniseDuoPage(html, PAGE);
      const b = recogniseDuoPage(fixture(file), PAGE);
      expect(a?.kind).toBe(b?.kind);
      expect(a?.entries.map(([n]) => n)).toEqual(b?.entries.map(([n]) => n));
    }
    expect(recogniseDuoPage(renderAdfsLoginPage({ action: '/a', optionsAction: PAGE, errorStyle: 'span' }), PAGE)).toBeUndefined();
  });
});
