import { describe, expect, it } from 'vitest';
import { SamlError } from '../errors.js';
import { scalingRatio, thrown } from '../../test/helpers/scaling.js';
import { MAX_XML_DEPTH, MAX_XML_TOP_LEVEL_NODES, SAML_PROTOCOL_NS, assertBalancedTags, parseSafeXml } from './xml.js';

function malformedMessage(xml: string): string {
  try {
    parseSafeXml(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(SamlError);
    expect((error as SamlError).code).toBe('SAML_MALFORMED');
    return (error as SamlError).message;
  }
  throw new Error('expected SAML_MALFORMED, the document parsed');
}

describe('parseSafeXml', () => {
  it.each([
    ['nested elements, attributes with > and / inside quotes', '<r a="x>y" b=\'/\'><c d="1"/><e>t</e></r>'],
    ['prolog, comments and PIs around the root', '<?xml version="1.0"?>\n<!-- c <x> -->\n<r><![CDATA[<not-a-tag>]]></r>\n<?pi x?>\n'],
    ['whitespace inside end tags', '<r><c></c  ></r >'],
    ['prefixed names', `<p:r xmlns:p="${SAML_PROTOCOL_NS}"><p:c/></p:r>`],
  ])('accepts %s', (_label, xml) => {
    expect(parseSafeXml(xml).documentElement.localName).toBeTruthy();
  });

  it.each([
    // xmldom 0.8 alone accepts the first two silently; the tag-balance scan catches them.
    ['a stray end tag', '<r><x></y></x></r>', /line 1, column 7\): expected <\/x>, found <\/y>/],
    ['an end tag that re-nests the rest', '<r>\n<a></b>\n<c/></r>', /line 2, column 4\): expected <\/a>, found <\/b>/],
    ['an unclosed element at the end', '<r><a>text', /expected <\/a> before the end \(the response looks truncated\)/],
    ['a cut-off start tag', '<r><a b="1', /expected the attribute value in <a> to end with "/],
    ['a cut-off end tag', '<r></r', /expected the end tag to end with >/],
    ['an unterminated comment', '<r><!-- x</r>', /expected the comment to end with -->/],
    ['an unterminated CDATA section', '<r><![CDATA[ x</r>', /expected the CDATA section to end with \]\]>/],
    ['an unterminated processing instruction', '<?xml version="1.0"<r/>', /expected the processing instruction to end with \?>/],
    ['two root elements', '<r/><s/>', /expected a single root element/],
    ['text before the root', 'oops<r/>', /expected the root element/],
    ['text after the root', '<r/>oops', /expected nothing after the root element/],
    ['no element at all', '<!-- only a comment -->', /expected a root element/],
    ['an end tag with no start', '</r>', /expected no end tag here, found <\/r>/],
    ['a missing attribute quote (xmldom reports it)', '<r a=1/>', /not well-formed XML \(near line 1, column \d+\)$/],
    ['an undefined entity (xmldom reports it)', '<r>&nope;</r>', /not well-formed XML/],
  ])('rejects %s', (_label, xml, message) => {
    expect(malformedMessage(xml)).toMatch(message);
  });

  it('does not echo attribute values or text from the document in its errors', () => {
    const message = malformedMessage('<r secret="hunter2"><a>s3cr3t-text</b></r>');
    expect(message).not.toMatch(/hunter2|s3cr3t/);
  });

  it('sanitizes hostile element names it quotes', () => {
    expect(() => assertBalancedTags(`<r></${'\u001b[31m'}x>`)).toThrow(/found <\/\?\?31mx>/);
  });
});

describe('nesting depth (issue 6, item 9: super-linear work on hostile input)', () => {
  const nested = (depth: number, open = (i: number) => `<a xmlns:p${i}="urn:x">`): string =>
    `<r>${Array.from({ length: depth - 1 }, (_, i) => open(i)).join('')}${'</a>'.repeat(depth - 1)}</r>`;

  it(`accepts elements nested ${MAX_XML_DEPTH} deep`, () => {
    expect(parseSafeXml(nested(MAX_XML_DEPTH)).documentElement.localName).toBe('r');
  });

  it(`refuses elements nested deeper than ${MAX_XML_DEPTH} as SAML_TOO_LARGE`, () => {
    let error: unknown;
    try {
      parseSafeXml(nested(MAX_XML_DEPTH + 1));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SamlError);
    expect((error as SamlError).code).toBe('SAML_TOO_LARGE');
    expect((error as SamlError).message).toMatch(new RegExp(`nests elements more than ${MAX_XML_DEPTH} deep \\(near line 1, column \\d+\\)`));
  });

  it('costs linear time on deeply nested namespace declarations (xmldom looks prefixes up along the nesting)', () => {
    // Before the depth cap: ~2 s for 10,000 levels and quadratic growth (each lookup walks every level).
    const inputs = new Map<number, string>();
    const work = (depth: number): void => {
      if (!inputs.has(depth)) inputs.set(depth, nested(depth));
      thrown(() => parseSafeXml(inputs.get(depth) as string));
    };
    expect(scalingRatio(work, 1000)).toBeLessThan(30);
  });
});

describe('nodes outside the root element (issue 6, item 12: counterexample from saml.property.test.ts)', () => {
  it(`refuses more than ${MAX_XML_TOP_LEVEL_NODES} comments or processing instructions around the root as SAML_TOO_LARGE`, () => {
    // Shrunk counterexample: 15,000 repeated XML declarations before a real response took over 2 s,
    // because xmldom re-checks every document-level node on each insertion (quadratic).
    let error: unknown;
    try {
      parseSafeXml(`${'<?xml version="1.0"?>'.repeat(15_000)}<r/>`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SamlError);
    expect((error as SamlError).code).toBe('SAML_TOO_LARGE');
    expect((error as SamlError).message).toMatch(
      new RegExp(`has more than ${MAX_XML_TOP_LEVEL_NODES} comments or processing instructions outside the root element \\(near line 1, column \\d+\\)`),
    );
  });

  it(`accepts ${MAX_XML_TOP_LEVEL_NODES} of them`, () => {
    expect(parseSafeXml(`${'<!-- c -->\n'.repeat(MAX_XML_TOP_LEVEL_NODES / 2)}<r/>${'\n<?pi x?>'.repeat(MAX_XML_TOP_LEVEL_NODES / 2)}`).documentElement.localName).toBe('r');
  });

  it.each([
    ['before', (n: number) => `${'<?x y?>\n'.repeat(n)}<r/>`],
    ['after', (n: number) => `<r/>${'<!--x-->\n'.repeat(n)}`],
  ])('costs linear time on many nodes %s the root: 8x the size, well under 30x the time', (_label, make) => {
    const inputs = new Map<number, string>();
    const work = (n: number): void => {
      if (!inputs.has(n)) inputs.set(n, make(n));
      thrown(() => parseSafeXml(inputs.get(n) as string));
    };
    expect(scalingRatio(work, 1000)).toBeLessThan(30);
  });
});
