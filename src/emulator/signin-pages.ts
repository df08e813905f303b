/**
 * The AWS sign-in role page (POST /saml) as the emulator serves it, in each shape awsfed reads: the
 * legacy server-rendered page, its 2024 markup, the 2023+ client-rendered page (base64 JSON in
 * <meta name="data">), plus a script-only interstitial. The markup follows fixtures/signin-pages/, which
 * says what each shape rests on.
 */
export type SigninPageShape = 'legacy' | 'markup-2024' | 'client-2023' | 'interstitial';

export interface PageAccount {
  id: string;
  name?: string;
  roleArns: string[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const label = (a: PageAccount) => (a.name === undefined ? `Account: ${a.id}` : `Account: ${esc(a.name)} (${a.id})`);
const roleName = (arn: string) => arn.split('/').pop() ?? arn;

export function renderSigninPage(shape: SigninPageShape, accounts: readonly PageAccount[]): string {
  switch (shape) {
    case 'legacy':
      return `<!DOCTYPE html><html><head><title>Amazon Web Services Sign-In</title></head><body>
<form id="saml_form" name="saml_form" action="/saml" method="post"><input type="hidden" name="RelayState" value="" /><input type="hidden" name="SAMLResponse" value="" />
<fieldset>${accounts
        .map(
          (a, i) => `
<div  class="saml-account"> <div onClick="expandCollapse(${i});"><div class="saml-account-name">${label(a)}</div></div>
<div id="${i}" class="saml-account">${a.roleArns
            .map((arn) => `<div class="saml-role"><input type="radio" name="roleIndex" value="${esc(arn)}" class="saml-radio" id="${esc(arn)}" /><label for="${esc(arn)}" class="saml-role-description">${esc(roleName(arn))}</label></div>`)
            .join('')}</div></div>`,
        )
        .join('')}
</fieldset></form></body></html>`;
    case 'markup-2024':
      return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Amazon Web Services Sign-In</title></head><body><div id="container">
<form id="saml_form" action="/saml" method="post"><input type="hidden" name="portal" value=""><h1>Select a role</h1>${accounts
        .map(
          (a) => `
<div class="expandable-container"><div class="expandable-container-header" role="button"><span class="expandable-container-title">${label(a)}</span></div>
<div class="expandable-container-content">${a.roleArns.map((arn, i) => `<div class="saml-role"><input type="radio" name="roleIndex" id="r${a.id}${i}" value="${esc(arn)}"><label for="r${a.id}${i}">${esc(roleName(arn))}</label></div>`).join('')}</div></div>`,
        )
        .join('')}
</form></div></body></html>`;
    case 'client-2023': {
      const rolesAccounts = Object.fromEntries(
        accounts.map((a) => [a.id, { ...(a.name !== undefined ? { account_name: a.name } : {}), roles: a.roleArns.map((arn) => ({ arn, name: roleName(arn) })) }]),
      );
      const data = Buffer.from(JSON.stringify({ roles_accounts: rolesAccounts }), 'utf8').toString('base64');
      return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="data" content="${data}"><title>Amazon Web Services Sign-In</title><script src="/static/js/saml-roles.js" defer></script></head><body><div id="root"></div></body></html>`;
    }
    case 'interstitial':
      return `<html><head><title>Redirecting</title><script>window.location.replace('/saml?check=1');</script></head><body><noscript>Please enable JavaScript to continue.</noscript></body></html>`;
  }
}

/** Role ARNs named in a base64 SAMLResponse (the emulator's own assertions; no XML parser needed). */
export function roleArnsOfSamlResponse(samlResponse: string): string[] {
  const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
  return [...new Set([...xml.matchAll(/arn:aws[\w-]*:iam::\d{12}:role\/[\w+=.@/-]+/g)].map((m) => m[0]))];
}
