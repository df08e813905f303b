/**
 * The one way awsfed parses an HTML page it did not write: the IdP's pages, Duo's, the AWS sign-in page.
 * Kept apart from the classifier so that the Duo adapter and the account-name reader use it without
 * loading the AD FS classifier.
 */
import { type CheerioAPI, load } from 'cheerio/slim';

/**
 * cheerio's load for the pages awsfed reads (its slim entry: htmlparser2, not parse5, for start-up time; issue 8).
 *
 * Lone UTF-16 surrogates become U+FFFD, as a UTF-8 decoder would have made them (parse5's tokenizer threw
 * on some; bodies decoded from bytes never hold one, so this only changes hostile strings).
 *
 * The page's top-level nodes are then moved under one element. An HTML5 parser (parse5, browsers) puts
 * stray content before <html> into the body, so the document root has two children at most; htmlparser2
 * keeps each stray node at the root. cheerio runs every `$(selector)` with the root's children as its
 * context and css-select de-duplicates that context pairwise, so a page starting with thousands of
 * stray inputs made each query quadratic. Under one element every query has a context of one, whatever
 * the parser does. The element's name matches no selector its callers use (it has no attributes), and the
 * tree is never serialised (redactPage loads its own copy).
 */
export function loadPage(html: string): CheerioAPI {
  const wellFormed = /[\ud800-\udfff]/.test(html)
    ? html.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    : html;
  const $ = load(wellFormed);
  const root = $.root().get(0) as unknown as TreeNode;
  const page = $('<awsfed-page></awsfed-page>').get(0) as unknown as TreeNode;
  page.children = root.children;
  for (const child of page.children) child.parent = page;
  page.parent = root;
  root.children = [page];
  return $;
}

/** The part of domhandler's node shape that loadPage rewires (domhandler is cheerio's, not ours to import). */
interface TreeNode {
  parent: TreeNode | null;
  children: TreeNode[];
}
