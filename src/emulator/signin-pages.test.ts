import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAccountNames } from '../aliases/signin-page.js';
import { renderSigninPage, roleArnsOfSamlResponse } from './signin-pages.js';

const accountId = fc.integer({ min: 1, max: 999_999_999_999 }).map((n) => String(n).padStart(12, '0'));
// Names as AWS allows for account aliases and more: entities, quotes, brackets, non-Latin text.
const name = fc.oneof(fc.constantFrom('prod-main', 'R&D <lab>', '"q" \'s\'', '本番', 'name (old)'), fc.string({ minLength: 1, maxLength: 20 })).filter((s) => s.trim() === s && s !== '' && !/\s{2}|[\n\r\t]/.test(s));

describe('the emulator pages and the parser agree', () => {
  it.each(['legacy', 'markup-2024', 'client-2023'] as const)('%s: every named account is read back, unnamed ones left out', (shape) => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(accountId, fc.option(name, { nil: undefined })), { selector: ([id]) => id, minLength: 1, maxLength: 8 }), (accounts) => {
        const page = renderSigninPage(
          shape,
          accounts.map(([id, n]) => ({ id, ...(n !== undefined ? { name: n } : {}), roleArns: [`arn:aws:iam::${id}:role/Admin`] })),
        );
        const expected = Object.fromEntries(accounts.filter(([id, n]) => n !== undefined && n !== id).map(([id, n]) => [id, n]));
        expect(Object.fromEntries(parseAccountNames(page))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('the interstitial shows no names', () => {
    expect(parseAccountNames(renderSigninPage('interstitial', [{ id: '111111111111', name: 'x', roleArns: [] }])).size).toBe(0);
  });

  it('reads the role ARNs of an assertion', () => {
    const xml = '<Attribute><AttributeValue>arn:aws:iam::111111111111:role/team/Admin,arn:aws:iam::111111111111:saml-provider/ADFS</AttributeValue></Attribute>';
    expect(roleArnsOfSamlResponse(Buffer.from(xml).toString('base64'))).toEqual(['arn:aws:iam::111111111111:role/team/Admin']);
  });
});
