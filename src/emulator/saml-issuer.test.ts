import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedIdentity, type KeyPair } from './certs.js';
import { escapeXml, issueSamlResponse, issueSamlResponseXml, type IssueSamlOptions } from './saml-issuer.js';
import { verifySamlAssertion } from './sts-saml.js';

const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/ADFS';
const ADMIN = 'arn:aws:iam::123456789012:role/Admin';
const DEV = 'arn:aws:iam::123456789012:role/Dev';
const NOW = new Date('2025-03-01T10:00:00.000Z');

let signer: KeyPair;

function opts(overrides: Partial<IssueSamlOptions> = {}): IssueSamlOptions {
  return {
    signer,
    issuer: 'http://adfs.example.com/adfs/services/trust',
    nameId: 'EXAMPLE\\alice',
    roles: [
      { roleArn: ADMIN, principalArn: PROVIDER },
      { roleArn: DEV, principalArn: PROVIDER, providerFirst: true },
    ],
    roleSessionName: 'alice@example.com',
    sessionDuration: 28800,
    now: NOW,
    ...overrides,
  };
}

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
}

beforeAll(() => {
  signer = createSelfSignedIdentity('ADFS Signing');
});

describe('issueSamlResponseXml', () => {
  it('builds an AD FS-shaped response with the AWS attributes', () => {
    const xml = issueSamlResponseXml(opts({ extraAttributes: { 'http://schemas.example.com/groups': ['a', 'b'] } }));
    expect(xml).toMatch(/^<samlp:Response ID="_[0-9a-f-]{36}" Version="2\.0" IssueInstant="2025-03-01T10:00:00\.000Z" Destination="https:\/\/signin\.aws\.amazon\.com\/saml" Consent="urn:oasis:names:tc:SAML:2\.0:consent:unspecified"/);
    expect(xml).toContain('<samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>');
    expect(xml).toContain('<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><SubjectConfirmationData NotOnOrAfter="2025-03-01T10:05:00.000Z" Recipient="https://signin.aws.amazon.com/saml"/>');
    expect(xml).toContain('<AudienceRestriction><Audience>urn:amazon:webservices</Audience></AudienceRestriction>');
    expect(xml).toContain(`<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role"><AttributeValue>${ADMIN},${PROVIDER}</AttributeValue><AttributeValue>${PROVIDER},${DEV}</AttributeValue></Attribute>`);
    expect(xml).toContain('<Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><AttributeValue>alice@example.com</AttributeValue></Attribute>');
    expect(xml).toContain('<Attribute Name="https://aws.amazon.com/SAML/Attributes/SessionDuration"><AttributeValue>28800</AttributeValue></Attribute>');
    expect(xml).toContain('<Attribute Name="http://schemas.example.com/groups"><AttributeValue>a</AttributeValue><AttributeValue>b</AttributeValue></Attribute>');
    expect(xml).toContain('<AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef>');
    // The signature sits right after the Assertion's Issuer, as the SAML schema requires.
    expect(xml).toMatch(/<Assertion [^>]*><Issuer>[^<]+<\/Issuer><ds:Signature xmlns:ds="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#">/);
    expect(xml).toContain('<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>');
    expect(xml).toContain('<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>');
    expect(xml).toContain('<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>');
    expect(xml).toMatch(/<ds:KeyInfo><ds:X509Data><ds:X509Certificate>[A-Za-z0-9+/=]+<\/ds:X509Certificate><\/ds:X509Data><\/ds:KeyInfo>/);
  });

  it('signs the Assertion so that an independent xml-crypto verifier accepts it', () => {
    const xml = issueSamlResponseXml(opts());
    const doc = parse(xml);
    const assertion = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0];
    const signature = assertion?.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
    expect(signature).toBeDefined();
    const verifier = new SignedXml({ publicCert: signer.certPem });
    verifier.loadSignature(signature as unknown as Node);
    expect(verifier.checkSignature(xml)).toBe(true);
    expect(verifier.getReferences()[0]?.uri).toBe(`#${assertion?.getAttribute('ID')}`);
  });

  it('escapes values so that hostile names cannot change the document', () => {
    const xml = issueSamlResponseXml(opts({ nameId: `a<b>&"c'`, roleSessionName: '</AttributeValue><x>' }));
    // xml-crypto re-serialises the document, which writes quotes in text content literally (still valid XML).
    expect(xml).toMatch(/<NameID Format="urn:oasis:names:tc:SAML:2\.0:nameid-format:persistent">a&lt;b&gt;&amp;(&quot;|")c(&#39;|')<\/NameID>/);
    expect(xml).not.toContain('<x>');
    const read = verifySamlAssertion(Buffer.from(xml).toString('base64'), signer.certPem);
    expect(read.nameId).toBe(`a<b>&"c'`);
    expect(read.roleSessionName).toBe('</AttributeValue><x>');
  });

  it('round-trips through the STS-side verifier', () => {
    const read = verifySamlAssertion(issueSamlResponse(opts({ validForSeconds: 120, recipient: 'https://signin.amazonaws-us-gov.com/saml' })), signer.certPem);
    expect(read).toMatchObject({
      issuer: 'http://adfs.example.com/adfs/services/trust',
      nameId: 'EXAMPLE\\alice',
      recipient: 'https://signin.amazonaws-us-gov.com/saml',
      audiences: ['urn:amazon:webservices'],
      roleSessionName: 'alice@example.com',
      sessionDuration: 28800,
      roles: [
        { roleArn: ADMIN, principalArn: PROVIDER },
        { roleArn: DEV, principalArn: PROVIDER },
      ],
    });
    expect(read.notOnOrAfter?.toISOString()).toBe('2025-03-01T10:02:00.000Z');
    expect(read.issueInstant?.toISOString()).toBe('2025-03-01T10:00:00.000Z');
  });

  it('can sign the whole Response too', () => {
    const xml = issueSamlResponseXml(opts({ signResponse: true }));
    expect(xml.match(/<ds:Signature /g)).toHaveLength(2);
    expect(xml).toMatch(/^<samlp:Response [^>]*><Issuer [^>]*>[^<]+<\/Issuer><ds:Signature /);
    expect(verifySamlAssertion(Buffer.from(xml).toString('base64'), signer.certPem).roles).toHaveLength(2);
  });

  it('returns base64 of the XML from issueSamlResponse', () => {
    const b64 = issueSamlResponse(opts());
    expect(b64).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(b64, 'base64').toString('utf8')).toMatch(/^<samlp:Response /);
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});
