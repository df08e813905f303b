/**
 * fast-check arbitraries that damage real fixtures the way a broken or hostile IdP might: byte flips,
 * truncation, duplicated slices, inserted markup (tags, attributes, entities, comment/CDATA openers)
 * and huge repeats of a snippet. Positions are fractions of the length so counterexamples shrink
 * towards the start of the document and towards small repeat counts.
 */
import fc from 'fast-check';

export type Mutation =
  | { op: 'flip'; at: number; char: string }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; from: number; length: number; to: number }
  | { op: 'insert'; at: number; snippet: string }
  | { op: 'repeat'; at: number; snippet: string; times: number };

/** Markup that changes how a parser reads what follows; shared by the HTML and the XML properties. */
export const SNIPPETS = [
  '<', '>', '/>', '"', "'", '&', '=', '\u0000', '\uFFFD', '\u00e9', '\ud83d\ude00', '\ud800',
  '<a>', '</a>', '<a/>', '<a b="c">', '<a b=c>', ' x="y"', ' x', '="', 'xmlns="urn:x"', ' xmlns:p="urn:y"', '<p:q>', '</p:q>',
  '<!--', '-->', '<![CDATA[', ']]>', '<?pi x?>', '<?xml version="1.0"?>', '<!DOCTYPE r>', '<!ENTITY e "x">',
  '&amp;', '&lt;', '&#0;', '&#x10FFFF;', '&#xD800;', '&nope;', '&#99999999;',
  '<form>', '</form>', '<form id="loginForm" action="http://[::1">', '<form action="//">', '<form action="http://a b">',
  '<input name="SAMLResponse" value="PHI+">', '<input name="AuthMethod" value="X">', '<input name="Context" value="c">',
  '<input type="password" name="p">', '<input name="UserName">', '<select name="RelyingParty"><option>x', '<textarea>',
  '<span id="errorText">Incorrect user ID or password</span>', '<div id="errorMessage">', '<title>', '</title>',
  '<div>', '</div>', '<p>', '<b>', '<table>', '<td>', '<table><tr><td>', '<div><p>', '<b><p>x</b>', '<template>', '<template><form>', '<script>', '</script>', '<svg>', '<math>', '<plaintext>',
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">', '<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">',
  '<Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">', '<AttributeValue>', '</AttributeValue>',
  'arn:aws:iam::123456789012:role/R,arn:aws:iam::123456789012:saml-provider/P', ',', 'a,',
];

const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const snippet = fc.oneof(fc.constantFrom(...SNIPPETS), fc.string({ maxLength: 8, unit: 'binary' }));

export function mutationArb(maxRepeat: number): fc.Arbitrary<Mutation> {
  return fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fraction, char: fc.oneof(fc.constantFrom('<', '>', '"', '&', '/', '\u0000', ' '), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })) }),
    fc.record({ op: fc.constant('truncate' as const), at: fraction }),
    fc.record({ op: fc.constant('duplicate' as const), from: fraction, length: fraction, to: fraction }),
    fc.record({ op: fc.constant('insert' as const), at: fraction, snippet }),
    fc.record({ op: fc.constant('repeat' as const), at: fraction, snippet, times: fc.integer({ min: 2, max: maxRepeat }) }),
  );
}

export function applyMutation(text: string, m: Mutation): string {
  const pos = (f: number): number => Math.floor(f * (text.length + 1));
  switch (m.op) {
    case 'flip': {
      const at = Math.min(pos(m.at), Math.max(text.length - 1, 0));
      return `${text.slice(0, at)}${m.char}${text.slice(at + 1)}`;
    }
    case 'truncate':
      return text.slice(0, pos(m.at));
    case 'duplicate': {
      const from = pos(m.from);
      const slice = text.slice(from, from + Math.floor(m.length * (text.length - from + 1)));
      const to = pos(m.to);
      return `${text.slice(0, to)}${slice}${text.slice(to)}`;
    }
    case 'insert':
      return `${text.slice(0, pos(m.at))}${m.snippet}${text.slice(pos(m.at))}`;
    case 'repeat':
      return `${text.slice(0, pos(m.at))}${m.snippet.repeat(m.times)}${text.slice(pos(m.at))}`;
  }
}

/** A fixture damaged by one to three mutations, applied in order. */
export function mutatedArb(fixtures: string[], maxRepeat = 20_000): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...fixtures), fc.array(mutationArb(maxRepeat), { minLength: 1, maxLength: 3 }))
    .map(([text, mutations]) => mutations.reduce(applyMutation, text));
}

/** A fixture, a snippet and where to repeat it: for checking that cost grows linearly with the repeats. */
export function repeatSiteArb(fixtures: string[]): fc.Arbitrary<{ text: string; at: number; snippet: string }> {
  return fc.record({ text: fc.constantFrom(...fixtures), at: fraction, snippet: fc.constantFrom(...SNIPPETS) });
}

export function repeatAt(site: { text: string; at: number; snippet: string }, times: number): string {
  return applyMutation(site.text, { op: 'repeat', at: site.at, snippet: site.snippet, times });
}
