import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
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
