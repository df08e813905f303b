import { DOMParser } from '@xmldom/xmldom';
import { SamlError } from '../errors.js';

/**
 * The one place SAML XML is turned into a DOM. Hostile input is refused by a plain string scan before
 * any parser sees it, so the cost is linear in the input whatever the document contains.
 */

/** A real AD FS response is a few KiB, even with hundreds of roles; 1 MiB leaves ample room. */
export const MAX_SAML_XML_BYTES = 1024 * 1024;

/**
 * A SAML response nests about 8 deep (Response > Assertion > Signature > SignedInfo > Reference >
 * Transforms > Transform > InclusiveNamespaces). xmldom resolves each prefix by walking every enclosing
 * namespace scope, so deep nesting makes parsing quadratic (10,000 levels of xmlns took seconds; the
 * 1 MiB cap allows 40,000); capping the depth keeps the parse linear.
 */
export const MAX_XML_DEPTH = 100;

/**
 * xmldom re-validates every document-level node each time it adds one, so thousands of comments or
 * processing instructions around the root cost quadratic time (15,000 XML declarations: over 2 s). A
 * response has an XML declaration and perhaps a comment.
 */
export const MAX_XML_TOP_LEVEL_NODES = 64;

/**
 * DTDs are how XXE (external entities reading local files or URLs) and entity expansion ("billion
 * laughs") get in. SAML never needs one (SAML 2.0 core, section 1.3: no DTD processing), so any sign of
 * one is refused. The scan is case-insensitive and allows whitespace after `<!` so that near-miss
 * spellings other parsers might accept are refused too; it also matches inside comments and CDATA,
 * which is fine because a genuine response carries neither a DOCTYPE nor an ENTITY anywhere.
 * https://owasp.org/www-community/vulnerabilities/XML_External_Entity_(XXE)_Processing
 */
const DTD_MARKER = /<!\s*(?:DOCTYPE|ENTITY)/i;

export function assertNoDtd(xml: string): void {
  if (DTD_MARKER.test(xml)) {
    throw new SamlError(
      'SAML_HOSTILE_XML',
      'the SAML response contains a DTD; awsfed refuses DTDs and entities (XXE / entity expansion)',
      {
        hint: 'AD FS never sends a DTD: check that the IdP URL really points at your AD FS server and report this response to your security team.',
      },
    );
  }
}

export function assertSizeWithinLimit(xml: string): void {
  // String length counts UTF-16 units; a SAML response is almost all ASCII, so this is the byte count
  // closely enough, and it avoids encoding a huge string only to measure it.
  if (xml.length > MAX_SAML_XML_BYTES) {
    throw new SamlError(
      'SAML_TOO_LARGE',
      `the SAML response is ${xml.length} bytes; expected at most ${MAX_SAML_XML_BYTES} bytes`,
      {
        hint: 'A normal AD FS response is a few KiB. Check the IdP URL, or reduce the number of groups mapped to AWS roles in the claim rules.',
      },
    );
  }
}

/**
 * Parses `xml` after refusing DTDs and oversized input. xmldom 0.8 recovers from most errors and only
 * reports them, which would let a truncated response parse as a shorter, plausible one; so every
 * report, warnings included, becomes SAML_MALFORMED. The parser's own message is dropped because it
 * can quote attribute values from the assertion; only the position is kept. xmldom also silently
 * ignores an end tag that does not match the open element (`<a><b></c></b></a>` parses), and such a
 * document can nest elements differently than it appears to, so tag balance is checked first.
 */
export function parseSafeXml(xml: string): Document {
  assertNoDtd(xml);
  assertSizeWithinLimit(xml);
  assertBalancedTags(xml);
  const report = (message: string): never => {
    throw malformed(message);
  };
  const parser = new DOMParser({
    locator: {},
    errorHandler: { warning: report, error: report, fatalError: report },
  });
  let doc: Document;
  try {
    doc = parser.parseFromString(xml, 'text/xml');
  } catch (error) {
    if (error instanceof SamlError) throw error;
    // xmldom's own ParseError carries the same kind of message as above: keep only its position.
    throw malformed(error instanceof Error ? error.message : '');
  }
  if (!doc || !doc.documentElement) {
    throw new SamlError('SAML_MALFORMED', 'the SAML response has no root element; expected a samlp:Response XML document', {
      hint: MALFORMED_HINT,
    });
  }
  return doc;
}

/**
 * A linear scan (every step advances with indexOf) that checks what xmldom lets through: each end tag
 * closes the innermost open element, nothing is left open, there is exactly one root element, and
 * only whitespace, comments and processing instructions sit outside it, and nothing nests deeper than
 * MAX_XML_DEPTH. Markup inside comments,
 * CDATA and quoted attribute values is skipped. DTDs never get here (assertNoDtd runs first).
 */
export function assertBalancedTags(xml: string): void {
  const open: string[] = [];
  let roots = 0;
  let topLevelNodes = 0;
  let pos = 0;
  const fail = (at: number, what: string): never => {
    throw malformedAt(xml, at, what);
  };
  for (;;) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    if (open.length === 0 && xml.slice(pos, textEnd).trim() !== '') {
      fail(pos, roots === 0 ? 'expected the root element' : 'expected nothing after the root element');
    }
    if (lt === -1) break;
    if (open.length === 0 && !xml.startsWith('</', lt)) {
      topLevelNodes += 1;
      if (topLevelNodes > MAX_XML_TOP_LEVEL_NODES + 1) throw tooManyTopLevelNodes(xml, lt);
    }
    if (xml.startsWith('<!--', lt)) {
      pos = skipTo(xml, lt + 4, '-->', () => fail(lt, 'expected the comment to end with -->'));
    } else if (xml.startsWith('<![CDATA[', lt)) {
      if (open.length === 0) fail(lt, 'expected CDATA only inside the root element');
      pos = skipTo(xml, lt + 9, ']]>', () => fail(lt, 'expected the CDATA section to end with ]]>'));
    } else if (xml.startsWith('<?', lt)) {
      pos = skipTo(xml, lt + 2, '?>', () => fail(lt, 'expected the processing instruction to end with ?>'));
    } else if (xml.startsWith('</', lt)) {
      const gt = xml.indexOf('>', lt);
      if (gt === -1) fail(lt, 'expected the end tag to end with >');
      const name = xml.slice(lt + 2, gt).trimEnd();
      const expected = open.pop();
      if (expected === undefined) fail(lt, `expected no end tag here, found </${safeName(name)}>`);
      if (name !== expected) fail(lt, `expected </${safeName(expected as string)}>, found </${safeName(name)}>`);
      pos = gt + 1;
    } else {
      const { name, end, selfClosing } = scanStartTag(xml, lt, fail);
      if (open.length === 0) {
        roots += 1;
        if (roots > 1) fail(lt, 'expected a single root element');
      }
      if (!selfClosing) open.push(name);
      if (open.length > MAX_XML_DEPTH) throw tooDeep(xml, lt);
      pos = end;
    }
  }
  if (open.length > 0) fail(xml.length, `expected </${safeName(open[open.length - 1] as string)}> before the end (the response looks truncated)`);
  if (roots === 0) fail(xml.length, 'expected a root element');
}

function tooDeep(xml: string, at: number): SamlError {
  const { line, column } = lineAndColumn(xml, at);
  return new SamlError(
    'SAML_TOO_LARGE',
    `the SAML response nests elements more than ${MAX_XML_DEPTH} deep (near line ${line}, column ${column}); expected a SAML 2.0 response, which nests about 8 deep`,
    { hint: 'AD FS never nests a response this deep: check that the IdP URL really points at your AD FS server, and report this response to your security team.' },
  );
}

function tooManyTopLevelNodes(xml: string, at: number): SamlError {
  const { line, column } = lineAndColumn(xml, at);
  return new SamlError(
    'SAML_TOO_LARGE',
    `the SAML response has more than ${MAX_XML_TOP_LEVEL_NODES} comments or processing instructions outside the root element (near line ${line}, column ${column}); expected an XML declaration and the samlp:Response`,
    { hint: 'AD FS never sends this: check that the IdP URL really points at your AD FS server, and report this response to your security team.' },
  );
}

function skipTo(xml: string, from: number, terminator: string, onMissing: () => never): number {
  const at = xml.indexOf(terminator, from);
  return at === -1 ? onMissing() : at + terminator.length;
}

/** Reads `<name attr="v" ...>` from `lt`; a `>` inside a quoted value does not end the tag. */
function scanStartTag(
  xml: string,
  lt: number,
  fail: (at: number, what: string) => never,
): { name: string; end: number; selfClosing: boolean } {
  const nameMatch = /[^\s/>]+/y;
  nameMatch.lastIndex = lt + 1;
  const name = nameMatch.exec(xml)?.[0];
  if (name === undefined) return fail(lt, 'expected an element name after <');
  let i = lt + 1 + name.length;
  for (;;) {
    const c = xml[i];
    if (c === undefined) return fail(lt, `expected the start tag <${safeName(name)}> to end with >`);
    if (c === '"' || c === "'") {
      const close = xml.indexOf(c, i + 1);
      if (close === -1) return fail(lt, `expected the attribute value in <${safeName(name)}> to end with ${c}`);
      i = close + 1;
    } else if (c === '<') {
      return fail(i, `expected the start tag <${safeName(name)}> to end with >`);
    } else if (c === '>') {
      return { name, end: i + 1, selfClosing: xml[i - 1] === '/' };
    } else {
      i += 1;
    }
  }
}

/** Element names are schema, not data, but a hostile document chooses them: clip and sanitize. */
function safeName(name: string): string {
  const clean = name.slice(0, 60).replace(/[^\w.:-]/g, '?');
  return name.length > 60 ? `${clean}...` : clean;
}

function lineAndColumn(xml: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = xml.indexOf('\n'); i !== -1 && i < at; i = xml.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

function malformedAt(xml: string, at: number, what: string): SamlError {
  const { line, column } = lineAndColumn(xml, at);
  return new SamlError('SAML_MALFORMED', `the SAML response is not well-formed XML (near line ${line}, column ${column}): ${what}`, {
    hint: MALFORMED_HINT,
  });
}

const MALFORMED_HINT =
  'The IdP sent a truncated or corrupted response. Retry; if it persists run with --debug and check the AD FS event log.';

function malformed(parserMessage: string): SamlError {
  const position = /\[line:(\d+),col:(\d+)\]/.exec(parserMessage);
  const where = position ? ` (near line ${position[1]}, column ${position[2]})` : '';
  return new SamlError('SAML_MALFORMED', `the SAML response is not well-formed XML${where}`, { hint: MALFORMED_HINT });
}

export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const SAML_PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';

/** Child elements of `parent` in namespace `ns` named `localName`, whatever prefix the IdP chose. */
export function childElements(parent: Element, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  const children = parent.childNodes;
  for (let i = 0; i < children.length; i++) {
    const node = children.item(i);
    if (node && node.nodeType === 1) {
      const el = node as Element;
      if (el.namespaceURI === ns && el.localName === localName) out.push(el);
    }
  }
  return out;
}

export function firstChild(parent: Element, ns: string, localName: string): Element | undefined {
  return childElements(parent, ns, localName)[0];
}

/** Attribute value, or undefined when absent or blank (xmldom returns '' for a missing attribute). */
export function attr(el: Element | undefined, name: string): string | undefined {
  if (!el || !el.hasAttribute(name)) return undefined;
  const value = el.getAttribute(name)?.trim();
  return value ? value : undefined;
}

export function text(el: Element | undefined): string | undefined {
  const value = el?.textContent?.trim();
  return value ? value : undefined;
}
