/**
 * Pages of SAML IdPs other than AD FS, for the loopback emulator in other-idp.ts and the fixtures under
 * fixtures/{keycloak,pingfed,f5,simplesamlphp,shibboleth,generic}/ (written from these renderers; the
 * classifier test checks that both classify alike). Modelled on the public templates: Keycloak's
 * login.ftl / login-otp.ftl / webauthn-authenticate.ftl, PingFederate's HTML Form adapter and PingID
 * pages as the public tools read them, F5 APM's logon page with its mfatoken / mfamethod fields,
 * SimpleSAMLphp's loginuserpass and error templates, and Shibboleth IdP's login view. Ids, field names
 * and message texts follow those sources; the layout around them is our own and much shorter.
 */
import { escapeHtml } from './adfs-pages.js';

export type OtherIdpKind = 'keycloak' | 'pingfed' | 'f5' | 'simplesamlphp' | 'shibboleth' | 'generic';

export const OtherIdpText = {
  keycloakBadCredentials: 'Invalid username or password.',
  keycloakBadOtp: 'Invalid authenticator code.',
  pingBadCredentials: 'We didn\u2019t recognize the username or password you entered. Please try again.',
  pingBadOtp: 'Incorrect passcode. Please try again.',
  f5BadCredentials: 'The username or password is not correct. Please try again.',
  f5BadOtp: 'The one-time passcode is not correct. Please try again.',
  simpleSamlBadCredentialsTitle: 'Incorrect username or password',
  simpleSamlBadCredentials: 'Either no user with the given username could be found, or the password you gave was wrong. Please check the username and try again.',
  simpleSamlErrorTitle: 'Error processing request from Service Provider',
  simpleSamlError: 'The Service Provider has sent a request that could not be processed by this IdP.',
  shibbolethBadCredentials: 'The password you entered was incorrect.',
  genericBadCredentials: 'Sign-in failed: wrong user name or password.',
  genericBadCode: 'That code is not valid. Please try again.',
} as const;

export interface LoginPageData {
  action: string;
  username?: string;
  errorText?: string;
}

export interface CodePageData {
  action: string;
  errorText?: string;
  /** Keycloak: OTP devices (radios); F5: methods (select). The first is the page's default. */
  devices?: Array<{ id: string; label: string }>;
  /** Keycloak 'totp' (older themes) instead of 'otp'. */
  fieldName?: string;
}

// ------------------------------------------------------------------------------------------- Keycloak

function keycloakShell(title: string, content: string): string {
  return `<!DOCTYPE html>
<html class="login-pf">
<head>
    <meta charset="utf-8">
    <meta name="robots" content="noindex, nofollow">
    <title>${escapeHtml(title)}</title>
    <link href="/resources/x1y2z/login/keycloak/css/login.css" rel="stylesheet" />
</head>
<body class="">
<div class="login-pf-page">
    <div id="kc-header" class="login-pf-page-header"><div id="kc-header-wrapper" class="">corp</div></div>
    <div class="card-pf">
        <header class="login-pf-header"><h1 id="kc-page-title">Sign in to your account</h1></header>
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

export function renderKeycloakLogin(d: LoginPageData): string {
  const alert = d.errorText === undefined ? '' : `
                <div class="alert-error pf-c-alert pf-m-inline pf-m-danger">
                    <div class="pf-c-alert__icon"><span class="fa fa-fw fa-exclamation-circle"></span></div>
                    <span class="pf-c-alert__title kc-feedback-text">${escapeHtml(d.errorText)}</span>
                </div>`;
  return keycloakShell('Sign in to corp', `${alert}
    <div id="kc-form"><div id="kc-form-wrapper">
        <form id="kc-form-login" onsubmit="login.disabled = true; return true;" action="${escapeHtml(d.action)}" method="post">
            <div class="form-group">
                <label for="username" class="pf-c-form__label pf-c-form__label-text">Username or email</label>
                <input tabindex="1" id="username" class="pf-c-form-control" name="username" value="${escapeHtml(d.username ?? '')}" type="text" autofocus autocomplete="off" />
            </div>
            <div class="form-group">
                <label for="password" class="pf-c-form__label pf-c-form__label-text">Password</label>
                <input tabindex="2" id="password" class="pf-c-form-control" name="password" type="password" autocomplete="off" />
            </div>
            <div id="kc-form-buttons" class="form-group">
                <input type="hidden" id="id-hidden-input" name="credentialId"/>
                <input tabindex="4" class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" id="kc-login" type="submit" value="Sign In"/>
            </div>
        </form>
    </div></div>`);
}

export function renderKeycloakOtp(d: CodePageData): string {
  const field = d.fieldName ?? 'otp';
  const devices = d.devices ?? [];
  const list = devices.length < 2 ? '' : `
            <div class="form-group"><div class="pf-c-form__group-control">
${devices
  .map(
    (dev, i) => `                <input id="kc-otp-credential-${i}" class="pf-c-tile__input" type="radio" name="selectedCredentialId" value="${escapeHtml(dev.id)}"${i === 0 ? ' checked="checked"' : ''}>
                <label for="kc-otp-credential-${i}" class="pf-c-tile" tabindex="${i}">
                    <span class="pf-c-tile__header pf-m-stacked"><span class="pf-c-tile__icon"><i class="fa fa-mobile" aria-hidden="true"></i></span>
                    <span class="pf-c-tile__title">${escapeHtml(dev.label)}</span></span>
                </label>`,
  )
  .join('\n')}
            </div></div>`;
  const error = d.errorText === undefined ? '' : `
                    <span id="input-error-otp-code" class="pf-c-form__helper-text pf-m-error required kc-feedback-text" aria-live="polite">${escapeHtml(d.errorText)}</span>`;
  return keycloakShell('Sign in to corp', `
        <form id="kc-otp-login-form" class="pf-c-form" onsubmit="login.disabled = true; return true;" action="${escapeHtml(d.action)}" method="post">${list}
            <div class="form-group">
                <div class="pf-c-form__label"><label for="${field}" class="pf-c-form__label pf-c-form__label-text">One-time code</label></div>
                <div class="pf-c-form__group-control">
                    <input id="${field}" name="${field}" autocomplete="off" type="text" class="pf-c-form-control" autofocus aria-invalid="${d.errorText === undefined ? '' : 'true'}"/>${error}
                </div>
            </div>
            <div class="form-group"><div id="kc-form-buttons">
                <input class="pf-c-button pf-m-primary pf-m-block btn-lg" name="login" id="kc-login" type="submit" value="Sign In" />
            </div></div>
        </form>`);
}

export function renderKeycloakWebAuthn(d: { action: string }): string {
  return keycloakShell('Sign in to corp', `
        <div id="kc-form-webauthn" class="pf-c-form">
            <form id="webauth" action="${escapeHtml(d.action)}" method="post">
                <input type="hidden" id="clientDataJSON" name="clientDataJSON"/>
                <input type="hidden" id="authenticatorData" name="authenticatorData"/>
                <input type="hidden" id="signature" name="signature"/>
                <input type="hidden" id="credentialId" name="credentialId"/>
                <input type="hidden" id="userHandle" name="userHandle"/>
                <input type="hidden" id="error" name="error"/>
            </form>
            <div class="pf-c-form__group"><h3>Security Key</h3></div>
            <input id="authenticateWebAuthnButton" type="button" onclick="webAuthnAuthenticate()" autofocus="autofocus" value="Sign in with Security Key" class="pf-c-button pf-m-primary pf-m-block btn-lg"/>
        </div>
        <script type="text/javascript">
            function webAuthnAuthenticate() {
                navigator.credentials.get({ publicKey: { challenge: base64url.decode("Y2hhbGxlbmdl", { loose: true }), rpId: "sso.corp.example", userVerification: "preferred" } })
                    .then(function (result) { document.getElementById("webauth").submit(); })
                    .catch(function (err) { document.getElementById("error").value = err; document.getElementById("webauth").submit(); });
            }
        </script>
        <form id="kc-select-try-another-way-form" action="${escapeHtml(d.action)}" method="post">
            <div class="form-group"><input type="hidden" name="tryAnotherWay" value="on"/>
                <a href="#" id="try-another-way" onclick="document.forms['kc-select-try-another-way-form'].submit();return false;">Try Another Way</a>
            </div>
        </form>`);
}

// ------------------------------------------------------------------------------- PingFederate / PingID

function pingShell(title: string, content: string): string {
  return `<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
    <title>${escapeHtml(title)}</title>
    <meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
    <link rel="stylesheet" type="text/css" href="assets/css/main.css"/>
</head>
<body>
<div class="ping-container">
    <div class="ping-header">Sign On</div>
    <div class="ping-body-container">
${content}
    </div>
    <div class="ping-footer-container"><div class="ping-footer"><div class="ping-credits"></div></div></div>
</div>
</body>
</html>
`;
}

export function renderPingLogin(d: LoginPageData): string {
  const error = d.errorText === undefined ? '' : `\n            <div class="ping-messages"><div class="ping-error">${escapeHtml(d.errorText)}</div></div>`;
  return pingShell('Sign On', `        <form method="POST" action="${escapeHtml(d.action)}" autocomplete="off">${error}
            <div class="ping-input-label">Username</div>
            <div class="ping-input-container"><input id="username" type="text" size="36" name="pf.username" value="${escapeHtml(d.username ?? '')}" autocorrect="off" autocapitalize="off"/></div>
            <div class="ping-input-label">Password</div>
            <div class="ping-input-container"><input id="password" type="password" size="36" name="pf.pass"/></div>
            <input type="hidden" name="pf.ok" value="" />
            <input type="hidden" name="pf.cancel" value="" />
            <div class="ping-buttons"><a href="#" onclick="postOk();" class="ping-button normal allow" title="Sign On">Sign On</a></div>
        </form>`);
}

export function renderPingOtp(d: CodePageData): string {
  const error = d.errorText === undefined ? '' : `\n            <div class="ping-error">${escapeHtml(d.errorText)}</div>`;
  return pingShell('PingID', `        <div class="otp-container">
        <form id="otp-form" method="POST" action="${escapeHtml(d.action)}" autocomplete="off">${error}
            <label for="otp">Enter the passcode displayed in your PingID app</label>
            <input type="text" id="otp" name="otp" maxlength="8" inputmode="numeric" autocomplete="one-time-code"/>
            <input type="hidden" name="csrfToken" value="Y3NyZi1wYWdlLXRva2Vu"/>
            <input type="hidden" name="message" value=""/>
            <button type="submit" class="ping-button" id="sign-on">Sign On</button>
        </form>
        </div>`);
}

export function renderPingSwipe(d: { action: string; statusUrl: string; numberToMatch?: string; errorText?: string }): string {
  const number = d.numberToMatch === undefined ? '' : `\n            <div class="numbermatching">${escapeHtml(d.numberToMatch)}</div>\n            <p class="ping-instructions">Select ${escapeHtml(d.numberToMatch)} in the PingID app on your phone.</p>`;
  const error = d.errorText === undefined ? '' : `\n            <div class="ping-error">${escapeHtml(d.errorText)}</div>`;
  return pingShell('PingID', `        <div class="swipe-container">${error}${number}
            <p class="swipe-instructions">Authenticating on your device. Swipe to confirm.</p>
            <form id="form1" method="POST" action="${escapeHtml(d.action)}">
                <input type="hidden" name="csrfToken" value="Y3NyZi1zd2lwZS10b2tlbg"/>
                <input type="hidden" name="ppm_request" value="cHBtIHJlcXVlc3Q"/>
            </form>
        </div>
        <script type="text/javascript">
            var statusUrl = "${escapeHtml(d.statusUrl)}";
            function poll() { fetch(statusUrl, { method: "POST", body: new FormData(document.getElementById("form1")) })
                .then(function (r) { return r.json(); })
                .then(function (s) { if (s.status === "OK") document.getElementById("form1").submit(); else if (s.status === "PENDING") setTimeout(poll, 1500); }); }
            poll();
        </script>`);
}

// ---------------------------------------------------------------------------------------- F5 BIG-IP APM

function f5Shell(content: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<title>BIG-IP logon page</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<link type="text/css" rel="stylesheet" href="/public/include/css/apm.css">
</head>
<body>
<table id="page_header"><tr><td id="header_leftcell"><img src="/public/images/my/flogo.png"></td></tr></table>
<table id="main_table" class="logon_page"><tr><td id="main_table_info_cell">
${content}
</td></tr></table>
</body>
</html>
`;
}

export function renderF5Login(d: LoginPageData): string {
  const error = d.errorText === undefined ? '' : `\n<tr><td colspan="2" class="credentials_table_unified_cell" id="credentials_table_header"><div class="logon_error" role="alert">${escapeHtml(d.errorText)}</div></td></tr>`;
  return f5Shell(`<form id="auth_form" name="e1" method="post" action="${escapeHtml(d.action)}" autocomplete="off">
<table id="credentials_table">${error}
<tr><td class="credentials_table_label_cell"><label for="input_1" id="label_input_1">Username</label></td>
<td class="credentials_table_field_cell"><input type="text" name="username" class="credentials_input_text" value="${escapeHtml(d.username ?? '')}" id="input_1" autocomplete="off" autocapitalize="off"></td></tr>
<tr><td class="credentials_table_label_cell"><label for="input_2" id="label_input_2">Password</label></td>
<td class="credentials_table_field_cell"><input type="password" name="password" class="credentials_input_password" value="" id="input_2" autocomplete="off"></td></tr>
<tr><td class="credentials_table_unified_cell" colspan="2"><input type="submit" class="credentials_input_submit" value="Logon"></td></tr>
</table>
<input type="hidden" name="vhost" value="standard">
</form>`);
}

export function renderF5Mfa(d: CodePageData): string {
  const methods = d.devices ?? [{ id: 'totp', label: 'Authenticator app' }];
  const error = d.errorText === undefined ? '' : `\n<tr><td colspan="2" class="credentials_table_unified_cell" id="credentials_table_header"><div class="logon_error" role="alert">${escapeHtml(d.errorText)}</div></td></tr>`;
  return f5Shell(`<form id="auth_form" name="e1" method="post" action="${escapeHtml(d.action)}" autocomplete="off">
<table id="credentials_table">${error}
<tr><td class="credentials_table_label_cell"><label for="input_mfamethod">Verification method</label></td>
<td class="credentials_table_field_cell"><select name="mfamethod" id="input_mfamethod">
${methods.map((m, i) => `<option value="${escapeHtml(m.id)}"${i === 0 ? ' selected' : ''}>${escapeHtml(m.label)}</option>`).join('\n')}
</select></td></tr>
<tr><td class="credentials_table_label_cell"><label for="input_mfatoken">Passcode</label></td>
<td class="credentials_table_field_cell"><input type="text" name="mfatoken" class="credentials_input_text" value="" id="input_mfatoken" autocomplete="one-time-code" maxlength="8"></td></tr>
<tr><td class="credentials_table_unified_cell" colspan="2"><input type="submit" class="credentials_input_submit" value="Logon"></td></tr>
</table>
<input type="hidden" name="vhost" value="standard">
</form>`);
}

// ------------------------------------------------------------------------------------- SimpleSAMLphp

function simpleSamlShell(content: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="utf-8">
    <title>SimpleSAMLphp</title>
    <link rel="stylesheet" href="/simplesaml/assets/base/css/stylesheet.css">
</head>
<body id="">
<div id="layout">
  <div id="header"><div class="wrap"><div class="v-center logo-header"><div id="logo">SimpleSAMLphp</div></div></div></div>
  <div id="content"><div class="wrap">
${content}
  </div></div>
  <div id="footer"><div class="copyrights">Copyright &copy; 2007-2024 SimpleSAMLphp</div></div>
</div>
</body>
</html>
`;
}

export function renderSimpleSamlLogin(d: LoginPageData): string {
  const error = d.errorText === undefined ? '' : `
    <div class="message-box error">
        <h3>${escapeHtml(OtherIdpText.simpleSamlBadCredentialsTitle)}</h3>
        <p>${escapeHtml(d.errorText)}</p>
    </div>`;
  return simpleSamlShell(`    <h1>Enter your username and password</h1>${error}
    <p>A service has requested you to authenticate yourself. Please enter your username and password in the form below.</p>
    <form id="f" class="pure-form pure-form-aligned" action="${escapeHtml(d.action)}" method="post" name="f" spellcheck="false">
        <div class="pure-control-group"><label for="username">Username</label>
            <input id="username" type="text" name="username" value="${escapeHtml(d.username ?? '')}" autocomplete="username" autofocus></div>
        <div class="pure-control-group"><label for="password">Password</label>
            <input id="password" type="password" name="password" autocomplete="current-password"></div>
        <div class="pure-controls"><button class="pure-button pure-button-red pure-input-1-2" id="submit_button" type="submit">Login</button></div>
        <input type="hidden" name="AuthState" value="_c0ffee1234567890:https://idp.corp.example/simplesaml/saml2/idp/SSOService.php">
    </form>`);
}

export function renderSimpleSamlError(d: { title: string; message: string }): string {
  return simpleSamlShell(`    <h1>Error</h1>
    <h2>${escapeHtml(d.title)}</h2>
    <p>${escapeHtml(d.message)}</p>
    <div class="trackidtext"><p>If you report this error, please also report this tracking number which makes it possible to locate your session in the logs available to the system administrator:</p>
        <div class="input-group"><pre id="trackid" class="input-left">9c6a1b2d3e</pre></div></div>`);
}

// ----------------------------------------------------------------------------------------- Shibboleth

export function renderShibbolethLogin(d: LoginPageData): string {
  const error = d.errorText === undefined ? '' : `\n              <section><p class="output--failure">${escapeHtml(d.errorText)}</p></section>`;
  return `<!DOCTYPE html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Web Login Service</title>
    <link rel="stylesheet" type="text/css" href="/idp/css/main.css">
  </head>
  <body>
    <main class="main">
      <header><img class="main__logo" src="/idp/images/dummylogo.png" alt="Replace or remove this logo"></header>
      <section>
        <form action="${escapeHtml(d.action)}" method="post">
          <input type="hidden" name="csrf_token" value="_7d3c0b2a1f"/>${error}
          <legend>Login to Amazon Web Services</legend>
          <div class="grid__item"><label for="username">Username</label>
            <input class="form-element form-field" id="username" name="j_username" type="text" value="${escapeHtml(d.username ?? '')}"></div>
          <div class="grid__item"><label for="password">Password</label>
            <input class="form-element form-field" id="password" name="j_password" type="password" value=""></div>
          <div class="grid__item"><button class="form-element form-button" type="submit" name="_eventId_proceed">Login</button></div>
        </form>
      </section>
    </main>
  </body>
</html>
`;
}

// -------------------------------------------------------------------------------- generic one-code form

export function renderGenericLogin(d: LoginPageData): string {
  const error = d.errorText === undefined ? '' : `\n      <div class="notice" role="alert">${escapeHtml(d.errorText)}</div>`;
  return `<!DOCTYPE html>
<html><head><title>Corp Sign-In</title></head>
<body>
  <div class="login-box">${error}
    <form method="post" action="${escapeHtml(d.action)}">
      <label for="user">User</label><input id="user" name="user" type="text" value="${escapeHtml(d.username ?? '')}">
      <label for="pass">Password</label><input id="pass" name="pass" type="password">
      <button type="submit">Sign in</button>
    </form>
  </div>
</body></html>
`;
}

export function renderGenericCode(d: CodePageData): string {
  const error = d.errorText === undefined ? '' : `\n      <p class="field-error">${escapeHtml(d.errorText)}</p>`;
  return `<!DOCTYPE html>
<html><head><title>Two-step verification</title></head>
<body>
  <div class="login-box">
    <h1>Two-step verification</h1>
    <form method="post" action="${escapeHtml(d.action)}">${error}
      <input type="hidden" name="state" value="c3RhdGUtb2YtdGhlLWZsb3c">
      <label for="code">Enter the 6-digit code from your authenticator app</label>
      <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6">
      <button type="submit">Verify</button>
    </form>
  </div>
</body></html>
`;
}
