/**
 * One emulator page per second-factor round, with the fixture under fixtures/adfs/ that was written
 * from it: the classifier test checks that each page and its fixture classify alike, so the emulator's
 * markup and the fixtures stay one source (issue 7, section 7).
 */
import { AdfsText, renderAdfsMfaChoicePage, renderAdfsMfaPage, type AdfsMfaPageData } from './adfs-pages.js';

const CONTEXT = 'RW11bGF0b3IgQ29udGV4dDogb3BhcXVlLCBjaGFuZ2VzIGV2ZXJ5IHJvdW5k';
const ACTION = '/adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=urn:amazon:webservices&client-request-id=5c941109-3c35-428d-b672-0080010000d5';
const OPTIONS_ACTION = `https://adfs.corp.example:443${ACTION}`;

function page(adapter: string, extra: Partial<AdfsMfaPageData> = {}): string {
  return renderAdfsMfaPage({ adapter, context: CONTEXT, action: ACTION, optionsAction: OPTIONS_ACTION, userName: 'alice@corp.example', errorStyle: 'span', ...extra });
}

export const MFA_SAMPLE_PAGES: ReadonlyArray<{ fixture: string; html: () => string }> = [
  { fixture: 'mfa-azure-push.html', html: () => page('AzureMfaAuthentication', { view: { kind: 'push' } }) },
  { fixture: 'mfa-azure-number-match.html', html: () => page('AzureMfaAuthentication', { view: { kind: 'push', numberToMatch: '42' } }) },
  { fixture: 'mfa-azure-denied.html', html: () => page('AzureMfaAuthentication', { view: { kind: 'push' }, errorText: AdfsText.azureMfaDenied }) },
  { fixture: 'mfa-azure-code.html', html: () => page('AzureMfaAuthentication', { view: { kind: 'azure-code' } }) },
  { fixture: 'mfa-azure-server-wait.html', html: () => page('AzureMfaServerAuthentication') },
  { fixture: 'mfa-azure-server-denied.html', html: () => page('AzureMfaServerAuthentication', { errorText: AdfsText.azureMfaServerDenied }) },
  { fixture: 'mfa-securid-passcode.html', html: () => page('SecurIDAuthentication') },
  { fixture: 'mfa-securid-rejected.html', html: () => page('SecurIDAuthentication', { errorText: AdfsText.mfaCodeRejected }) },
  { fixture: 'mfa-securid-next-tokencode.html', html: () => page('SecurIDAuthentication', { view: { kind: 'next-tokencode' } }) },
  { fixture: 'mfa-securid-new-pin.html', html: () => page('SecurIDAuthentication', { view: { kind: 'new-pin' } }) },
  { fixture: 'mfa-vip.html', html: () => page('SymantecVipAdapter') },
  { fixture: 'mfa-vip-windows-account.html', html: () => page('VIPAuthenticationProviderWindowsAccountName') },
  { fixture: 'mfa-safenet.html', html: () => page('SafeNet-MFA') },
  { fixture: 'mfa-oath.html', html: () => page('OathAuthentication') },
  { fixture: 'mfa-defender.html', html: () => page('Defender AD FS Adapter') },
  { fixture: 'mfa-code-expired.html', html: () => page('SymantecVipAdapter', { errorText: AdfsText.mfaCodeExpired }) },
  { fixture: 'mfa-too-many-attempts.html', html: () => page('SafeNet-MFA', { errorText: AdfsText.mfaTooManyAttempts }) },
  { fixture: 'mfa-duo-emulated.html', html: () => page('DuoAdfsAdapter') },
  {
    fixture: 'mfa-choose-method.html',
    html: () =>
      renderAdfsMfaChoicePage({ adapters: ['AzureMfaAuthentication', 'SecurIDAuthentication', 'SymantecVipAdapter'], context: CONTEXT, optionsAction: OPTIONS_ACTION, userName: 'alice@corp.example' }),
  },
];
