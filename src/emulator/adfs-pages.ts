/**
 * Pure renderers for the pages the loopback AD FS emulator serves: data in, HTML string out.
 *
 * The markup follows real AD FS pages as captured in public fixtures (saml2aws testdata/ADFS.html and
 * adfs2/example/*.html, aws-adfs test_assertion_extractor.py, Microsoft's AD FS docs): the same element
 * ids, input names, hidden inputs, the second `form#options` with its empty `AuthMethod`, and the
 * script-driven auto-post form. The HTML is trimmed (no CSS, shorter scripts) but every element a client
 * could look at is where AD FS puts it. Exported so the IdP-client tests can use real emulator pages as
 * classifier fixtures.
 *
 * Error texts that we could not confirm against a captured AD FS page are marked "unverified" below.
 */

/** HTML and XML share one escaper (quotes too, so it serves text and attribute values). */
import { escapeXml } from './saml-issuer.js';

export const escapeHtml = escapeXml;

/** Error texts, one place so tests and classifiers can refer to them. */
export const AdfsText = {
  /** AD FS 2012 R2 / 2016 / 2019 wrong user name or password (verified: aws-adfs fixture, saml2aws). */
  badCredentials: 'Incorrect user ID or password. Type the correct user ID and password, and try again.',
  /** AD FS 2.0 FormsSignIn.aspx wrong user name or password. */
  badCredentialsAdfs2: 'The user name or password is incorrect.',
  /** Unverified wording: AD FS only reports lockout when extranet lockout / AD says so. */
  accountLocked: 'Your account has been locked out. Contact your administrator for more information.',
  /** Unverified wording for the expired-password notice above the update-password form. */
  passwordExpired: 'Your password has expired. You must update your password before you can sign in.',
  /** Verified (Microsoft AD FS docs, "Find the error"): shown when an authentication method cannot be used. */
  authMethodUnavailable: (user: string): string =>
    `The selected authentication method is not available for '${user}'. Choose another authentication method or contact your system administrator for details.`,
  /** Verified: the generic AD FS error page text. */
  genericError: 'An error occurred. Contact your administrator for more information.',
  mfaCodeRejected: 'The code you entered could not be verified. Type the code again.',
  azureMfaPush: "We've sent a notification to your mobile device. Please open the Microsoft Authenticator app to respond.",
  /** Unverified: the number-matching instructions (the real text is filled in by script around the number). */
  azureMfaNumberMatch: 'Open your Authenticator app, and enter the number shown to sign in.',
  /** Unverified wording of the verification-code variant. */
  azureMfaCode: 'Enter the code displayed in the Microsoft Authenticator app on your mobile device.',
  /** Unverified: a declined push (cloud adapter). */
  azureMfaDenied: 'We did not receive the expected response. The sign-in request was denied.',
  /** Verified (DESIGN.md, aws-adfs): MFA Server's denial. */
  azureMfaServerDenied: 'Authentication denied. Please try again.',
  azureMfaServerWait: 'Your account is secured using Azure Multi-Factor Authentication. Please wait while we call your phone to verify your identity.',
  /** Unverified wordings: expired code, too many attempts, SecurID's next tokencode and new PIN pages. */
  mfaCodeExpired: 'The code you entered has expired. Request a new code and try again.',
  mfaTooManyAttempts: 'You have exceeded the maximum number of attempts. Try again later.',
  securIdNextTokencode: 'Wait for the tokencode to change, then enter the next tokencode.',
  securIdNewPin: 'You must create a new PIN. Enter a new PIN of 4 to 8 digits, then confirm it.',
  keycloakBadCredentials: 'Invalid username or password.',
  keycloakAccountDisabled: 'Account is disabled, contact your administrator.',
  keycloakUpdatePassword: 'You need to change your password to activate your account.',
  keycloakCookieNotFound: 'Cookie not found. Please make sure cookies are enabled in your browser.',
} as const;

const HEAD_META = `
        <meta http-equiv="X-UA-Compatible" content="IE=edge"/>
        <meta name="viewport" content="width=device-width, initial-scale=1.0, user-scalable=yes"/>
        <meta http-equiv="content-type" content="text/html;charset=UTF-8" />
        <meta http-equiv="cache-control" content="no-cache,no-store"/>
        <meta http-equiv="pragma" content="no-cache"/>
        <meta http-equiv="expires" content="-1"/>`;

interface ShellOptions {
  title: string;
  companyName: string;
  body: string;
  copyrightYear: string;
}

/** The AD FS 2012 R2+ page chrome: noScript notice, fullPage/contentWrapper/workArea, footer. */
function adfsShell(o: ShellOptions): string {
  return `<!DOCTYPE html>
<html lang="en-US">
    <head>${HEAD_META}
        <meta name='mswebdialog-title' content='Connecting to ${escapeHtml(o.companyName)}'/>

        <title>${escapeHtml(o.title)}</title>
        <script type='text/javascript'>
//<![CDATA[
function LoginErrors(){this.userNameFormatError = 'Enter your user ID in the format \\u0026quot;domain\\\\user\\u0026quot; or \\u0026quot;user@domain\\u0026quot;.'; this.passwordEmpty = 'Enter your password.';}
//]]>
</script>
        <link rel="stylesheet" type="text/css" href="/adfs/portal/css/style.css?id=D74D4D6943F32AE6F7F11D14D601DBB0E1A2E919B2B3A4D1A8C4B7C9E5B7C3A2" />
    </head>
    <body dir="ltr" class="body">
    <div id="noScript" style="position:static; width:100%; height:100%; z-index:100">
        <h1>JavaScript required</h1>
        <p>JavaScript is required. This web browser does not support JavaScript or JavaScript in this web browser is not enabled.</p>
        <p>To find out if your web browser supports JavaScript or to enable JavaScript, see web browser help.</p>
    </div>
    <script type="text/javascript" language="JavaScript">
         document.getElementById("noScript").style.display = "none";
    </script>
    <div id="fullPage">
        <div id="brandingWrapper" class="float">
            <div id="branding"></div>
        </div>
        <div id="contentWrapper" class="float">
            <div id="content">
                <div id="header">
                    <h4>${escapeHtml(o.companyName)}</h4>
                </div>
                <main>
                    <div id="workArea">
${o.body}
                    </div>
                </main>
                <div id="footerPlaceholder"></div>
            </div>
            <footer id="footer">
                <div id="footerLinks" class="floatReverse">
                    <div><span id="copyright">&#169; ${o.copyrightYear} Microsoft</span></div>
                </div>
            </footer>
        </div>
    </div>
    </body>
</html>
`;
}

/** 'label' is AD FS 2012 R2 (3.0); 'span' is AD FS 2016 and later. */
export type ErrorTextStyle = 'label' | 'span';

function errorTextElement(style: ErrorTextStyle, text: string | undefined): string {
  const inner = text === undefined ? '' : escapeHtml(text);
  return style === 'label'
    ? `<label id="errorText" for="">${inner}</label>`
    : `<span id="errorText" for="" aria-live="assertive" role="alert">${inner}</span>`;
}

/**
 * The second form on every AD FS 2012 R2+ sign-in page. Its hidden AuthMethod has no value: a client that
 * posts every input it finds would send an extra, empty AuthMethod. AD FS 2016+ also keeps a hidden
 * UserName holder here, so such a client would send two UserName values.
 */
function optionsForm(action: string, userNameHolder: string | undefined): string {
  const holder =
    userNameHolder === undefined
      ? ''
      : `\n             <input id="userNameInputOptionsHolder" name="UserName" value="${escapeHtml(userNameHolder)}" type="hidden"/>`;
  return `             <div id="authOptions">
         <form id="options" method="post" action="${escapeHtml(action)}">
             <script type="text/javascript">
                function SelectOption(option) {
                    var i = document.getElementById('optionSelection');
                    i.value = option;
                    document.forms['options'].submit();
                    return false;
                }
             </script>
             <input id="optionSelection" type="hidden" name="AuthMethod" />${holder}
             <div id='authOptionLinks' class='groupMargin'><a class="actionLink" href="#" id="CertificateAuthentication" role="button" onclick="return SelectOption('CertificateAuthentication');">Sign in using a certificate</a></div>
         </form>
      </div>`;
}

export interface AdfsLoginPageData {
  /** Form action exactly as AD FS writes it: a path with query, e.g. /adfs/ls/IdpInitiatedSignOn.aspx?loginToRp=...&client-request-id=... */
  action: string;
  /** Absolute action of form#options (AD FS writes it with scheme, host and :443). */
  optionsAction: string;
  errorStyle: ErrorTextStyle;
  userName?: string;
  errorText?: string;
  companyName?: string;
  /** AD FS 2016+ has the hidden UserName holder in form#options. */
  optionsUserNameHolder?: boolean;
}

/** AD FS 2012 R2 / 2016 forms sign-in page: form#loginForm + form#options. */
export function renderAdfsLoginPage(d: AdfsLoginPageData): string {
  const body = `
    <div id="authArea" class="groupMargin">
    <div id="loginArea">
        <div id="loginMessage" class="groupMargin">Sign in with your organizational account</div>

        <form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" onKeyPress="if (event &amp;&amp; event.keyCode == 13) Login.submitLoginRequest();" action="${escapeHtml(d.action)}" >
            <div id="error" class="fieldMargin error smallText">
                ${errorTextElement(d.errorStyle, d.errorText)}
            </div>

            <div id="formsAuthenticationArea">
                <div id="userNameArea">
                    <label id="userNameInputLabel" for="userNameInput" class="hidden">User Account</label>
                    <input id="userNameInput" name="UserName" type="email" value="${escapeHtml(d.userName ?? '')}" tabindex="1" class="text fullWidth"
                        spellcheck="false" placeholder="someone@example.com" autocomplete="off"/>
                </div>

                <div id="passwordArea">
                    <label id="passwordInputLabel" for="passwordInput" class="hidden">Password</label>
                    <input id="passwordInput" name="Password" type="password" tabindex="2" class="text fullWidth"
                        placeholder="Password" autocomplete="off"/>
                </div>
                <div id="kmsiArea" style="display:none">
                    <input type="checkbox" name="Kmsi" id="kmsiInput" value="true" tabindex="3" />
                    <label for="kmsiInput">Keep me signed in</label>
                </div>
                <div id="submissionArea" class="submitMargin">
                    <span id="submitButton" class="submit" tabindex="4" role="button"
                        onKeyPress="if (event &amp;&amp; event.keyCode == 32) Login.submitLoginRequest();"
                        onclick="return Login.submitLoginRequest();">Sign in</span>
                </div>
            </div>
            <input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/>
        </form>

${optionsForm(d.optionsAction, d.optionsUserNameHolder ? (d.userName ?? '') : undefined)}

        <div id="introduction" class="groupMargin">
        </div>

        <script type="text/javascript">
        //<![CDATA[
            function Login() {}
            Login.userNameInput = 'userNameInput';
            Login.passwordInput = 'passwordInput';
            Login.submitLoginRequest = function () {
                var u = document.getElementById(Login.userNameInput);
                var p = document.getElementById(Login.passwordInput);
                if (!u.value) { return false; }
                if (!p.value) { return false; }
                document.forms['loginForm'].submit();
                return false;
            };
        //]]>
        </script>
    </div>
    </div>`;
  return adfsShell({
    title: 'Sign In',
    companyName: d.companyName ?? 'Corp Example',
    body,
    copyrightYear: d.errorStyle === 'label' ? '2013' : '2016',
  });
}

export interface AdfsPaginatedPageData {
  action: string;
  optionsAction: string;
  userName?: string;
  errorText?: string;
  companyName?: string;
}

/** AD FS 2019 paginated sign-in, page 1: user name only, "Next". */
export function renderAdfsPaginatedUserNamePage(d: AdfsPaginatedPageData): string {
  const body = `
    <div id="authArea" class="groupMargin">
    <div id="loginArea">
        <div id="loginMessage" class="groupMargin">Sign in</div>

        <form method="post" id="loginFormPaginated" autocomplete="off" novalidate="novalidate" onKeyPress="if (event &amp;&amp; event.keyCode == 13) PaginationManager.validateAndNext();" action="${escapeHtml(d.action)}" >
            <div id="error" class="fieldMargin error smallText">
                ${errorTextElement('span', d.errorText)}
            </div>

            <div id="formsAuthenticationArea">
                <div id="userNameArea">
                    <label id="userNameInputLabel" for="userNameInput" class="hidden">User Account</label>
                    <input id="userNameInput" name="UserName" type="email" value="${escapeHtml(d.userName ?? '')}" tabindex="1" class="text fullWidth"
                        spellcheck="false" placeholder="someone@example.com" autocomplete="off"/>
                </div>
                <div id="kmsiArea" style="display:none">
                    <input type="checkbox" name="Kmsi" id="kmsiInput" value="true" tabindex="3" />
                    <label for="kmsiInput">Keep me signed in</label>
                </div>
                <div id="submissionArea" class="submitMargin">
                    <span id="nextButton" class="submit" tabindex="4" role="button"
                        onKeyPress="if (event &amp;&amp; event.keyCode == 32) PaginationManager.validateAndNext();"
                        onclick="return PaginationManager.validateAndNext();">Next</span>
                </div>
            </div>
            <input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/>
        </form>

${optionsForm(d.optionsAction, d.userName ?? '')}

        <script type="text/javascript">
        //<![CDATA[
            var PaginationManager = {};
            PaginationManager.validateAndNext = function () {
                var userName = document.getElementById('userNameInput');
                if (!userName.value) { return false; }
                document.forms['loginFormPaginated'].submit();
                return true;
            };
        //]]>
        </script>
    </div>
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2018' });
}

/**
 * AD FS 2019 paginated sign-in, page 2: the user name is shown as text and carried in a read-only input
 * (class "hidden") inside form#loginForm, and again in form#options' hidden holder. A client that adds its
 * own UserName on top of the one already in the form posts two and gets "Duplicate post parameter".
 */
export function renderAdfsPaginatedPasswordPage(d: AdfsPaginatedPageData & { userName: string }): string {
  const body = `
    <div id="authArea" class="groupMargin">
    <div id="loginArea">
        <div id="loginMessage" class="groupMargin">Enter password</div>
        <div id="identityBanner" class="identityBanner">
            <div id="identityBannerDisplayName" class="identityBannerDisplayName">${escapeHtml(d.userName)}</div>
        </div>

        <form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" onKeyPress="if (event &amp;&amp; event.keyCode == 13) Login.submitLoginRequest();" action="${escapeHtml(d.action)}" >
            <div id="error" class="fieldMargin error smallText">
                ${errorTextElement('span', d.errorText)}
            </div>

            <div id="formsAuthenticationArea">
                <div id="userNameArea" class="hidden">
                    <label id="userNameInputLabel" for="userNameInput" class="hidden">User Account</label>
                    <input id="userNameInput" name="UserName" type="email" value="${escapeHtml(d.userName)}" tabindex="1" class="text fullWidth hidden"
                        spellcheck="false" readonly="readonly" autocomplete="off"/>
                </div>

                <div id="passwordArea">
                    <label id="passwordInputLabel" for="passwordInput" class="hidden">Password</label>
                    <input id="passwordInput" name="Password" type="password" tabindex="2" class="text fullWidth"
                        placeholder="Password" autocomplete="off"/>
                </div>
                <div id="submissionArea" class="submitMargin">
                    <span id="submitButton" class="submit" tabindex="4" role="button"
                        onKeyPress="if (event &amp;&amp; event.keyCode == 32) Login.submitLoginRequest();"
                        onclick="return Login.submitLoginRequest();">Sign in</span>
                </div>
            </div>
            <input id="optionForms" type="hidden" name="AuthMethod" value="FormsAuthentication"/>
        </form>

${optionsForm(d.optionsAction, d.userName)}
    </div>
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2018' });
}

export interface AdfsErrorPageData {
  activityId: string;
  time: Date;
  relyingParty?: string;
  /** Shown in #errorMessage; defaults to the generic AD FS text. */
  message?: string;
  /** Extra lines in the error details (AD FS shows exception text only when detailed errors are on). */
  details?: string[];
  companyName?: string;
}

/** The AD FS "An error occurred" page (div#errorArea, #openingMessage, #errorMessage, error details). */
export function renderAdfsErrorPage(d: AdfsErrorPageData): string {
  const detailLines = (d.details ?? [])
    .map((line) => `\n                <div><span class="error-details-label">Error details:</span> <span class="error-details-value">${escapeHtml(line)}</span></div>`)
    .join('');
  const body = `
    <div id="authArea" class="groupMargin">
    <div id="errorArea">
        <div id="openingMessage" class="groupMargin bigText">
            An error occurred
        </div>
        <div id="errorMessage" class="groupMargin">
            ${escapeHtml(d.message ?? AdfsText.genericError)}
        </div>
    </div>
    <div id="errorDetailsLink" class="groupMargin"><a href="#" onclick="return ShowErrorDetails();">Error details</a></div>
    <div id="errorDetails" class="groupMargin">
                <div><span class="error-details-label">Activity ID:</span> <span class="error-details-value">${escapeHtml(d.activityId)}</span></div>
                <div><span class="error-details-label">Relying party:</span> <span class="error-details-value">${escapeHtml(d.relyingParty ?? '')}</span></div>
                <div><span class="error-details-label">Error time:</span> <span class="error-details-value">${escapeHtml(d.time.toUTCString())}</span></div>
                <div><span class="error-details-label">Cookie:</span> <span class="error-details-value">enabled</span></div>${detailLines}
    </div>
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2016' });
}

export interface SiteSelectionOption {
  /** Opaque GUID-like value, as AD FS writes it. */
  value: string;
  name: string;
}

export interface AdfsSiteSelectionPageData {
  action: string;
  relyingParties: SiteSelectionOption[];
  signedIn?: boolean;
  companyName?: string;
}

/** IdpInitiatedSignOn.aspx without loginToRp: form#idpForm with the relying-party drop-down. */
export function renderAdfsSiteSelectionPage(d: AdfsSiteSelectionPageData): string {
  const options = d.relyingParties
    .map((rp) => `\n                        <option value="${escapeHtml(rp.value)}">${escapeHtml(rp.name)}</option>`)
    .join('');
  const status = d.signedIn ? 'You are signed in.' : 'You are not signed in.';
  const body = `
    <div id="authArea" class="groupMargin">
    <form method="post" id="idpForm" action="${escapeHtml(d.action)}">
        <div id="idp_SignInThisSiteStatusLabel" class="groupMargin">${status}</div>
        <div id="IsAuthenticated" style="display:none">${d.signedIn ? 'true' : 'false'}</div>
        <div id="idp_SignInPanel">
            <div id="idp_ThisRpPanel">
                <input id="idp_ThisRpRadioButton" name="SignInOtherSite" type="radio" value="SignInThisSite" checked="checked" onclick="document.getElementById('idp_RelyingPartyDropDownList').disabled=true;" />
                <label for="idp_ThisRpRadioButton">Sign in to this site.</label>
            </div>
            <div id="idp_OtherRpPanel">
                <input id="idp_OtherRpRadioButton" name="SignInOtherSite" type="radio" value="SignInOtherSite" onclick="document.getElementById('idp_RelyingPartyDropDownList').disabled=false;" />
                <label for="idp_OtherRpRadioButton">Sign in to one of the following sites:</label>
                <div id="idp_SignInToOtherRpPanel">
                    <label id="idp_RelyingPartyDropDownListLabel" for="idp_RelyingPartyDropDownList" class="hidden">Relying party</label>
                    <select id="idp_RelyingPartyDropDownList" name="RelyingParty" disabled="disabled">${options}
                    </select>
                </div>
            </div>
            <div class="submitMargin">
                <input id="idp_SignInButton" class="submit" type="submit" name="SignInSubmit" value="Sign in" />
                <input id="idp_GoButton" class="submit" type="submit" name="SignInGo" value="Go" style="display:none" />${
                  d.signedIn ? '\n                <input id="idp_SignOutButton" class="submit" type="submit" name="SignOut" value="Sign out" />' : ''
                }
            </div>
        </div>
    </form>
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2013' });
}

/** Shown after signing in to a relying party that does not use SAML POST to AWS (site selection). */
export function renderAdfsSignedInPage(d: { relyingPartyName: string; companyName?: string }): string {
  const body = `
    <div id="authArea" class="groupMargin">
        <div id="idp_SignInThisSiteStatusLabel" class="groupMargin">You are signed in to ${escapeHtml(d.relyingPartyName)}.</div>
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2013' });
}

/** 'web': a third-party adapter whose page is its own web app (an iframe), nothing a terminal can type into. */
export type MfaAdapterKind = 'code' | 'push' | 'server' | 'duo' | 'web';

export interface MfaAdapterInfo {
  kind: MfaAdapterKind;
  /** Name of the code input (code adapters; AzureMfaAuthentication's verification-code variant). */
  codeField: string;
  /** id of the code input. */
  codeId: string;
  /** Page title as the adapter writes it. */
  title: string;
  prompt: string;
  /** How the "choose a method" page names it. */
  choiceName: string;
}

/**
 * What each adapter's page asks for. Input names: Passcode (RSA SecurID, saml2aws adfs2/example/passcode.html,
 * aws-adfs _rsa_authenticator.py), SecurityCode (SymantecVipAdapter) and security_code + input#vippassword
 * (VIPAuthenticationProviderWindowsAccountName; aws-adfs _symantec_vip_access.py, saml2aws vipMFA),
 * SAFENET_PASSWORD (aws-adfs _safenet_mfa.py), VerificationCode + #verificationCodeInput (Azure MFA,
 * aws-adfs _azure_cloud_mfa_authenticator.py). Unverified (documentation only): OathCode, the Defender
 * field name, the SecurID next-tokencode and new-PIN field names, and every prompt text below.
 */
export function mfaAdapterInfo(adapter: string): MfaAdapterInfo {
  switch (adapter) {
    case 'SecurIDAuthentication':
      return { kind: 'code', codeField: 'Passcode', codeId: 'passcodeInput', title: 'RSA SecurID Authentication', prompt: 'Enter your RSA SecurID passcode.', choiceName: 'Use RSA SecurID' };
    case 'SymantecVipAdapter':
      return { kind: 'code', codeField: 'SecurityCode', codeId: 'securityCodeInput', title: 'Sign In', prompt: 'Enter the security code from your VIP credential.', choiceName: 'Use Symantec VIP' };
    case 'VIPAuthenticationProviderWindowsAccountName':
      return { kind: 'code', codeField: 'security_code', codeId: 'vippassword', title: 'Sign In', prompt: 'Enter the security code from your VIP credential.', choiceName: 'Use VIP Access' };
    case 'SafeNet-MFA':
      return { kind: 'code', codeField: 'SAFENET_PASSWORD', codeId: 'safenetPassword', title: 'Sign In', prompt: 'Enter your SafeNet one-time password.', choiceName: 'Use SafeNet' };
    case 'OathAuthentication':
      return { kind: 'code', codeField: 'OathCode', codeId: 'oathCodeInput', title: 'Sign In', prompt: 'Enter the code from your authenticator app.', choiceName: 'Use a one-time code' };
    case 'Defender AD FS Adapter':
      return { kind: 'code', codeField: 'DefenderToken', codeId: 'defenderTokenInput', title: 'Sign In', prompt: 'Enter your Defender token response.', choiceName: 'Use Defender' };
    case 'AzureMfaAuthentication':
      return { kind: 'push', codeField: 'VerificationCode', codeId: 'verificationCodeInput', title: 'Sign In', prompt: AdfsText.azureMfaPush, choiceName: 'Use Azure Multi-Factor Authentication' };
    case 'AzureMfaServerAuthentication':
      return { kind: 'server', codeField: '', codeId: '', title: 'Sign In', prompt: AdfsText.azureMfaServerWait, choiceName: 'Use Azure Multi-Factor Authentication Server' };
    case 'ThirdPartyWebAdapter':
      return { kind: 'web', codeField: '', codeId: '', title: 'Sign In', prompt: 'Continue in the window below.', choiceName: 'Use the third-party app' };
    case 'DuoAdfsAdapter':
      return { kind: 'duo', codeField: '', codeId: '', title: 'Sign In', prompt: 'Duo Security', choiceName: 'Use Duo Security' };
    default:
      return { kind: 'code', codeField: 'VerificationCode', codeId: 'verificationCodeInput', title: 'Sign In', prompt: 'Enter your verification code.', choiceName: adapter };
  }
}

/** Which round of the adapter the page is. */
export type MfaView =
  | { kind: 'default' }
  /** Azure MFA push with number matching (p#validEntropyNumber). */
  | { kind: 'push'; numberToMatch?: string }
  /** Azure MFA verification code (app code, SMS, call). */
  | { kind: 'azure-code' }
  | { kind: 'next-tokencode' }
  | { kind: 'new-pin' };

export interface AdfsMfaPageData {
  adapter: string;
  /** Opaque, large; posted back as Context. */
  context: string;
  /** The URL the MFA forms post to (the sign-in URL the password was posted to). */
  action: string;
  optionsAction: string;
  userName: string;
  errorStyle: ErrorTextStyle;
  errorText?: string;
  companyName?: string;
  view?: MfaView;
}

function hiddenInputs(adapter: string, context: string): string {
  return `
    <!-- These inputs are required by the presentation framework.  Do not modify or remove -->
    <input id="authMethod" type="hidden" name="AuthMethod" value="${escapeHtml(adapter)}" />
    <input id="context" type="hidden" name="Context" value="${escapeHtml(context)}" />
    <!-- End inputs are required by the presentation framework. -->`;
}

/**
 * The additional-authentication page. Every adapter page carries hidden input#authMethod (AuthMethod =
 * adapter name) and input#context (Context) "required by the presentation framework", plus form#options.
 */
export function renderAdfsMfaPage(d: AdfsMfaPageData): string {
  const info = mfaAdapterInfo(d.adapter);
  const view = d.view ?? { kind: 'default' };
  const hidden = hiddenInputs(d.adapter, d.context);
  const greeting = `<div id="mfaGreetingDescription" class="groupMargin">For security reasons, we require additional information to verify your account (${escapeHtml(d.userName)})</div>`;
  const error = `<div id="error" class="fieldMargin error smallText">
      ${errorTextElement(d.errorStyle, d.errorText)}
    </div>`;
  let form: string;
  if (d.adapter === 'SecurIDAuthentication') {
    // The RSA adapter's form has no action: it posts back to the page's own URL.
    const fields =
      view.kind === 'new-pin'
        ? `<div class="groupMargin" id="instructions">${escapeHtml(AdfsText.securIdNewPin)}</div>
    <div><input id="newPinInput" name="NewPin" type="password" value="" class="text fullWidth" placeholder="New PIN" tabindex="1" autocomplete="off" /></div>
    <div><input id="confirmPinInput" name="ConfirmPin" type="password" value="" class="text fullWidth" placeholder="Confirm PIN" tabindex="2" autocomplete="off" /></div>`
        : view.kind === 'next-tokencode'
          ? `<div class="groupMargin" id="instructions">${escapeHtml(AdfsText.securIdNextTokencode)}</div>
    <div><input id="nextTokencodeInput" name="NextTokencode" type="password" value="" class="text fullWidth" placeholder="Next tokencode" tabindex="1" autocomplete="off" /></div>`
          : `<div class="groupMargin" id="instructions">${escapeHtml(info.prompt)}</div>
    <div><input id="passcodeInput" name="Passcode" type="password" value="" class="text fullWidth" placeholder="Passcode" tabindex="1" autocomplete="off" autofocus="" /></div>`;
    form = `<div id="loginArea">
  <form method="post" id="passcodeForm" autocomplete="off" onsubmit="return validateForm(this)">${hidden}
    <div class="fieldMargin error smallText">
      ${errorTextElement(d.errorStyle, d.errorText)}
    </div>
    ${fields}
    <div class="submitMargin">
      <input id="submitButton" type="submit" name="Submit" tabindex="3" value="Submit" />
    </div>
  </form>
</div>`;
  } else if (info.kind === 'web') {
    form = `<div id="loginArea">
  <p id="instructions" class="groupMargin">${escapeHtml(info.prompt)}</p>
  <iframe id="adapterFrame" title="Second factor" frameborder="0" width="100%" height="330" src="/adapter/app"></iframe>
  <form method="post" id="adapterForm" action="${escapeHtml(d.action)}">${hidden}
  </form>
</div>`;
  } else if (info.kind === 'duo') {
    form = `<div id="loginArea">
  <iframe id="duo_iframe" title="Two-Factor Authentication" frameborder="0" width="100%" height="330" data-host="api-00000000.duosecurity.invalid" data-sig-request="TX|ZW11bGF0b3I=|0:APP|ZW11bGF0b3I=|0" data-post-argument="sig_response"></iframe>
  <form method="post" id="duo_form" action="${escapeHtml(d.action)}">${hidden}
  </form>
</div>`;
  } else if (info.kind === 'server') {
    form = `<div id="loginArea">
  <form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" action="${escapeHtml(d.action)}">${hidden}
    ${error}
    <div id="mfaServerArea">
      <p id="instructions" class="groupMargin">${escapeHtml(info.prompt)}</p>
      <span id="continueButton" class="submit" tabindex="1" role="button" onclick="document.forms['loginForm'].submit(); return false;">Continue</span>
    </div>
  </form>
</div>`;
  } else if (info.kind === 'push' && view.kind !== 'azure-code') {
    const number = view.kind === 'push' ? view.numberToMatch : undefined;
    form = `<div id="loginArea">
  <form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" action="${escapeHtml(d.action)}">${hidden}
    ${error}
    <div class="groupMargin">
      <p id="instructions">${escapeHtml(number === undefined ? info.prompt : AdfsText.azureMfaNumberMatch)}</p>${
        number === undefined ? '' : `\n      <div id="validEntropyNumberArea" class="groupMargin"><p id="validEntropyNumber" class="displayEntropy bigText">${escapeHtml(number)}</p></div>`
      }
    </div>
    <div id="waitingWheelDiv"><div id="WaitingWheel"></div></div>
    <div id="signInAnotherWay" class="groupMargin"><a id="differentVerificationOption" class="actionLink" href="#" onclick="return SelectOption('');">Sign in another way</a></div>
  </form>
  <script type="text/javascript">
    // The real page re-posts form#loginForm while it waits; so does the emulator's browser-shaped client.
    window.setTimeout(function () { document.forms['loginForm'].submit(); }, 1500);
  </script>
</div>`;
  } else {
    const prompt = view.kind === 'azure-code' ? AdfsText.azureMfaCode : info.prompt;
    form = `<div id="loginArea">
  <form method="post" id="loginForm" autocomplete="off" novalidate="novalidate" action="${escapeHtml(d.action)}">${hidden}
    ${error}
    <div class="groupMargin">
      <p id="instructions">${escapeHtml(prompt)}</p>
    </div>
    <div>
      <input id="${info.codeId}" name="${escapeHtml(info.codeField)}" type="text" value="" class="text fullWidth" placeholder="${view.kind === 'azure-code' ? 'Verification code' : 'Code'}" tabindex="1" autocomplete="off" />
    </div>
    <div id="submissionArea" class="submitMargin">
      <input id="signInButton" class="submit" type="submit" name="${d.adapter.startsWith('VIP') ? 'Continue' : 'SignIn'}" tabindex="2" value="${d.adapter.startsWith('VIP') ? 'Continue' : 'Sign in'}" />
    </div>
  </form>
</div>`;
  }
  const body = `
    <div id="authArea" class="groupMargin">
        ${greeting}
        <div class='groupMargin'>${form}</div>
${optionsForm(d.optionsAction, undefined)}
    </div>`;
  return adfsShell({ title: info.title, companyName: d.companyName ?? 'Corp Example', body, copyrightYear: d.errorStyle === 'label' ? '2013' : '2016' });
}

export interface AdfsMfaChoicePageData {
  /** The adapters offered, in order. */
  adapters: string[];
  context: string;
  optionsAction: string;
  userName: string;
  companyName?: string;
}

/**
 * "Choose a method" (AD FS Authentication Options, when several additional providers apply): only
 * form#options, one a.actionLink per provider whose id is the AuthMethod that SelectOption posts, and
 * the Context of the round.
 */
export function renderAdfsMfaChoicePage(d: AdfsMfaChoicePageData): string {
  const links = d.adapters
    .map((a) => `<div class="groupMargin"><a class="actionLink" href="#" id="${escapeHtml(a)}" role="button" onclick="return SelectOption('${escapeHtml(a)}');">${escapeHtml(mfaAdapterInfo(a).choiceName)}</a></div>`)
    .join('\n                ');
  const body = `
    <div id="authArea" class="groupMargin">
        <div id="mfaGreetingDescription" class="groupMargin">For security reasons, we require additional information to verify your account (${escapeHtml(d.userName)})</div>
        <div id="authOptions">
         <form id="options" method="post" action="${escapeHtml(d.optionsAction)}">
             <script type="text/javascript">
                function SelectOption(option) {
                    var i = document.getElementById('optionSelection');
                    i.value = option;
                    document.forms['options'].submit();
                    return false;
                }
             </script>
             <input id="optionSelection" type="hidden" name="AuthMethod" />
             <input id="context" type="hidden" name="Context" value="${escapeHtml(d.context)}" />
             <div id="openingMessage" class="groupMargin bigText">Select a method to verify your identity.</div>
             <div id='authOptionLinks' class='groupMargin'>
                ${links}
             </div>
         </form>
        </div>
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2016' });
}

export interface AdfsPasswordExpiredPageData {
  action: string;
  userName: string;
  errorStyle: ErrorTextStyle;
  companyName?: string;
}

/** The update-password page AD FS shows when the password is right but expired. */
export function renderAdfsPasswordExpiredPage(d: AdfsPasswordExpiredPageData): string {
  const body = `
    <div id="authArea" class="groupMargin">
    <div id="updatePasswordArea">
        <div id="openingMessage" class="groupMargin bigText">Update Password</div>
        <div id="expiredNotification" class="groupMargin">${escapeHtml(AdfsText.passwordExpired)}</div>
        <form method="post" id="updatePasswordForm" autocomplete="off" novalidate="novalidate" action="${escapeHtml(d.action)}">
            <div id="error" class="fieldMargin error smallText">
                ${errorTextElement(d.errorStyle, AdfsText.passwordExpired)}
            </div>
            <div id="userNameArea">
                <input id="userNameInput" name="UserName" type="email" value="${escapeHtml(d.userName)}" class="text fullWidth" readonly="readonly" autocomplete="off"/>
            </div>
            <div id="oldPasswordArea">
                <input id="oldPasswordInput" name="OldPassword" type="password" class="text fullWidth" placeholder="Old password" autocomplete="off"/>
            </div>
            <div id="newPasswordArea">
                <input id="newPasswordInput" name="NewPassword" type="password" class="text fullWidth" placeholder="New password" autocomplete="off"/>
                <input id="confirmNewPasswordInput" name="ConfirmNewPassword" type="password" class="text fullWidth" placeholder="Confirm new password" autocomplete="off"/>
            </div>
            <div id="submissionArea" class="submitMargin">
                <span id="submitButton" class="submit" role="button" onclick="return UpdatePassword.submitPasswordChange();">Submit</span>
            </div>
        </form>
    </div>
    </div>`;
  return adfsShell({ title: 'Update Password', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: '2016' });
}

export interface Adfs2FormsPageData {
  /** Relative, as AD FS 2.0 writes it: ./FormsSignIn.aspx?... */
  action: string;
  viewState: string;
  viewStateGenerator: string;
  eventValidation: string;
  userName?: string;
  errorText?: string;
}

/** AD FS 2.0 FormsSignIn.aspx: an ASP.NET WebForms page, form#aspnetForm with view state. */
export function renderAdfs2FormsSignInPage(d: Adfs2FormsPageData): string {
  const error = d.errorText === undefined ? '' : escapeHtml(d.errorText);
  return `
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head id="ctl00_Head1"><meta http-equiv="X-UA-Compatible" content="IE=EmulateIE7" /><title>
	Sign In
</title><link href="MasterPages/StyleSheet.css" rel="stylesheet" type="text/css" /><meta name="robots" content="noindex, nofollow" /></head>
<body>
    <form name="aspnetForm" method="post" action="${escapeHtml(d.action)}" onsubmit="javascript:return WebForm_OnSubmit();" id="aspnetForm">
<div>
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="${escapeHtml(d.viewState)}" />
</div>

<script type="text/javascript">
//<![CDATA[
function WebForm_OnSubmit() {
if (typeof(ValidatorOnSubmit) == "function" && ValidatorOnSubmit() == false) return false;
return true;
}
//]]>
</script>

<div>
	<input type="hidden" name="__VIEWSTATEGENERATOR" id="__VIEWSTATEGENERATOR" value="${escapeHtml(d.viewStateGenerator)}" />
	<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="${escapeHtml(d.eventValidation)}" />
	<input type="hidden" name="__db" id="__db" value="15" />
</div>
    <div class="GroupXLargeMargin">
        <div class="TextSizeXLarge">
            <span id="ctl00_ContentPlaceHolder1_TitleLabel">Sign In</span>
        </div>
    </div>
    <div class="MainActionContainer">
        <table class="UsernamePasswordTable">
            <tr>
                <td><span class="Label">User name:</span></td>
                <td><input name="ctl00$ContentPlaceHolder1$UsernameTextBox" type="text" value="${escapeHtml(d.userName ?? '')}" id="ctl00_ContentPlaceHolder1_UsernameTextBox" /></td>
                <td class="TextColorSecondary TextSizeSmall"><span id="ctl00_ContentPlaceHolder1_UsernameExampleLabel">Example: Domain\\Username</span></td>
            </tr>
            <tr>
                <td><span class="Label">Password:</span></td>
                <td><input name="ctl00$ContentPlaceHolder1$PasswordTextBox" type="password" id="ctl00_ContentPlaceHolder1_PasswordTextBox" /></td>
                <td>&nbsp;</td>
            </tr>
            <tr>
                <td></td>
                <td colspan="2" class="TextSizeSmall TextColorError">
                    <span id="ctl00_ContentPlaceHolder1_ErrorTextLabel">${error}</span>
                </td>
            </tr>
            <tr>
                <td colspan="2">
                    <div class="RightAlign GroupXLargeMargin">
                        <input type="submit" name="ctl00$ContentPlaceHolder1$SubmitButton" value="Sign In" onclick="javascript:WebForm_DoPostBackWithOptions(new WebForm_PostBackOptions(&quot;ctl00$ContentPlaceHolder1$SubmitButton&quot;, &quot;&quot;, true, &quot;&quot;, &quot;&quot;, false, false))" id="ctl00_ContentPlaceHolder1_SubmitButton" class="Resizable" />
                    </div>
                </td>
                <td>&nbsp;</td>
            </tr>
        </table>
    </div>
    </form>
</body>
</html>
`;
}

/** The ASP.NET "Server Error in '/adfs/ls' Application." page (view-state failures on AD FS 2.0). */
export function renderAspNetServerErrorPage(d: { message: string; exceptionType: string }): string {
  return `<!DOCTYPE html>
<html>
    <head>
        <title>${escapeHtml(d.message)}</title>
    </head>
    <body bgcolor="white">
            <span><H1>Server Error in '/adfs/ls' Application.<hr width=100% size=1 color=silver></H1>
            <h2> <i>${escapeHtml(d.message)}</i> </h2></span>
            <b> Exception Details: </b>${escapeHtml(d.exceptionType)}: ${escapeHtml(d.message)}<br><br>
    </body>
</html>
`;
}

export interface SamlPostPageData {
  action: string;
  samlResponse: string;
  relayState?: string;
}

/** AD FS auto-post page: form name=hiddenform, SAMLResponse, and a script that submits it. */
export function renderAdfsSamlPostPage(d: SamlPostPageData): string {
  const relay = d.relayState === undefined ? '' : `<input type="hidden" name="RelayState" value="${escapeHtml(d.relayState)}" />`;
  return `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(d.action)}"><input type="hidden" name="SAMLResponse" value="${escapeHtml(d.samlResponse)}" />${relay}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script></body></html>`;
}

/** AD FS WS-Federation auto-post page (Office 365): wa, wresult, wctx, no SAMLResponse. */
export function renderAdfsWsFedPostPage(d: { action: string; wresult: string; wctx?: string }): string {
  const wctx = d.wctx === undefined ? '' : `<input type="hidden" name="wctx" value="${escapeHtml(d.wctx)}" />`;
  return `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(d.action)}"><input type="hidden" name="wa" value="wsignin1.0" /><input type="hidden" name="wresult" value="${escapeHtml(d.wresult)}" />${wctx}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">window.setTimeout('document.forms[0].submit()', 0);</script></body></html>`;
}

/** Keycloak's SAML POST binding page (saml-post-form.ftl). */
export function renderKeycloakSamlPostPage(d: SamlPostPageData): string {
  const relay = d.relayState === undefined ? '' : `\n            <input type="hidden" name="RelayState" value="${escapeHtml(d.relayState)}"/>`;
  return `<HTML>
    <HEAD>
        <TITLE>Authentication Redirect</TITLE>
    </HEAD>
    <BODY Onload="document.forms[0].submit()">
        <FORM METHOD="POST" ACTION="${escapeHtml(d.action)}" name="saml-post-binding">
            <INPUT TYPE="HIDDEN" NAME="SAMLResponse" VALUE="${escapeHtml(d.samlResponse)}"/>${relay}
            <NOSCRIPT>
                <P>JavaScript is disabled. We strongly recommend to enable it. Click the button below to continue.</P>
                <INPUT TYPE="SUBMIT" VALUE="CONTINUE" />
            </NOSCRIPT>
        </FORM>
    </BODY>
</HTML>
`;
}

function keycloakShell(title: string, realm: string, content: string): string {
  return `<!DOCTYPE html>
<html class="login-pf">

<head>
    <meta charset="utf-8">
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
    <meta name="robots" content="noindex, nofollow">
    <meta name="viewport" content="width=device-width,initial-scale=1"/>
    <title>${escapeHtml(title)}</title>
    <link rel="icon" href="/resources/x1y2z/login/keycloak/img/favicon.ico" />
    <link href="/resources/x1y2z/login/keycloak/css/login.css" rel="stylesheet" />
</head>

<body class="">
<div class="login-pf-page">
    <div id="kc-header" class="login-pf-page-header">
        <div id="kc-header-wrapper" class="">${escapeHtml(realm)}</div>
    </div>
    <div class="card-pf">
        <header class="login-pf-header">
            <h1 id="kc-page-title">${escapeHtml(title)}</h1>
        </header>
        <div id="kc-content">
            <div id="kc-content-wrapper">
${content}
            </div>
        </div>
    </div>
</div>
</body>
</html>
`;
}

export interface KeycloakLoginPageData {
  /** Absolute, as Keycloak writes it: <origin>/realms/<realm>/login-actions/authenticate?session_code=...&execution=...&client_id=...&tab_id=... */
  action: string;
  realm: string;
  username?: string;
  errorText?: string;
}

/** Keycloak (keycloak theme) login.ftl: form#kc-form-login with username, password, rememberMe, credentialId. */
export function renderKeycloakLoginPage(d: KeycloakLoginPageData): string {
  const alert =
    d.errorText === undefined
      ? ''
      : `
                <div class="alert-error pf-c-alert pf-m-inline pf-m-danger">
                    <span class="pf-c-alert__title kc-feedback-text">${escapeHtml(d.errorText)}</span>
                </div>`;
  const inputError =
    d.errorText === undefined ? '' : `\n                            <span id="input-error" class="kc-feedback-text" aria-live="polite">${escapeHtml(d.errorText)}</span>`;
  const content = `${alert}
    <div id="kc-form">
      <div id="kc-form-wrapper">
            <form id="kc-form-login" onsubmit="login.disabled = true; return true;" action="${escapeHtml(d.action)}" method="post">
                <div class="form-group">
                    <label for="username" class="pf-c-form__label pf-c-form__label-text">Username or email</label>
                    <input tabindex="1" id="username" class="pf-c-form-control" name="username" value="${escapeHtml(d.username ?? '')}"  type="text" autofocus autocomplete="off"
                           aria-invalid="${d.errorText === undefined ? '' : 'true'}"
                    />${inputError}
                </div>

                <div class="form-group">
                    <label for="password" class="pf-c-form__label pf-c-form__label-text">Password</label>
                    <input tabindex="2" id="password" class="pf-c-form-control" name="password" type="password" autocomplete="off"
                           aria-invalid="${d.errorText === undefined ? '' : 'true'}"
                    />
                </div>

                <div class="form-group login-pf-settings">
                    <div id="kc-form-options">
                        <div class="checkbox">
                            <label>
                                <input tabindex="3" id="rememberMe" name="rememberMe" type="checkbox"> Remember me
                            </label>
                        </div>
                    </div>
                </div>

                <div id="kc-form-buttons" class="form-group">
                    <input type="hidden" id="id-hidden-input" name="credentialId" />
                    <input tabindex="4" class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" id="kc-login" type="submit" value="Sign In"/>
                </div>
            </form>
        </div>
    </div>`;
  return keycloakShell(`Sign in to ${d.realm}`, d.realm, content);
}

/** Keycloak login-update-password.ftl (required action UPDATE_PASSWORD). */
export function renderKeycloakUpdatePasswordPage(d: { action: string; realm: string }): string {
  const content = `
                <div class="alert-warning pf-c-alert pf-m-inline pf-m-warning">
                    <span class="pf-c-alert__title kc-feedback-text">${escapeHtml(AdfsText.keycloakUpdatePassword)}</span>
                </div>
    <form id="kc-passwd-update-form" class="form-horizontal" action="${escapeHtml(d.action)}" method="post">
        <input type="password" id="password-new" name="password-new" class="pf-c-form-control" autofocus autocomplete="new-password" />
        <input type="password" id="password-confirm" name="password-confirm" class="pf-c-form-control" autocomplete="new-password" />
        <input class="pf-c-button pf-m-primary btn-lg" type="submit" value="Submit" />
    </form>`;
  return keycloakShell('Update password', d.realm, content);
}

/** Keycloak error.ftl (e.g. cookie not found). */
export function renderKeycloakErrorPage(d: { realm: string; message: string }): string {
  const content = `
    <div id="kc-error-message">
        <p class="instruction">${escapeHtml(d.message)}</p>
    </div>`;
  return keycloakShell("We are sorry...", d.realm, content);
}

export interface AdfsDuoPageData {
  /** The Duo host (host:port) and signed request of the classic adapter; or the frameless URL of the Universal Prompt. */
  duo: { flow: 'classic'; host: string; sigRequest: string } | { flow: 'universal'; framelessUrl: string };
  context: string;
  action: string;
  optionsAction: string;
  errorStyle: ErrorTextStyle;
  companyName?: string;
}

/**
 * The Duo adapter's page (fixtures/adfs/mfa-duo.html, mfa-duo-universal.html). Classic: iframe#duo_iframe
 * with data-host / data-sig-request (Duo-Web-v2.js reads them) and form#duo_form, into which the script puts
 * sig_response. Universal Prompt: form#adfs_form posting the adapter's context to Duo's frameless auth URL,
 * submitted by script at once (Duo's exit page posts duo_code back to the adapter).
 */
export function renderAdfsDuoPage(d: AdfsDuoPageData): string {
  const area =
    d.duo.flow === 'classic'
      ? `        <div id="loginMessage" class="groupMargin">Duo Security</div>
        <iframe id="duo_iframe" title="Two-Factor Authentication" frameborder="0" width="100%" height="330"
            data-host="${escapeHtml(d.duo.host)}"
            data-sig-request="${escapeHtml(d.duo.sigRequest)}"
            data-post-argument="sig_response"></iframe>
        <form method="post" id="duo_form" action="${escapeHtml(d.action)}">
            <input type="hidden" name="AuthMethod" value="DuoAdfsAdapter"/>
            <input type="hidden" name="Context" value="${escapeHtml(d.context)}"/>
        </form>
        <script type="text/javascript" src="/adfs/portal/script/Duo-Web-v2.min.js"></script>`
      : `        <div id="loginMessage" class="groupMargin">Redirecting to Duo Security...</div>
        <form method="post" id="adfs_form" action="${escapeHtml(d.duo.framelessUrl)}">
            <input type="hidden" name="context" value="${escapeHtml(d.context)}"/>
            <input type="hidden" name="authMethod" value="DuoAdfsAdapter"/>
        </form>
        <script type="text/javascript">document.getElementById('adfs_form').submit();</script>`;
  const body = `
    <div id="authArea" class="groupMargin">
${area}
${optionsForm(d.optionsAction, undefined)}
    </div>`;
  return adfsShell({ title: 'Sign In', companyName: d.companyName ?? 'Corp Example', body, copyrightYear: d.errorStyle === 'label' ? '2013' : '2016' });
}
