/**
 * What the STS emulator checks in a SAMLAssertion before it issues credentials: the XML signature
 * against the registered provider's certificate (never against the certificate the document itself
 * carries in KeyInfo), then the facts read from the signed bytes only, so that a signature-wrapping
 * document cannot smuggle unsigned roles in.
 */
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { NS_ASSERTION, NS_PROTOCOL, ROLE_ATTRIBUTE, ROLE_SESSION_NAME_ATTRIBUTE, SESSION_DURATION_ATTRIBUTE } from './saml-issuer.js';

const NS_DSIG = 'http://www.w3.org/2000/09/xmldsig#';

export interface VerifiedAssertion {
  issuer?: string;
  nameId?: string;
  nameIdFormat?: string;
  recipient?: string;
  audiences: string[];
  notOnOrAfter?: Date;
  notBefore?: Date;
  issueInstant?: Date;
  sessionNotOnOrAfter?: Date;
  /** Pairs read from the Role attribute, normalised to role first. */
  roles: Array<{ roleArn: string; principalArn: string }>;
  roleSessionName?: string;
  sessionDuration?: number;
}

/** Thrown for anything that makes the document unusable; `reason` is safe to show (no document content). */
export class AssertionRejected extends Error {
  constructor(readonly reason: 'decode' | 'signature' | 'structure', message: string) {
    super(message);
  }
}

function parseXml(xml: string): Document {
  // No DTDs: a SAML document never needs one, and entity tricks are the classic XML attack.
  if (/<!DOCTYPE/i.test(xml)) throw new AssertionRejected('structure', 'DOCTYPE is not allowed');
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => {},
      error: (m: string) => errors.push(m),
      fatalError: (m: string) => errors.push(m),
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc || !doc.documentElement) throw new AssertionRejected('decode', 'not well-formed XML');
  return doc as unknown as Document;
}

function childElements(parent: Node, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const el = n as Element;
      if (el.namespaceURI === ns && el.localName === localName) out.push(el);
    }
  }
  return out;
}

function firstChild(parent: Node | undefined, ns: string, localName: string): Element | undefined {
  return parent ? childElements(parent, ns, localName)[0] : undefined;
}

function text(el: Element | undefined): string | undefined {
  const t = el?.textContent?.trim();
  return t === undefined || t === '' ? undefined : t;
}

function date(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Verifies the signature on `signed` (an Assertion or Response element) and returns the signed XML. */
function verifySignedElement(xml: string, signed: Element, certPem: string): string {
  const signature = firstChild(signed, NS_DSIG, 'Signature');
  if (!signature) throw new AssertionRejected('signature', 'no signature');
  const id = signed.getAttribute('ID');
  if (!id) throw new AssertionRejected('signature', 'signed element has no ID');
  const verifier = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature);
  let valid = false;
  try {
    valid = verifier.checkSignature(xml);
  } catch {
    valid = false;
  }
  if (!valid) throw new AssertionRejected('signature', 'signature invalid');
  const refs = verifier.getReferences();
  // The signature must cover exactly the element it sits in, by that element's ID.
  if (refs.length !== 1 || refs[0]?.uri !== `#${id}`) throw new AssertionRejected('signature', 'signature does not reference its parent');
  const signedXml = verifier.getSignedReferences()[0];
  if (!signedXml) throw new AssertionRejected('signature', 'signature invalid');
  return signedXml;
}

function readAssertion(assertion: Element): VerifiedAssertion {
  const subject = firstChild(assertion, NS_ASSERTION, 'Subject');
  const nameIdEl = firstChild(subject, NS_ASSERTION, 'NameID');
  const confirmation = firstChild(subject, NS_ASSERTION, 'SubjectConfirmation');
  const confirmationData = firstChild(confirmation, NS_ASSERTION, 'SubjectConfirmationData');
  const conditions = firstChild(assertion, NS_ASSERTION, 'Conditions');
  const audiences: string[] = [];
  for (const restriction of conditions ? childElements(conditions, NS_ASSERTION, 'AudienceRestriction') : []) {
    for (const aud of childElements(restriction, NS_ASSERTION, 'Audience')) {
      const v = text(aud);
      if (v) audiences.push(v);
    }
  }
  const authn = firstChild(assertion, NS_ASSERTION, 'AuthnStatement');

  const result: VerifiedAssertion = { audiences, roles: [] };
  const issuer = text(firstChild(assertion, NS_ASSERTION, 'Issuer'));
  if (issuer) result.issuer = issuer;
  const nameId = text(nameIdEl);
  if (nameId) result.nameId = nameId;
  const format = nameIdEl?.getAttribute('Format');
  if (format) result.nameIdFormat = format;
  const recipient = confirmationData?.getAttribute('Recipient');
  if (recipient) result.recipient = recipient;
  const notOnOrAfter = [date(confirmationData?.getAttribute('NotOnOrAfter')), date(conditions?.getAttribute('NotOnOrAfter'))]
    .filter((d): d is Date => d !== undefined)
    .sort((a, b) => a.getTime() - b.getTime())[0];
  if (notOnOrAfter) result.notOnOrAfter = notOnOrAfter;
  const notBefore = date(conditions?.getAttribute('NotBefore'));
  if (notBefore) result.notBefore = notBefore;
  const issueInstant = date(assertion.getAttribute('IssueInstant'));
  if (issueInstant) result.issueInstant = issueInstant;
  const sessionNotOnOrAfter = date(authn?.getAttribute('SessionNotOnOrAfter'));
  if (sessionNotOnOrAfter) result.sessionNotOnOrAfter = sessionNotOnOrAfter;

  for (const statement of childElements(assertion, NS_ASSERTION, 'AttributeStatement')) {
    for (const attr of childElements(statement, NS_ASSERTION, 'Attribute')) {
      const name = attr.getAttribute('Name');
      const values = childElements(attr, NS_ASSERTION, 'AttributeValue')
        .map((v) => text(v))
        .filter((v): v is string => v !== undefined);
      if (name === ROLE_ATTRIBUTE) {
        for (const value of values) {
          const parts = value.split(',').map((p) => p.trim());
          if (parts.length !== 2) continue;
          const role = parts.find((p) => /^arn:[^:]+:iam::\d{12}:role\//.test(p));
          const provider = parts.find((p) => /^arn:[^:]+:iam::\d{12}:saml-provider\//.test(p));
          if (role && provider) result.roles.push({ roleArn: role, principalArn: provider });
        }
      } else if (name === ROLE_SESSION_NAME_ATTRIBUTE && values[0] !== undefined) {
        result.roleSessionName = values[0];
      } else if (name === SESSION_DURATION_ATTRIBUTE && values[0] !== undefined) {
        const n = Number(values[0]);
        if (Number.isInteger(n) && n > 0) result.sessionDuration = n;
      }
    }
  }
  return result;
}

/**
 * Decodes, verifies and reads a base64 SAMLResponse. Either the Assertion or the whole Response must be
 * signed by `certPem` (AWS accepts both); facts are read from the signed canonical XML.
 */
export function verifySamlAssertion(base64: string, certPem: string): VerifiedAssertion {
  const compact = base64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new AssertionRejected('decode', 'not base64');
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  const doc = parseXml(xml);
  const root = doc.documentElement;
  if (root.namespaceURI !== NS_PROTOCOL || root.localName !== 'Response') {
    throw new AssertionRejected('structure', 'not a SAML 2.0 Response');
  }
  const assertions = childElements(root, NS_ASSERTION, 'Assertion');
  if (assertions.length !== 1 || !assertions[0]) throw new AssertionRejected('structure', 'expected exactly one Assertion');
  const assertion = assertions[0];

  if (firstChild(assertion, NS_DSIG, 'Signature')) {
    return readAssertion(parseXml(verifySignedElement(xml, assertion, certPem)).documentElement);
  }
  const signedResponse = parseXml(verifySignedElement(xml, root, certPem)).documentElement;
  const inner = childElements(signedResponse, NS_ASSERTION, 'Assertion')[0];
  if (!inner) throw new AssertionRejected('structure', 'expected exactly one Assertion');
  return readAssertion(inner);
}
