/**
 * Issues SAML 2.0 responses shaped like the ones AD FS posts to https://signin.aws.amazon.com/saml:
 * a samlp:Response holding one Assertion (default namespace, as AD FS writes it) whose enveloped
 * signature (RSA-SHA256, SHA-256 digest, exclusive c14n) sits right after the Assertion's Issuer,
 * with the signing certificate in KeyInfo. Used by the emulators and by tests; never by the CLI itself.
 */
import { randomUUID } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import type { KeyPair } from './certs.js';

export interface IssuedRole {
  roleArn: string;
  principalArn: string;
  /** AD FS claim rules may write "provider,role"; AWS accepts either order. */
  providerFirst?: boolean;
}

export interface IssueSamlOptions {
  signer: KeyPair;
  issuer: string;
  nameId: string;
  roles: IssuedRole[];
  roleSessionName?: string;
  sessionDuration?: number;
  now: Date;
  /** NotOnOrAfter = now + this (default 300). */
  validForSeconds?: number;
  /** Default https://signin.aws.amazon.com/saml. */
  recipient?: string;
  extraAttributes?: Record<string, string[]>;
  /** Sign the Assertion (default true, as AD FS does by default: -SamlResponseSignature AssertionOnly). */
  signAssertion?: boolean;
  /** Sign the outer Response (AD FS: -SamlResponseSignature MessageOnly or MessageAndAssertion). */
  signResponse?: boolean;
  /** Audience in AudienceRestriction (default urn:amazon:webservices). */
  audience?: string;
}

export const NS_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const NS_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
export const SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';
export const DEFAULT_RECIPIENT = 'https://signin.aws.amazon.com/saml';
export const AWS_AUDIENCE = 'urn:amazon:webservices';

const SIGNATURE_ALGORITHM = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const DIGEST_ALGORITHM = 'http://www.w3.org/2001/04/xmlenc#sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

/** Escapes text and attribute values; the same function is safe for both because it also escapes quotes. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;'); // numeric: valid in XML and in HTML 4 alike
}

/** AD FS writes instants with milliseconds and a Z suffix, e.g. 2024-05-01T10:00:00.123Z. */
function instant(date: Date): string {
  return date.toISOString();
}

function newId(): string {
  // IDs must be NCNames (cannot start with a digit); AD FS uses "_" + GUID.
  return `_${randomUUID()}`;
}

function attribute(name: string, values: string[]): string {
  const body = values.map((v) => `<AttributeValue>${escapeXml(v)}</AttributeValue>`).join('');
  return `<Attribute Name="${escapeXml(name)}">${body}</Attribute>`;
}

function sign(xml: string, signer: KeyPair, elementLocalName: 'Assertion' | 'Response'): string {
  const sig = new SignedXml({
    privateKey: signer.keyPem,
    publicCert: signer.certPem,
    signatureAlgorithm: SIGNATURE_ALGORITHM,
    canonicalizationAlgorithm: EXC_C14N,
  });
  const target = `//*[local-name(.)='${elementLocalName}' and namespace-uri(.)='${
    elementLocalName === 'Assertion' ? NS_ASSERTION : NS_PROTOCOL
  }']`;
  sig.addReference({ xpath: target, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: DIGEST_ALGORITHM });
  // SAML's schema puts ds:Signature right after the element's own Issuer.
  sig.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${target}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return sig.getSignedXml();
}

/** The signed samlp:Response as an XML string. */
export function issueSamlResponseXml(opts: IssueSamlOptions): string {
  const now = opts.now;
  const validFor = opts.validForSeconds ?? 300;
  const notOnOrAfter = new Date(now.getTime() + validFor * 1000);
  const notBefore = new Date(now.getTime() - 5 * 1000);
  const recipient = opts.recipient ?? DEFAULT_RECIPIENT;
  const audience = opts.audience ?? AWS_AUDIENCE;
  const responseId = newId();
  const assertionId = newId();

  const attributes: string[] = [];
  if (opts.roleSessionName !== undefined) attributes.push(attribute(ROLE_SESSION_NAME_ATTRIBUTE, [opts.roleSessionName]));
  if (opts.roles.length > 0) {
    attributes.push(
      attribute(
        ROLE_ATTRIBUTE,
        opts.roles.map((r) => (r.providerFirst ? `${r.principalArn},${r.roleArn}` : `${r.roleArn},${r.principalArn}`)),
      ),
    );
  }
  if (opts.sessionDuration !== undefined) attributes.push(attribute(SESSION_DURATION_ATTRIBUTE, [String(opts.sessionDuration)]));
  for (const [name, values] of Object.entries(opts.extraAttributes ?? {})) attributes.push(attribute(name, values));

  const issuer = escapeXml(opts.issuer);
  const assertion =
    `<Assertion ID="${assertionId}" IssueInstant="${instant(now)}" Version="2.0" xmlns="${NS_ASSERTION}">` +
    `<Issuer>${issuer}</Issuer>` +
    `<Subject>` +
    `<NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">${escapeXml(opts.nameId)}</NameID>` +
    `<SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<SubjectConfirmationData NotOnOrAfter="${instant(notOnOrAfter)}" Recipient="${escapeXml(recipient)}"/>` +
    `</SubjectConfirmation>` +
    `</Subject>` +
    `<Conditions NotBefore="${instant(notBefore)}" NotOnOrAfter="${instant(notOnOrAfter)}">` +
    `<AudienceRestriction><Audience>${escapeXml(audience)}</Audience></AudienceRestriction>` +
    `</Conditions>` +
    `<AttributeStatement>${attributes.join('')}</AttributeStatement>` +
    `<AuthnStatement AuthnInstant="${instant(now)}" SessionIndex="${assertionId}">` +
    `<AuthnContext><AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</AuthnContextClassRef></AuthnContext>` +
    `</AuthnStatement>` +
    `</Assertion>`;

  const response =
    `<samlp:Response ID="${responseId}" Version="2.0" IssueInstant="${instant(now)}" Destination="${escapeXml(recipient)}" ` +
    `Consent="urn:oasis:names:tc:SAML:2.0:consent:unspecified" xmlns:samlp="${NS_PROTOCOL}">` +
    `<Issuer xmlns="${NS_ASSERTION}">${issuer}</Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;

  const withAssertionSignature = opts.signAssertion === false ? response : sign(response, opts.signer, 'Assertion');
  return opts.signResponse ? sign(withAssertionSignature, opts.signer, 'Response') : withAssertionSignature;
}

/** The signed samlp:Response, base64-encoded as it is posted in the SAMLResponse form field. */
export function issueSamlResponse(opts: IssueSamlOptions): string {
  return Buffer.from(issueSamlResponseXml(opts), 'utf8').toString('base64');
}
