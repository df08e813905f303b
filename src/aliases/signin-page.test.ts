import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scalingRatio } from '../../test/helpers/scaling.js';
import { parseAccountLabel, parseAccountNames } from './signin-page.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/signin-pages/${name}`, import.meta.url), 'utf8');
const metaPage = (data: unknown) => `<html><head><meta content="${Buffer.from(JSON.stringify(data)).toString('base64')}" name="data"></head><body></body></html>`;

describe('parseAccountNames', () => {
  it('reads the legacy page: names with extra whitespace and entities, accounts without alias left out', () => {
    expect(Object.fromEntries(parseAccountNames(fixture('legacy.html')))).toEqual({ '111111111111': 'prod-main', '222222222222': 'R&D sandbox' });
  });

  it('matches the shape, not the word "Account" (German, French, Japanese labels)', () => {
    expect(Object.fromEntries(parseAccountNames(fixture('legacy-de.html')))).toEqual({
      '444444444444': 'entwicklung',
      '555555555555': 'production-fr',
      '666666666666': '本番',
    });
  });

  it('reads the 2024 expandable-container markup', () => {
    expect(Object.fromEntries(parseAccountNames(fixture('markup-2024.html')))).toEqual({ '111111111111': 'prod-main', '222222222222': '"staging" — eu' });
  });

  it('reads roles_accounts from the 2023+ client-rendered page', () => {
    expect(Object.fromEntries(parseAccountNames(fixture('client-2023.html')))).toEqual({ '111111111111': 'prod-main', '222222222222': 'staging' });
  });

  it('reads roles_accounts as an array of entries, with ids from fields or role ARNs', () => {
    const page = metaPage({
      roles_accounts: [
        { accountId: '111111111111', accountName: 'a' },
        { accountName: 'b', roles: ['arn:aws:iam::222222222222:role/X'] },
        { name: 'Account: c (333333333333)' },
        { accountId: '444444444444' },
      ],
    });
    expect(Object.fromEntries(parseAccountNames(page))).toEqual({ '111111111111': 'a', '222222222222': 'b', '333333333333': 'c' });
  });

  it('gives no names, not an error, for an interstitial, another page, broken base64 or JSON', () => {
    expect(parseAccountNames(fixture('interstitial.html')).size).toBe(0);
    expect(parseAccountNames('<html><body><h1>Console</h1><div class="account-menu">Signed in</div></body></html>').size).toBe(0);
    expect(parseAccountNames('<meta name="data" content="!!!not base64">').size).toBe(0);
    expect(parseAccountNames(`<meta name="data" content="${Buffer.from('{not json').toString('base64')}">`).size).toBe(0);
    expect(parseAccountNames(metaPage({ roles_accounts: 'nope' })).size).toBe(0);
  });

  // Markup variants a regex tag scanner misread; an HTML parser reads them as a browser would.
  it.each([
    ['single-quoted attributes', `<div class='saml-account-name'>Account: prod (111111111111)</div>`, { '111111111111': 'prod' }],
    ['an unquoted class', `<div class=saml-account-name>Account: prod (111111111111)</div>`, { '111111111111': 'prod' }],
    ['the class after other attributes, and a data-class that is not it', `<div data-class="x" id="a0" class="saml-account-name" onclick="f()">Account: prod (111111111111)</div>`, { '111111111111': 'prod' }],
    ['attributes and text over several lines', `<div\n   id="a0"\n   class="\n saml-account-name\n "\n>\n  Account:\n   prod\n   (111111111111)\n</div>`, { '111111111111': 'prod' }],
    ['named entities beyond the XML five', `<div class="saml-account-name">Account: Soci&eacute;t&eacute; &amp; Co&nbsp;&ndash; prod (111111111111)</div>`, { '111111111111': 'Société & Co – prod' }],
    ['a numeric entity for a quote', `<div class="saml-account-name">Account: &#39;ops&#x27; (111111111111)</div>`, { '111111111111': "'ops'" }],
    ['the label split over nested elements of the same name', `<span class="account-title"><span class="l">Account:</span> <span>prod</span> (111111111111)</span>`, { '111111111111': 'prod' }],
    ['another element than the scanner listed (li, strong, td)', `<ul><li class="saml-account-name">Account: a (111111111111)</li></ul><table><tr><td class="account">Account: b (222222222222)</td></tr></table>`, { '111111111111': 'a', '222222222222': 'b' }],
    ['a commented-out account is not shown, so not read', `<!-- <div class="saml-account-name">Account: old (999999999999)</div> --><div class="saml-account-name">Account: prod (111111111111)</div>`, { '111111111111': 'prod' }],
    ['markup inside a script is not shown, so not read', `<script>var t = '<div class="saml-account-name">Account: fake (999999999999)</div>';</script><div class="saml-account-name">Account: prod (111111111111)</div>`, { '111111111111': 'prod' }],
    ['upper-case tags and attributes', `<DIV CLASS="saml-account-name">Account: prod (111111111111)</DIV>`, { '111111111111': 'prod' }],
  ])('reads %s', (_what, html, expected) => {
    expect(Object.fromEntries(parseAccountNames(html))).toEqual(expected);
  });

  it('reads the data meta tag with single quotes, an entity in its content, and upper-case names', () => {
    const b64 = Buffer.from(JSON.stringify({ roles_accounts: { '111111111111': { account_name: 'prod' } } })).toString('base64');
    expect(Object.fromEntries(parseAccountNames(`<META CONTENT='${b64}' NAME='Data'>`))).toEqual({ '111111111111': 'prod' });
    // A base64 "+" written as an entity, as a templating engine may: the attribute value is decoded first.
    const plus = Buffer.from(JSON.stringify({ roles_accounts: { '111111111111': { account_name: 'a>>b' } } })).toString('base64');
    expect(plus).toContain('+');
    expect(Object.fromEntries(parseAccountNames(`<meta name="data" content="${plus.replace(/\+/g, '&#43;')}">`))).toEqual({ '111111111111': 'a>>b' });
  });

  it('thousands of nested account-classed elements cost linear time (each once read the rest of the page)', () => {
    const page = (n: number): string => `${'<div class="account">'.repeat(n)}<span class="saml-account-name">Account: prod (111111111111)</span>`;
    expect(Object.fromEntries(parseAccountNames(page(10)))).toEqual({ '111111111111': 'prod' });
    // 1,000 -> 8,000: near 8 when linear; the scanner's indexOf per opening tag made it near 40 and more.
    expect(scalingRatio((n) => void parseAccountNames(page(n)), 1000)).toBeLessThan(20);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => void parseAccountNames(s)), { numRuns: 300 });
  });
});

describe('parseAccountLabel', () => {
  it.each([
    ['Account: prod (123456789012)', { id: '123456789012', name: 'prod' }],
    ['  Konto:\n  dev  ( 123456789012)', undefined],
    ['Konto: dev (123456789012)', { id: '123456789012', name: 'dev' }],
    ['Account: 123456789012', { id: '123456789012' }],
    ['Account: name with (parens) (123456789012)', { id: '123456789012', name: 'name with (parens)' }],
    ['Account: 12345', undefined],
    ['Select a role:', undefined],
  ])('%j', (text, expected) => {
    expect(parseAccountLabel(text)).toEqual(expected);
  });
});
