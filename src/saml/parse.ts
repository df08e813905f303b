import { SamlError } from '../errors.js';
import { parseRoleValue } from './roles.js';
import type { SamlAssertion, SamlRole } from './types.js';
import {
  MAX_SAML_XML_BYTES,
  SAML_ASSERTION_NS,
  SAML_PROTOCOL_NS,
  attr,
  childElements,
  firstChild,
  parseSafeXml,
  text,
} from './xml.js';

export const ROLE_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/Role';
export const ROLE_SESSION_NAME_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
export const SESSION_DURATION_ATTRIBUTE = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';

/**
 * Caps on what one assertion may carry (issue 6). STS takes at most 100,000 base64 characters of
 * assertion, so a usable one holds a few hundred roles at most; a real AD FS assertion has a handful of
 * attributes. The caps are far above that and refuse hostile documents with a message that says what
 * and how big, before any per-value work.
 */
export const MAX_ROLE_VALUES = 2000;
export const MAX_ATTRIBUTES = 1000;
/** For the attributes awsfed reads (Role values have their own cap, MAX_ROLE_VALUE_CHARS, the same size). */
export const MAX_ATTRIBUTE_VALUE_CHARS = 4096;

const ATTRIBUTE_CAP_HINT =
  'A real AD FS assertion is a few KiB; check the IdP URL, and ask your AD FS administrator to check the claim rules for AWS.';
const ROLE_CAP_HINT =
  'The AD FS claim rule for the Role attribute maps too many groups to AWS roles; ask your AD FS administrator to narrow it.';

const STATUS_SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

/**
 * Refuses to even decode input that cannot fit the XML limit: base64 is 4/3 of the XML, so twice
 * MAX_SAML_XML_BYTES (2 MiB) leaves half again for line breaks and percent-encoding. Checked on the raw
 * length, before the whitespace strip, decodeURIComponent and the regexes below each copy the string
 * (issue 6, item 8). Documents over the XML limit but under this one still reach the DTD scan and are
 * reported as hostile when they are.
 */
const MAX_BASE64_CHARS = 2 * MAX_SAML_XML_BYTES;

const DECODE_HINT =
  'Run with --debug to see which IdP page produced it, and check that the IdP URL points at AD FS (…/adfs/ls/IdpInitiatedSignOn.aspx).';

/**
 * Base64 (standard or URL-safe, padded or not, with whitespace/newlines as browsers and form posts
 * leave them) -> the XML text. Also accepts a still-percent-encoded value, as pasted from a browser's
 * network tab. Errors describe what was expected, never the content: a SAMLResponse is a bearer token.
 */
export function decodeSamlResponse(base64: string): string {
  if (base64.length > MAX_BASE64_CHARS) {
    throw new SamlError(
      'SAML_TOO_LARGE',
      `the SAMLResponse is ${base64.length} characters; expected at most ${MAX_BASE64_CHARS}`,
      { hint: DECODE_HINT },
    );
  }
  let compact = base64.replace(/\s+/g, '');
  if (/%[0-9A-Fa-f]{2}/.test(compact)) {
    try {
      compact = decodeURIComponent(compact).replace(/\s+/g, '');
    } catch {
      throw decodeError('it is neither base64 nor percent-encoded base64');
    }
  }
  if (compact === '') throw decodeError('it is empty');
  const standard = compact.replace(/-/g, '+').replace(/_/g, '/');
  // Padding only at the end, at most two; a length of 4n+1 cannot come from any byte string.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(standard) || standard.replace(/=+$/, '').length % 4 === 1) {
    throw decodeError('it is not base64');
  }
  const bytes = Buffer.from(standard, 'base64');
  let xml: string;
  try {
    // fatal: a response that is not UTF-8 is not something AD FS sent; better to say so than to parse
    // replacement characters.
    xml = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw decodeError('it decodes to binary data, not UTF-8 XML');
  }
  // XML 1.0 forbids NUL; seeing one means UTF-16 or binary, which would also blind the DTD scan.
  if (xml.includes('\u0000') || !xml.trimStart().startsWith('<')) {
    throw decodeError('it decodes to something that is not XML');
  }
  return xml;
}

function decodeError(what: string): SamlError {
  return new SamlError('SAML_DECODE', `cannot decode the SAMLResponse: ${what}; expected base64 of a SAML 2.0 <samlp:Response> XML document`, {
    hint: DECODE_HINT,
  });
}

/** decode + safe parse + extract roles and the attributes AWS reads. */
export function parseSamlResponse(base64: string): SamlAssertion {
  return parseSamlResponseXml(decodeSamlResponse(base64));
}

/**
 * The XML form of parseSamlResponse, for callers (emulators, tests) that already hold the text.
 * Lookups go by namespace URI, never by prefix: AD FS writes `samlp:`/default namespace, other IdPs
 * `saml2p:`/`saml2:`, and all are the same document.
 */
export function parseSamlResponseXml(xml: string): SamlAssertion {
  const doc = parseSafeXml(xml);
  const response = doc.documentElement;
  if (response.namespaceURI !== SAML_PROTOCOL_NS || response.localName !== 'Response') {
    throw new SamlError(
      'SAML_MALFORMED',
      `the SAML document's root element is ${describeElement(response)}; expected a SAML 2.0 Response (${SAML_PROTOCOL_NS})`,
      { hint: DECODE_HINT },
    );
  }

  checkStatus(response);

  const assertions = childElements(response, SAML_ASSERTION_NS, 'Assertion');
  if (assertions.length === 0 && childElements(response, SAML_ASSERTION_NS, 'EncryptedAssertion').length > 0) {
    throw new SamlError('SAML_ENCRYPTED', 'the SAML assertion is encrypted, so awsfed cannot read the roles in it', {
      hint: 'Turn off assertion encryption on the AD FS relying party trust for AWS (Set-AdfsRelyingPartyTrust -EncryptClaims $false), or ask your AD FS administrator.',
    });
  }
  if (assertions.length !== 1) {
    // More than one assertion is the shape of signature-wrapping attacks; STS would honour only the
    // signed one, so listing roles from any of them could mislead. AD FS always sends exactly one.
    throw new SamlError(
      'SAML_MALFORMED',
      `the SAML response holds ${assertions.length} assertions; expected exactly one`,
      { hint: DECODE_HINT },
    );
  }
  const assertion = assertions[0] as Element;

  const attributes = readAttributes(assertion);
  checkValueLengths(attributes, [ROLE_SESSION_NAME_ATTRIBUTE, SESSION_DURATION_ATTRIBUTE]);
  const roles = readRoles(attributes.get(ROLE_ATTRIBUTE));
  const result: SamlAssertion = { roles };

  const sessionName = attributes.get(ROLE_SESSION_NAME_ATTRIBUTE)?.[0];
  if (sessionName !== undefined) result.roleSessionName = checkSessionName(sessionName);
  const duration = attributes.get(SESSION_DURATION_ATTRIBUTE)?.[0];
  if (duration !== undefined) result.sessionDuration = parseSessionDuration(duration);

  const subject = firstChild(assertion, SAML_ASSERTION_NS, 'Subject');
  const nameId = subject && text(firstChild(subject, SAML_ASSERTION_NS, 'NameID'));
  if (nameId !== undefined) result.nameId = nameId;

  const issuer = text(firstChild(assertion, SAML_ASSERTION_NS, 'Issuer')) ?? text(firstChild(response, SAML_ASSERTION_NS, 'Issuer'));
  if (issuer !== undefined) result.issuer = issuer;

  const destination = attr(response, 'Destination');
  if (destination !== undefined) result.destination = destination;

  const confirmation = subject && bearerConfirmationData(subject);
  const recipient = attr(confirmation, 'Recipient');
  if (recipient !== undefined) result.recipient = recipient;
  const notOnOrAfter =
    attr(confirmation, 'NotOnOrAfter') ?? attr(firstChild(assertion, SAML_ASSERTION_NS, 'Conditions'), 'NotOnOrAfter');
  if (notOnOrAfter !== undefined) result.notOnOrAfter = parseDateTime(notOnOrAfter);

  return result;
}

/**
 * A failed sign-in can still come back as a SAMLResponse (e.g. Responder / AuthnFailed, or
 * RequestDenied when the user is not allowed to the relying party): say so instead of "no roles".
 */
function checkStatus(response: Element): void {
  const status = firstChild(response, SAML_PROTOCOL_NS, 'Status');
  // SAML requires Status, but a missing one is no reason to refuse: STS is the judge of validity.
  if (!status) return;
  const top = firstChild(status, SAML_PROTOCOL_NS, 'StatusCode');
  const topValue = attr(top, 'Value');
  if (topValue === STATUS_SUCCESS) return;
  const codes = [topValue ?? '(missing)'];
  const second = top && attr(firstChild(top, SAML_PROTOCOL_NS, 'StatusCode'), 'Value');
  if (second !== undefined) codes.push(second);
  const short = codes.map((c) => c.replace('urn:oasis:names:tc:SAML:2.0:status:', '')).join('/');
  const statusMessage = text(firstChild(status, SAML_PROTOCOL_NS, 'StatusMessage'));
  const said = statusMessage ? `: ${JSON.stringify(clip(statusMessage))}` : '';
  throw new SamlError('SAML_STATUS', `the IdP returned SAML status ${short}${said}`, {
    hint: 'The IdP refused to issue an assertion for AWS. Check that your account may use the AWS relying party trust, and look for the matching event in the AD FS admin log.',
  });
}

/** Attribute name -> trimmed non-empty values, across every AttributeStatement, in document order. */
function readAttributes(assertion: Element): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let count = 0;
  for (const statement of childElements(assertion, SAML_ASSERTION_NS, 'AttributeStatement')) {
    for (const attribute of childElements(statement, SAML_ASSERTION_NS, 'Attribute')) {
      count += 1;
      if (count > MAX_ATTRIBUTES) {
        throw new SamlError(
          'SAML_ATTRIBUTE_TOO_LARGE',
          `the SAML assertion has more than ${MAX_ATTRIBUTES} attributes; expected at most ${MAX_ATTRIBUTES}`,
          { hint: ATTRIBUTE_CAP_HINT },
        );
      }
      const name = attr(attribute, 'Name');
      if (name === undefined) continue;
      const values = out.get(name) ?? [];
      for (const valueEl of childElements(attribute, SAML_ASSERTION_NS, 'AttributeValue')) {
        const value = text(valueEl);
        if (value !== undefined) values.push(value);
      }
      out.set(name, values);
    }
  }
  return out;
}

/** Role values are capped in parseRoleValue; the other attributes awsfed reads are capped here. */
function checkValueLengths(attributes: Map<string, string[]>, names: string[]): void {
  for (const name of names) {
    const long = attributes.get(name)?.find((value) => value.length > MAX_ATTRIBUTE_VALUE_CHARS);
    if (long === undefined) continue;
    throw new SamlError(
      'SAML_ATTRIBUTE_TOO_LARGE',
      `the ${name} attribute value is ${long.length} characters; expected at most ${MAX_ATTRIBUTE_VALUE_CHARS}`,
      { hint: ATTRIBUTE_CAP_HINT },
    );
  }
}

function readRoles(values: string[] | undefined): SamlRole[] {
  if (values !== undefined && values.length > MAX_ROLE_VALUES) {
    throw new SamlError(
      'SAML_ATTRIBUTE_TOO_LARGE',
      `the SAML assertion has ${values.length} Role values; expected at most ${MAX_ROLE_VALUES}`,
      { hint: ROLE_CAP_HINT },
    );
  }
  const roles: SamlRole[] = [];
  const seen = new Set<string>();
  for (const value of values ?? []) {
    const role = parseRoleValue(value);
    // The same role can arrive through two AD groups; list it once, where it first appears.
    const key = `${role.roleArn},${role.principalArn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    roles.push(role);
  }
  if (roles.length === 0) {
    throw new SamlError(
      'SAML_NO_ROLES',
      values === undefined
        ? `the SAML assertion has no ${ROLE_ATTRIBUTE} attribute, so there is no AWS role to sign in to`
        : `the SAML assertion's ${ROLE_ATTRIBUTE} attribute has no values, so there is no AWS role to sign in to`,
      {
        hint: 'The AD FS claim rule for the Role attribute must map your AD groups to "role-arn,provider-arn" values; ask your AD FS administrator to check the rule and your group membership.',
      },
    );
  }
  return roles;
}

/** STS's rule for RoleSessionName (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html). */
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * STS refuses any other name; and the name is written into ~/.aws/config (awsfed_role_session_name), so a
 * line break from the IdP must be stopped here, before any key is redeemed or stored.
 */
function checkSessionName(value: string): string {
  if (ROLE_SESSION_NAME.test(value)) return value;
  throw new SamlError(
    'SAML_BAD_ATTRIBUTE',
    `the ${ROLE_SESSION_NAME_ATTRIBUTE} attribute is ${JSON.stringify(clip(value, 80))}; expected 2 to 64 letters, digits or +=,.@-`,
    { hint: 'Fix the AD FS claim rule that issues RoleSessionName (e.g. the UPN or e-mail address, without spaces).' },
  );
}

function parseSessionDuration(value: string): number {
  // Integer seconds only; the 900..43200 bound is left to the caller, which knows the role maximum
  // and whether the user asked for a duration explicitly.
  if (!/^[1-9][0-9]{0,8}$/.test(value)) {
    throw new SamlError(
      'SAML_BAD_ATTRIBUTE',
      `the ${SESSION_DURATION_ATTRIBUTE} attribute is ${JSON.stringify(clip(value))}; expected a whole number of seconds`,
      { hint: 'Fix the AD FS claim rule that issues SessionDuration (e.g. "28800"), or remove it and pass --duration.' },
    );
  }
  return Number(value);
}

function bearerConfirmationData(subject: Element): Element | undefined {
  const confirmations = childElements(subject, SAML_ASSERTION_NS, 'SubjectConfirmation');
  const bearer = confirmations.find((c) => attr(c, 'Method') === BEARER) ?? confirmations[0];
  return bearer && firstChild(bearer, SAML_ASSERTION_NS, 'SubjectConfirmationData');
}

/** xs:dateTime as SAML uses it (UTC, usually with `Z`); anything else is malformed, not "no expiry". */
function parseDateTime(value: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/.test(value);
  // No zone means UTC in SAML (core section 1.3.3); Date would read it as local time.
  const date = ok ? new Date(/(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    throw new SamlError('SAML_MALFORMED', `the assertion's NotOnOrAfter is ${JSON.stringify(clip(value))}; expected an xs:dateTime such as 2024-05-01T12:00:00Z`, {
      hint: DECODE_HINT,
    });
  }
  return date;
}

function describeElement(el: Element): string {
  return `<${clip(el.localName ?? el.nodeName, 60)}>${el.namespaceURI ? ` in ${clip(el.namespaceURI, 100)}` : ''}`;
}

function clip(value: string, max = 200): string {
  // Clip before cleaning: the value may be as large as the document.
  // eslint-disable-next-line no-control-regex
  const clean = value.slice(0, max).replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
  return value.length > max ? `${clean}...` : clean;
}
