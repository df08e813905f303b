/**
 * The visible error text of a non-AD FS IdP page (pure), so that a re-shown login form with a message is
 * quoted as the IdP's own words, never reported as an unrecognised page (issue 7, section 2). AD FS and
 * Keycloak texts are read first by classify.ts; this module adds the IdPs whose markup is documented in
 * /work/shared/DESIGN.md and the fixtures under fixtures/{pingfed,simplesamlphp,shibboleth,generic}/:
 *   - PingFederate: `.ping-error` (the HTML Form adapter's message box);
 *   - Shibboleth IdP: `.form-error` (v3 login.vm) and `.output--failure` (v4+ views);
 *   - SimpleSAMLphp: the `.message-box.error` of the login page (a heading and a paragraph), or an
 *     error page whose heading is "Error" followed by the message;
 *   - any IdP: role="alert" or an error/alert class in or next to a form (the "generic rule").
 * Elements hidden in the markup (hidden, aria-hidden, display:none, .hidden) are placeholders that
 * script fills in; they are skipped so an empty template never turns a good page into an error.
 */
import type { CheerioAPI } from 'cheerio/slim';

type Selection = ReturnType<CheerioAPI>;
/** What the ancestor walk needs of a parsed node (cheerio's nodes have it). */
interface TreeNode {
  parent: TreeNode | null;
}

const SPECIFIC_SELECTORS = [
  '.ping-error', // PingFederate HTML Form adapter
  '.output--failure', // Shibboleth IdP 4+
  '.message-box.error', // SimpleSAMLphp 2.x loginuserpass
];

/** The generic rule: alert roles and error/alert classes, looked for only in or next to a form. */
const GENERIC_SELECTORS = ['[role="alert"]', '.alert-danger', '.alert-error', '.error-message', '.errorMessage', '.error', '.alert', '[class*="error"]'];

const ERROR_HEADING = /^(?:error|an error has occurred|fehler|erreur)$/i;

export function otherErrorText($: CheerioAPI): string | undefined {
  for (const selector of SPECIFIC_SELECTORS) {
    for (const el of $(selector).toArray()) {
      const text = visibleText($, $(el));
      if (text) return text;
    }
  }
  const heading = simpleSamlErrorHeading($);
  if (heading) return heading;
  return genericErrorText($);
}

/** SimpleSAMLphp error pages (error.twig / error.php): an "Error" heading, the message in what follows. */
function simpleSamlErrorHeading($: CheerioAPI): string | undefined {
  for (const el of $('h1, h2, h3').toArray()) {
    const heading = $(el);
    if (!ERROR_HEADING.test(squash(heading.text()))) continue;
    const parts: string[] = [];
    let next = heading.next();
    for (let i = 0; i < 3 && next.length > 0; i++, next = next.next()) {
      if (/^h[1-3]$/i.test((next.get(0) as { tagName?: string }).tagName ?? '')) {
        // SimpleSAMLphp puts the error's title in the next heading and its description after it.
        parts.push(squash(next.text()));
        continue;
      }
      if (next.is('form, script, style, noscript')) break;
      const text = visibleText($, next);
      if (text) parts.push(text);
      if (parts.length >= 2) break;
    }
    const message = parts.filter(Boolean).join(' ');
    if (message) return message;
  }
  return undefined;
}

function genericErrorText($: CheerioAPI): string | undefined {
  const forms = $('form').toArray();
  if (forms.length === 0) return undefined;
  // Each selector is matched once over the whole page, then kept when it lies in a form or the form's
  // container. (`scope.find()` would take the scope's children as its context and de-duplicate them
  // pairwise: quadratic on a container with thousands of children, once per selector and form.)
  const matches = GENERIC_SELECTORS.map((selector) => $(selector).toArray());
  for (const formEl of forms) {
    // In the form, then in its container (many themes put the message box just above the form).
    for (const scope of [formEl, formEl.parent]) {
      if (!scope) continue;
      for (const candidates of matches) {
        for (const el of candidates) {
          if (el === scope || !isInside(el, scope)) continue;
          const node = $(el);
          if (node.is('input, select, textarea, button, form, label') || node.find('input, select, textarea').length > 0) continue;
          const text = visibleText($, node);
          if (text) return text;
        }
      }
    }
  }
  return undefined;
}

/** Whether `scope` is an ancestor of `el` (the classifier caps nesting, so the walk is short). */
function isInside(el: TreeNode, scope: TreeNode): boolean {
  for (let n = el.parent; n; n = n.parent) if (n === scope) return true;
  return false;
}

function visibleText($: CheerioAPI, node: Selection): string {
  for (let n: Selection = node; n.length > 0 && !n.is('body, html'); n = n.parent()) {
    if (isHidden(n)) return '';
  }
  const copy = node.clone();
  copy.find('script, style, noscript').remove();
  return squash(copy.text());
}

function isHidden(node: Selection): boolean {
  if (node.is('noscript, template, script, style')) return true;
  if (node.attr('hidden') !== undefined || node.attr('aria-hidden') === 'true') return true;
  const cls = ` ${node.attr('class') ?? ''} `;
  if (/\s(?:hidden|d-none|hide|invisible)\s/.test(cls)) return true;
  return /display\s*:\s*none|visibility\s*:\s*hidden/i.test(node.attr('style') ?? '');
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
