/**
 * Classifier rows for every second-factor page, over the fixtures in fixtures/adfs/, and the check that
 * each emulator page classifies as the fixture written from it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MFA_SAMPLE_PAGES } from '../../../emulator/adfs-mfa-samples.js';
import { classify, type Page } from '../classify.js';

const URL_ = 'https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices';
const fixture = (name: string): string => readFileSync(new URL(`../../../../fixtures/adfs/${name}`, import.meta.url), 'utf8');

/** What matters of a classification (the form's Context and action differ between runs). */
function summary(page: Page): unknown {
  if (page.kind === 'mfa') return { kind: page.kind, adapter: page.adapter, step: page.step, errorText: page.errorText, codeField: page.codeField };
  if (page.kind === 'mfa-choice') return { kind: page.kind, methods: page.methods };
  return { kind: page.kind };
}

const ROWS: Array<[string, unknown]> = [
  ['mfa-azure-push.html', { kind: 'mfa', adapter: 'AzureMfaAuthentication', step: { kind: 'push' } }],
  ['mfa-azure-number-match.html', { kind: 'mfa', adapter: 'AzureMfaAuthentication', step: { kind: 'push', numberToMatch: '42' } }],
  ['mfa-azure-denied.html', { kind: 'mfa', step: { kind: 'push' }, errorText: expect.stringContaining('denied') }],
  ['mfa-azure-code.html', { kind: 'mfa', adapter: 'AzureMfaAuthentication', step: { kind: 'code', codeField: 'VerificationCode', purpose: 'code' } }],
  ['mfa-azure-server-wait.html', { kind: 'mfa', adapter: 'AzureMfaServerAuthentication', step: { kind: 'server-wait' } }],
  ['mfa-azure-server-denied.html', { kind: 'mfa', step: { kind: 'server-wait' }, errorText: 'Authentication denied. Please try again.' }],
  ['mfa-azure.html', { kind: 'mfa', adapter: 'AzureMfaAuthentication', step: { kind: 'push' } }],
  ['mfa-azure-server.html', { kind: 'mfa', adapter: 'AzureMfaServerAuthentication', step: { kind: 'server-wait' } }],
  ['mfa-securid.html', { kind: 'mfa', adapter: 'SecurIDAuthentication', step: { kind: 'code', codeField: 'passcode', purpose: 'code' } }],
  ['mfa-securid-passcode.html', { kind: 'mfa', adapter: 'SecurIDAuthentication', step: { kind: 'code', codeField: 'Passcode', purpose: 'code' } }],
  ['mfa-securid-rejected.html', { kind: 'mfa', errorText: 'The code you entered could not be verified. Type the code again.' }],
  ['mfa-securid-next-tokencode.html', { kind: 'mfa', step: { kind: 'code', codeField: 'NextTokencode', purpose: 'next-tokencode' } }],
  ['mfa-securid-new-pin.html', { kind: 'mfa', step: { kind: 'code', codeField: 'NewPin', purpose: 'new-pin', confirmField: 'ConfirmPin' } }],
  ['mfa-vip.html', { kind: 'mfa', adapter: 'SymantecVipAdapter', step: { kind: 'code', codeField: 'SecurityCode', purpose: 'code' } }],
  ['mfa-vip-windows-account.html', { kind: 'mfa', adapter: 'VIPAuthenticationProviderWindowsAccountName', step: { kind: 'code', codeField: 'security_code' } }],
  ['mfa-safenet.html', { kind: 'mfa', adapter: 'SafeNet-MFA', step: { kind: 'code', codeField: 'SAFENET_PASSWORD' } }],
  ['mfa-oath.html', { kind: 'mfa', adapter: 'OathAuthentication', step: { kind: 'code', codeField: 'OathCode' } }],
  ['mfa-defender.html', { kind: 'mfa', adapter: 'Defender AD FS Adapter', step: { kind: 'code', codeField: 'DefenderToken' } }],
  ['mfa-code-expired.html', { kind: 'mfa', errorText: expect.stringContaining('expired') }],
  ['mfa-too-many-attempts.html', { kind: 'mfa', errorText: expect.stringContaining('maximum number of attempts') }],
  ['mfa-duo.html', { kind: 'mfa', adapter: 'DuoAdfsAdapter', step: { kind: 'duo' } }],
  ['mfa-duo-emulated.html', { kind: 'mfa', adapter: 'DuoAdfsAdapter', step: { kind: 'duo' } }],
  [
    'mfa-choose-method.html',
    {
      kind: 'mfa-choice',
      methods: [
        { id: 'AzureMfaAuthentication', name: 'Use Azure Multi-Factor Authentication' },
        { id: 'SecurIDAuthentication', name: 'Use RSA SecurID' },
        { id: 'SymantecVipAdapter', name: 'Use Symantec VIP' },
      ],
    },
  ],
];

describe('classify: second-factor pages', () => {
  it.each(ROWS)('%s', (file, expected) => {
    expect(summary(classify(fixture(file), URL_))).toMatchObject(expected as object);
  });

  it('a sign-in page with its certificate link in form#options is not a choice page', () => {
    expect(classify(fixture('adfs3-login.html'), URL_).kind).toBe('login-form');
  });

  it('an MFA page with an error text is an MFA page (the handler decides), not an IdP error', () => {
    const page = classify(fixture('mfa-securid-rejected.html'), URL_);
    expect(page.kind).toBe('mfa');
  });

  it('answers go to the adapter form with the page Context', () => {
    const page = classify(fixture('mfa-azure-number-match.html'), URL_);
    if (page.kind !== 'mfa') throw new Error(page.kind);
    expect(page.form.id).toBe('loginForm');
    expect(page.form.action).toContain('/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=');
    expect(page.form.fields.find((f) => f.name === 'Context')?.value).toMatch(/^RW11/);
  });
});

describe('emulator pages and fixtures are one source', () => {
  it('every emulator sample has a classifier row', () => {
    const rowFiles = new Set(ROWS.map(([file]) => file));
    expect(MFA_SAMPLE_PAGES.filter((s) => !rowFiles.has(s.fixture)).map((s) => s.fixture)).toEqual([]);
  });

  it.each(MFA_SAMPLE_PAGES.map((s) => [s.fixture, s] as const))('%s classifies as the emulator page', (_name, sample) => {
    expect(summary(classify(fixture(sample.fixture), URL_))).toEqual(summary(classify(sample.html(), URL_)));
  });
});
