/**
 * Account names from the AWS sign-in page that a browser is shown after posting the SAMLResponse to
 * https://signin.aws.amazon.com/saml, pure: page text in, account id -> name out (issue 9, item 1).
 *
 * The page has come in three shapes, and all are read:
 *  - legacy, server-rendered: `<div class="saml-account-name">Account: prod-main (123456789012)</div>`,
 *    or "Account: 123456789012" when the account has no alias. The word before the colon is localised
 *    ("Konto:", "Compte :", "アカウント:"), so the shape "<label>: name (12 digits)" is matched, never the word;
 *  - its 2024 markup: the same text in an `expandable-container` header, the `portal` input, and role
 *    radios whose value is the role ARN (the id is then also taken from the ARNs below a header);
 *  - the 2023+ client-rendered page: no form, a `<meta name="data" content="BASE64">` whose JSON carries
 *    `roles_accounts`. Its exact layout is not documented, so the reader accepts an array or an object of
 *    entries and takes from each the 12-digit id (a key, an id field, or the account in a role ARN) and a
 *    name field.
 * A page of any other shape (an interstitial, an error, the console) gives an empty map, never an error:
 * names are a convenience, and the login must not fail for want of them.
 *
 * The page is parsed as HTML (cheerio's slim entry through loadPage, as the IdP pages are), not scanned
 * with regular expressions: attribute order and quoting, entities, nested markup, comments and scripts
 * are then read as a browser reads them, and only what the page shows is taken.
 */
import type { CheerioAPI } from 'cheerio/slim';
import { loadPage } from '../idp/load-page.js';

export type AccountNames = Map<string, string>;

const ACCOUNT_ID = /^\d{12}$/;

/** Names found on the page; an account shown without alias is left out (its id is already its label). */
export function parseAccountNames(html: string): AccountNames {
  const $ = loadPage(html);
  const names: AccountNames = new Map();
  for (const [id, name] of fromDataMeta($)) names.set(id, name);
  for (const [id, name] of fromAccountHeaders($)) if (!names.has(id)) names.set(id, name);
  return names;
}

/** "Account: prod-main (123456789012)" -> ["123456789012", "prod-main"]; "Account: 123456789012" -> [id]. */
export function parseAccountLabel(text: string): { id: string; name?: string } | undefined {
  const t = text.replace(/\s+/g, ' ').trim();
  const withName = /^(?:[^:：]{1,40}[:：])?\s*(.+?)\s*\((\d{12})\)$/u.exec(t);
  if (withName) {
    const name = withName[1]!.trim();
    return name === '' || name === withName[2] ? { id: withName[2]! } : { id: withName[2]!, name };
  }
  const idOnly = /^(?:[^:：]{1,40}[:：])?\s*(\d{12})$/u.exec(t);
  return idOnly ? { id: idOnly[1]! } : undefined;
}

/** The longest text an account header holds ("<label>: <alias of up to 63 characters> (<12 digits>)"), with room. */
const MAX_LABEL_CHARS = 512;
/** Nodes looked at under one candidate element: a header holds a few; a wider element is not a header. */
const MAX_LABEL_NODES = 64;

/** Both server-rendered shapes: the legacy `saml-account-name` div and the 2024 container header. */
function fromAccountHeaders($: CheerioAPI): AccountNames {
  const names: AccountNames = new Map();
  // The legacy class, and whatever names the 2024 container's header carries: the text's anchored shape
  // (label, name, 12 digits in brackets) is what decides, so a wider element never matches by accident.
  $('[class]').each((_, el) => {
    const classes = ($(el).attr('class') ?? '').split(/\s+/);
    if (!classes.some((c) => /account|expandable-container/i.test(c))) return;
    const text = boundedText(el as unknown as TextNode);
    const label = text === undefined ? undefined : parseAccountLabel(text);
    if (label?.name) names.set(label.id, label.name);
  });
  return names;
}

/** The part of domhandler's node shape read here (domhandler is cheerio's, not ours to import). */
interface TextNode {
  type: string;
  data?: string;
  children?: TextNode[];
}

/**
 * The element's text as a browser shows it (no comments, no script or style), or undefined once it
 * passes MAX_LABEL_NODES nodes or MAX_LABEL_CHARS characters: nested candidates (a container, its
 * header, the header's title) would otherwise each read the whole subtree, quadratic on a hostile page.
 */
function boundedText(root: TextNode): string | undefined {
  let text = '';
  let nodes = 0;
  const stack: TextNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (++nodes > MAX_LABEL_NODES) return undefined;
    if (node.type === 'text') {
      text += node.data ?? '';
      if (text.length > MAX_LABEL_CHARS) return undefined;
    } else if (node.type === 'tag' && node.children) {
      // Elements are separated as a browser's layout would separate block-level ones; the label's
      // whitespace is squashed afterwards, so a space too many is harmless.
      if (node !== root) text += ' ';
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }
  return text;
}

function fromDataMeta($: CheerioAPI): AccountNames {
  const names: AccountNames = new Map();
  $('meta').each((_, el) => {
    if ($(el).attr('name')?.toLowerCase() !== 'data') return;
    const content = $(el).attr('content');
    if (!content) return;
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(content, 'base64').toString('utf8'));
    } catch {
      return;
    }
    const ra = isRecord(data) ? data.roles_accounts ?? (isRecord(data.data) ? data.data.roles_accounts : undefined) : undefined;
    for (const [id, name] of entriesOf(ra)) names.set(id, name);
  });
  return names;
}

const NAME_FIELDS = ['accountName', 'account_name', 'accountAlias', 'account_alias', 'alias', 'name', 'displayName', 'label'];
const ID_FIELDS = ['accountId', 'account_id', 'id', 'accountNumber', 'account'];

function entriesOf(value: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const visit = (entry: unknown, key?: string): void => {
    if (typeof entry === 'string') {
      // {"123456789012": "prod-main"} or {"123456789012": "Account: prod-main (123456789012)"}
      const label = parseAccountLabel(entry);
      if (key && ACCOUNT_ID.test(key)) {
        const name = label ? label.name : entry.trim();
        if (name && name !== key) out.push([key, name]);
      } else if (label?.name) out.push([label.id, label.name]);
      return;
    }
    if (!isRecord(entry)) return;
    let id = key && ACCOUNT_ID.test(key) ? key : undefined;
    for (const f of ID_FIELDS) {
      const v = entry[f];
      if (id === undefined && (typeof v === 'string' || typeof v === 'number') && ACCOUNT_ID.test(String(v).padStart(12, '0'))) id = String(v).padStart(12, '0');
    }
    if (id === undefined) id = accountOfRoles(entry.roles);
    let name: string | undefined;
    for (const f of NAME_FIELDS) {
      const v = entry[f];
      if (name === undefined && typeof v === 'string' && v.trim() !== '') name = v.trim();
    }
    if (name !== undefined) {
      const label = parseAccountLabel(name);
      if (label) {
        id ??= label.id;
        name = label.name;
      }
    }
    if (id !== undefined && name !== undefined && name !== id) out.push([id, name]);
  };
  if (Array.isArray(value)) value.forEach((v) => visit(v));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, k);
  return out;
}

function accountOfRoles(roles: unknown): string | undefined {
  const list = Array.isArray(roles) ? roles : isRecord(roles) ? Object.keys(roles) : [];
  for (const r of list) {
    const arn = typeof r === 'string' ? r : isRecord(r) ? (r.arn ?? r.roleArn ?? r.role_arn) : undefined;
    const m = typeof arn === 'string' ? /^arn:[\w-]+:iam::(\d{12}):role\//.exec(arn) : null;
    if (m) return m[1];
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
