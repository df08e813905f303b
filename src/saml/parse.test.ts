import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SamlError } from '../errors.js';
import { scalingRatio } from '../../test/helpers/scaling.js';
import { MAX_ATTRIBUTES, MAX_ATTRIBUTE_VALUE_CHARS, MAX_ROLE_VALUES, decodeSamlResponse, parseSamlResponse, parseSamlResponseXml } from './parse.js';
import type { SamlAssertion } from './types.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/saml');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');
const b64 = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');

function samlError(fn: () => unknown): SamlError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SamlError);
    return error as SamlError;
  }
  throw new Error('expected a SamlError, nothing was thrown');
}

const ADFS_PROVIDER = 'arn:aws:iam::123456789012:saml-provider/ADFS';
const ADFS_PRODUCTION = {
  roleArn: 'arn:aws:iam::123456789012:role/ADFS-Production',
  principalArn: ADFS_PROVIDER,
  accountId: '123456789012',
  roleName: 'ADFS-Production',
  partition: 'aws',
} as const;
const ADFS_COMMON = {
  issuer: 'http://adfs.example.com/adfs/services/trust',
  nameId: 'EXAMPLE\\jdoe',
  recipient: 'https://signin.aws.amazon.com/saml',
  destination: 'https://signin.aws.amazon.com/saml',
};

const good: Array<[string, SamlAssertion]> = [
  [
    'adfs-single-role.xml',
    {
      ...ADFS_COMMON,
      roles: [ADFS_PRODUCTION],
      roleSessionName: 'jdoe@example.com',
      notOnOrAfter: new Date('2024-05-01T12:05:00.512Z'),
    },
  ],
  [
    'adfs-multi-account.xml',
    {
      ...ADFS_COMMON,
      roleSessionName: 'jdoe@example.com',
      sessionDuration: 28800,
      notOnOrAfter: new Date('2024-05-01T12:05:00.512Z'),
      roles: [
        {
          roleArn: 'arn:aws:iam::111122223333:role/ADFS-Admin',
          principalArn: 'arn:aws:iam::111122223333:saml-provider/ADFS',
          accountId: '111122223333',
          roleName: 'ADFS-Admin',
          partition: 'aws',
        },
        {
          roleArn: 'arn:aws:iam::111122223333:role/ADFS-ReadOnly',
          principalArn: 'arn:aws:iam::111122223333:saml-provider/ADFS',
          accountId: '111122223333',
          roleName: 'ADFS-ReadOnly',
          partition: 'aws',
        },
        {
          roleArn: 'arn:aws:iam::444455556666:role/platform/ci/Deployer',
          principalArn: 'arn:aws:iam::444455556666:saml-provider/corp-adfs',
          accountId: '444455556666',
          roleName: 'Deployer',
          partition: 'aws',
        },
        {
          roleArn: 'arn:aws:iam::444455556666:role/billing/Finance,Audit@Reader',
          principalArn: 'arn:aws:iam::444455556666:saml-provider/corp-adfs',
          accountId: '444455556666',
          roleName: 'Finance,Audit@Reader',
          partition: 'aws',
        },
        // the duplicate ADFS-Admin value is dropped here
        {
          roleArn: 'arn:aws:iam::777788889999:role/ADFS-Sandbox',
          principalArn: 'arn:aws:iam::777788889999:saml-provider/ADFS.Sandbox_1',
          accountId: '777788889999',
          roleName: 'ADFS-Sandbox',
          partition: 'aws',
        },
      ],
    },
  ],
  [
    'aws-cn.xml',
    {
      issuer: 'http://adfs.example.cn/adfs/services/trust',
      nameId: 'EXAMPLE\\jdoe',
      recipient: 'https://signin.amazonaws.cn/saml',
      destination: 'https://signin.amazonaws.cn/saml',
      roleSessionName: 'jdoe@example.com',
      notOnOrAfter: new Date('2024-05-01T12:05:00.512Z'),
      roles: [
        {
          roleArn: 'arn:aws-cn:iam::210987654321:role/ADFS-ChinaOps',
          principalArn: 'arn:aws-cn:iam::210987654321:saml-provider/ADFS',
          accountId: '210987654321',
          roleName: 'ADFS-ChinaOps',
          partition: 'aws-cn',
        },
      ],
    },
  ],
  [
    'aws-us-gov.xml',
    {
      ...ADFS_COMMON,
      recipient: 'https://signin.amazonaws-us-gov.com/saml',
      destination: 'https://signin.amazonaws-us-gov.com/saml',
      roleSessionName: 'jdoe@example.com',
      sessionDuration: 3600,
      notOnOrAfter: new Date('2024-05-01T12:05:00.512Z'),
      roles: [
        {
          roleArn: 'arn:aws-us-gov:iam::135792468024:role/gov/ADFS-GovAdmin',
          principalArn: 'arn:aws-us-gov:iam::135792468024:saml-provider/ADFS',
          accountId: '135792468024',
          roleName: 'ADFS-GovAdmin',
          partition: 'aws-us-gov',
        },
      ],
    },
  ],
  [
    // saml2p:/saml2: prefixes, role-first order, roles split over two AttributeStatements.
    'saml2-prefixes.xml',
    {
      issuer: 'https://idp.example.org/saml2',
      nameId: 'jane.roe@example.org',
      recipient: 'https://signin.aws.amazon.com/saml',
      destination: 'https://signin.aws.amazon.com/saml',
      roleSessionName: 'jane.roe',
      sessionDuration: 43200,
      notOnOrAfter: new Date('2024-05-01T12:05:00.000Z'),
      roles: [
        {
          roleArn: 'arn:aws:iam::246813579024:role/Developer',
          principalArn: 'arn:aws:iam::246813579024:saml-provider/ExampleIdP',
          accountId: '246813579024',
          roleName: 'Developer',
          partition: 'aws',
        },
        {
          roleArn: 'arn:aws:iam::246813579024:role/Operator',
          principalArn: 'arn:aws:iam::246813579024:saml-provider/ExampleIdP',
          accountId: '246813579024',
          roleName: 'Operator',
          partition: 'aws',
        },
      ],
    },
  ],
  [
    'default-namespace.xml',
    { ...ADFS_COMMON, notOnOrAfter: new Date('2024-05-01T12:05:00Z'), roles: [ADFS_PRODUCTION] },
  ],
  [
    // No NotOnOrAfter on SubjectConfirmationData: falls back to Conditions. No RoleSessionName.
    'conditions-expiry-only.xml',
    { ...ADFS_COMMON, notOnOrAfter: new Date('2024-05-01T13:00:00.497Z'), roles: [ADFS_PRODUCTION] },
  ],
];

const bad: Array<[string, string, RegExp]> = [
  ['no-role-attribute.xml', 'SAML_NO_ROLES', /no https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role attribute/],
  ['empty-role-attribute.xml', 'SAML_NO_ROLES', /attribute has no values/],
  ['bad-role-value.xml', 'SAML_BAD_ROLE', /"arn:aws:iam::12345:role\/ADFS-Short;arn:aws:iam::12345:saml-provider\/ADFS"/],
  ['mismatched-accounts.xml', 'SAML_BAD_ROLE', /same account and partition/],
  ['bad-session-duration.xml', 'SAML_BAD_ATTRIBUTE', /SessionDuration attribute is "8h"; expected a whole number of seconds/],
  ['status-authn-failed.xml', 'SAML_STATUS', /status Responder\/AuthnFailed: "MSIS7012: An error occurred while processing the request\."/],
  ['encrypted-assertion.xml', 'SAML_ENCRYPTED', /encrypted/],
  ['two-assertions.xml', 'SAML_MALFORMED', /holds 2 assertions; expected exactly one/],
  ['wrong-root-assertion-only.xml', 'SAML_MALFORMED', /root element is <Assertion> in urn:oasis:names:tc:SAML:2\.0:assertion; expected a SAML 2\.0 Response/],
  ['xxe-external-entity.xml', 'SAML_HOSTILE_XML', /contains a DTD; awsfed refuses DTDs and entities \(XXE \/ entity expansion\)/],
  ['billion-laughs.xml', 'SAML_HOSTILE_XML', /contains a DTD/],
  ['truncated.xml', 'SAML_MALFORMED', /not well-formed XML \(near line \d+, column \d+\)/],
  ['not-xml.txt', 'SAML_DECODE', /decodes to something that is not XML; expected base64 of a SAML 2\.0 <samlp:Response> XML document/],
];

describe('parseSamlResponse over fixtures', () => {
  it.each(good)('%s', (name, expected) => {
    expect(parseSamlResponse(b64(fixture(name)))).toEqual(expected);
  });

  it.each(bad)('%s -> %s', (name, code, message) => {
    const base64 = b64(fixture(name));
    const error = samlError(() => parseSamlResponse(base64));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
    expect(error.exitCode).toBe(4);
    // Nothing from the assertion beyond the offending non-secret value may reach the user.
    for (const text of [error.message, error.hint ?? '']) {
      expect(text).not.toContain(base64.slice(0, 40));
      expect(text).not.toContain('jdoe');
      expect(text).not.toContain('SignatureValue');
    }
  });

  it('uses every fixture in fixtures/saml', () => {
    const used = new Set([...good.map(([n]) => n), ...bad.map(([n]) => n)]);
    expect(readdirSync(FIXTURES).filter((f) => !used.has(f))).toEqual([]);
  });
});

describe('hostile and oversized documents', () => {
  const single = fixture('adfs-single-role.xml');

  // Both are over the 1 MiB XML limit but under the base64 limit: the DTD scan, which runs first, names them.
  it('refuses a 1.2 MB document whose DTD comes after a megabyte of padding as hostile', () => {
    const padding = `<!--${'x'.repeat(1200 * 1024)}-->`;
    const xml = `<?xml version="1.0"?>\n${padding}\n<!DOCTYPE r [<!ENTITY e SYSTEM "http://attacker.example/">]>\n${single}`;
    expect(samlError(() => parseSamlResponse(b64(xml))).code).toBe('SAML_HOSTILE_XML');
  });

  it('refuses a 1.2 MB document of nested entity references with a tiny DTD as hostile', () => {
    const xml = `<!DOCTYPE r [<!ENTITY a "${'&b;'.repeat(100)}">]><r>${'&a;'.repeat(400_000)}</r>`;
    expect(xml.length).toBeGreaterThan(1_200_000);
    expect(samlError(() => parseSamlResponse(b64(xml))).code).toBe('SAML_HOSTILE_XML');
  });

  it.each([
    ['lower-case doctype', '<!doctype r>'],
    ['whitespace after <!', '<! DOCTYPE r>'],
    ['bare ENTITY declaration', '<!ENTITY e "x">'],
  ])('refuses a %s', (_label, dtd) => {
    expect(samlError(() => parseSamlResponseXml(`${dtd}${single}`)).code).toBe('SAML_HOSTILE_XML');
  });

  it('refuses a benign document over 1 MiB as SAML_TOO_LARGE', () => {
    const big = single.replace('<samlp:Status>', `<!--${'x'.repeat(1024 * 1024)}--><samlp:Status>`);
    const error = samlError(() => parseSamlResponse(b64(big)));
    expect(error.code).toBe('SAML_TOO_LARGE');
    expect(error.message).toMatch(/expected at most 1048576 bytes/);
  });

  it('refuses absurdly long base64 before decoding it', () => {
    expect(samlError(() => decodeSamlResponse('A'.repeat(16 * 1024 * 1024 + 4))).code).toBe('SAML_TOO_LARGE');
  });

  // The early check is tied to the XML limit: base64 of more than 1 MiB of XML, with half again for line
  // breaks and percent-encoding, is refused before the whitespace strip and the regexes copy it.
  it('refuses base64 too long to decode within the XML limit before decoding it (2 MiB of zero bytes)', () => {
    const error = samlError(() => decodeSamlResponse('A'.repeat(2 * 1024 * 1024 + 4)));
    expect(error.code).toBe('SAML_TOO_LARGE');
    expect(error.message).toMatch(/characters; expected at most \d+/);
  });

  it('still decodes the largest XML accepted, wrapped at 76 columns with CRLF as some IdPs send it', () => {
    const xml = `<r>${'x'.repeat(1024 * 1024 - 10)}</r>`;
    const wrapped = (Buffer.from(xml).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
    expect(decodeSamlResponse(wrapped)).toBe(xml);
  });
});

describe('decodeSamlResponse', () => {
  const xml = fixture('adfs-single-role.xml');
  const standard = b64(xml);

  it.each([
    ['standard base64', standard],
    ['wrapped at 76 columns with CRLF', standard.replace(/(.{76})/g, '$1\r\n')],
    ['surrounded by whitespace and tabs', `\n\t ${standard} \n`],
    ['URL-safe alphabet without padding', standard.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')],
    ['still percent-encoded', encodeURIComponent(standard)],
  ])('accepts %s', (_label, input) => {
    expect(decodeSamlResponse(input)).toBe(xml);
  });

  it('strips a UTF-8 byte order mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]).toString('base64');
    expect(decodeSamlResponse(withBom)).toBe(xml);
  });

  it.each([
    ['empty', '', /it is empty/],
    ['only whitespace', ' \n ', /it is empty/],
    ['characters outside base64', 'PHNhbWxwOlJlc3BvbnNl!!', /it is not base64/],
    ['padding in the middle', 'PHNh=bWxw', /it is not base64/],
    ['an impossible length', 'PHNhb', /it is not base64/],
    ['bytes that are not UTF-8', Buffer.from([0x3c, 0xff, 0xfe, 0x00]).toString('base64'), /binary data, not UTF-8 XML/],
    ['UTF-16 XML', Buffer.from('<samlp:Response/>', 'utf16le').toString('base64'), /not XML/],
    ['JSON', b64('{"error":"invalid_grant"}'), /not XML/],
    ['broken percent-encoding', 'PHNh%E0%A4%A', /neither base64 nor percent-encoded/],
  ])('rejects %s with SAML_DECODE', (_label, input, message) => {
    const error = samlError(() => decodeSamlResponse(input));
    expect(error.code).toBe('SAML_DECODE');
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/expected base64 of a SAML 2\.0 <samlp:Response> XML document/);
    expect(error.hint).toMatch(/--debug/);
  });
});

describe('parseSamlResponseXml details', () => {
  const single = fixture('adfs-single-role.xml');

  it('reports a non-success status without a StatusMessage', () => {
    const xml = single.replace('status:Success', 'status:Requester');
    const error = samlError(() => parseSamlResponseXml(xml));
    expect(error.code).toBe('SAML_STATUS');
    expect(error.message).toBe('the IdP returned SAML status Requester');
  });

  it('treats a zone-less NotOnOrAfter as UTC', () => {
    const xml = single.replace('NotOnOrAfter="2024-05-01T12:05:00.512Z"', 'NotOnOrAfter="2024-05-01T12:05:00"');
    expect(parseSamlResponseXml(xml).notOnOrAfter).toEqual(new Date('2024-05-01T12:05:00Z'));
  });

  it('rejects a NotOnOrAfter that is not an xs:dateTime', () => {
    const xml = single.replace('NotOnOrAfter="2024-05-01T12:05:00.512Z"', 'NotOnOrAfter="tomorrow"');
    const error = samlError(() => parseSamlResponseXml(xml));
    expect(error.code).toBe('SAML_MALFORMED');
    expect(error.message).toMatch(/NotOnOrAfter is "tomorrow"/);
  });

  it.each(['0', '-900', '3600.5', ' ', '1e4'])('rejects SessionDuration %j', (value) => {
    const xml = single.replace(
      '</AttributeStatement>',
      `<Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><AttributeValue>${value}x</AttributeValue></Attribute></AttributeStatement>`,
    );
    expect(samlError(() => parseSamlResponseXml(xml)).code).toBe('SAML_BAD_ATTRIBUTE');
  });

  it('ignores elements with the right local name in the wrong namespace', () => {
    // A Role attribute in a foreign namespace must not count: lookups are by namespace, not by name.
    const xml = single.replace(
      /<Attribute Name="https:\/\/aws\.amazon\.com\/SAML\/Attributes\/Role">/,
      '<Attribute xmlns="urn:example:not-saml" Name="https://aws.amazon.com/SAML/Attributes/Role">',
    );
    expect(samlError(() => parseSamlResponseXml(xml)).code).toBe('SAML_NO_ROLES');
  });

  it('rejects mismatched tags as SAML_MALFORMED', () => {
    const xml = single.replace('</Subject>', '</Subjekt>');
    expect(samlError(() => parseSamlResponseXml(xml)).code).toBe('SAML_MALFORMED');
  });
});

describe('attribute caps and linear cost (issue 6, items 9 and 13)', () => {
  const single = fixture('adfs-single-role.xml');
  const ROLE_VALUE = 'arn:aws:iam::123456789012:saml-provider/ADFS,arn:aws:iam::123456789012:role/ADFS-Production';
  const withRoleValues = (values: string[]): string =>
    single.replace(`<AttributeValue>${ROLE_VALUE}</AttributeValue>`, values.map((v) => `<AttributeValue>${v}</AttributeValue>`).join(''));
  /** The shape: `arn:aws:iam::111111111111:role/` followed by `a,` repeated, as one Role value. */
  const hugeRole = (chars: number): string => `arn:aws:iam::111111111111:role/${'a,'.repeat(chars / 2)}`;

  it('refuses a ~1 MB Role value as SAML_ATTRIBUTE_TOO_LARGE through parseSamlResponse', () => {
    const base64 = b64(withRoleValues([hugeRole(1_000_000)]));
    const error = samlError(() => parseSamlResponse(base64));
    expect(error.code).toBe('SAML_ATTRIBUTE_TOO_LARGE');
    expect(error.message).toMatch(/a Role attribute value is 1000031 characters, starting "arn:aws:iam::111111111111:role\/a,a,.*"; expected at most 4096$/);
    expect(error.message.length).toBeLessThan(300);
    expect(error.exitCode).toBe(4);
  });

  it('costs linear time on a huge Role value: 8x the size, well under 30x the time', () => {
    const inputs = new Map<number, string>();
    const input = (chars: number): string => {
      if (!inputs.has(chars)) inputs.set(chars, b64(withRoleValues([hugeRole(chars)])));
      return inputs.get(chars) as string;
    };
    const work = (chars: number): void => {
      expect(samlError(() => parseSamlResponse(input(chars))).code).toBe('SAML_ATTRIBUTE_TOO_LARGE');
    };
    expect(scalingRatio(work, 100_000)).toBeLessThan(30);
  });

  it(`refuses more than ${MAX_ROLE_VALUES} Role values, saying how many`, () => {
    const values = Array.from({ length: MAX_ROLE_VALUES + 1 }, (_, i) => ROLE_VALUE.replace('ADFS-Production', `R${i}`));
    const error = samlError(() => parseSamlResponseXml(withRoleValues(values)));
    expect(error.code).toBe('SAML_ATTRIBUTE_TOO_LARGE');
    expect(error.message).toBe(`the SAML assertion has ${MAX_ROLE_VALUES + 1} Role values; expected at most ${MAX_ROLE_VALUES}`);
    expect(error.hint).toMatch(/claim rule/);
    // At the cap itself every role is listed.
    expect(parseSamlResponseXml(withRoleValues(values.slice(0, MAX_ROLE_VALUES))).roles).toHaveLength(MAX_ROLE_VALUES);
  });

  it(`refuses more than ${MAX_ATTRIBUTES} attributes, saying how many`, () => {
    const extra = Array.from({ length: MAX_ATTRIBUTES }, (_, i) => `<Attribute Name="urn:example:a${i}"><AttributeValue>v</AttributeValue></Attribute>`).join('');
    const xml = single.replace('</AttributeStatement>', `${extra}</AttributeStatement>`);
    const error = samlError(() => parseSamlResponseXml(xml));
    expect(error.code).toBe('SAML_ATTRIBUTE_TOO_LARGE');
    expect(error.message).toBe(`the SAML assertion has more than ${MAX_ATTRIBUTES} attributes; expected at most ${MAX_ATTRIBUTES}`);
  });

  // It is written into ~/.aws/config (awsfed_role_session_name): a line break from the IdP used to reach
  // the INI writer after the keys were already stored, and end as FILE_INVALID_VALUE ("a bug in awsfed").
  // STS refuses such a name too; say so before redeeming anything.
  it.each([
    ['a line break', 'jdoe\n[default]\nregion=x'],
    ['a space', 'John Doe'],
    ['one character', 'j'],
    ['65 characters', 'j'.repeat(65)],
  ])('refuses a RoleSessionName with %s as SAML_BAD_ATTRIBUTE, quoted without control characters', (_label, name) => {
    const xml = single.replace('<AttributeValue>jdoe@example.com</AttributeValue>', `<AttributeValue>${name}</AttributeValue>`);
    const error = samlError(() => parseSamlResponseXml(xml));
    expect(error.code).toBe('SAML_BAD_ATTRIBUTE');
    expect(error.message).toContain('RoleSessionName');
    expect(error.message).not.toMatch(/[\n\r]/);
    expect(error.hint).toMatch(/claim rule/);
  });

  it('refuses a RoleSessionName value longer than the cap without quoting it', () => {
    const xml = single.replace('<AttributeValue>jdoe@example.com</AttributeValue>', `<AttributeValue>${'j'.repeat(MAX_ATTRIBUTE_VALUE_CHARS + 1)}</AttributeValue>`);
    const error = samlError(() => parseSamlResponseXml(xml));
    expect(error.code).toBe('SAML_ATTRIBUTE_TOO_LARGE');
    expect(error.message).toBe(
      `the https://aws.amazon.com/SAML/Attributes/RoleSessionName attribute value is ${MAX_ATTRIBUTE_VALUE_CHARS + 1} characters; expected at most ${MAX_ATTRIBUTE_VALUE_CHARS}`,
    );
  });
});
