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
 */

export type AccountNames = Map<string, string>;

const ACCOUNT_ID = /^\d{12}$/;

/** Names found on the page; an account shown without alias is left out (its id is already its label). */
export function parseAccountNames(html: string): AccountNames {
  const names: AccountNames = new Map();
  for (const [id, name] of fromDataMeta(html)) names.set(id, name);
  for (const [id, name] of fromAccountHeaders(html)) if (!names.has(id)) names.set(id, name);
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

/** Both server-rendered shapes: the legacy `saml-account-name` div and the 2024 container header. */
function fromAccountHeaders(html: string): AccountNames {
  const names: AccountNames = new Map();
  // Opening tags one by one (elements nest, so a match of a whole element would swallow the next header),
  // each read up to the next closing tag of its name.
  const lower = html.toLowerCase();
  const open = /<(div|span|h[1-6]|p|button|label|a)\b([^>]*)>/gi;
  for (const m of html.matchAll(open)) {
    const cls = /\bclass\s*=\s*("([^"]*)"|'([^']*)')/i.exec(m[2]!);
    const classes = (cls?.[2] ?? cls?.[3] ?? '').split(/\s+/);
    // The legacy class, and whatever names the 2024 container's header carries: the text's anchored shape
    // (label, name, 12 digits in brackets) is what decides, so a wider element never matches by accident.
    if (!classes.some((c) => /account|expandable-container/i.test(c))) continue;
    const start = m.index + m[0].length;
    const end = lower.indexOf(`</${m[1]!.toLowerCase()}`, start);
    if (end < 0) continue;
    const label = parseAccountLabel(textOf(html.slice(start, end)));
    if (label?.name) names.set(label.id, label.name);
  }
  return names;
}

function fromDataMeta(html: string): AccountNames {
  const names: AccountNames = new Map();
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    if (attr(tag, 'name')?.toLowerCase() !== 'data') continue;
    const content = attr(tag, 'content');
    if (!content) continue;
    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(decodeEntities(content), 'base64').toString('utf8'));
    } catch {
      continue;
    }
    const ra = isRecord(data) ? data.roles_accounts ?? (isRecord(data.data) ? data.data.roles_accounts : undefined) : undefined;
    for (const [id, name] of entriesOf(ra)) names.set(id, name);
  }
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

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function textOf(fragment: string): string {
  return decodeEntities(fragment.replace(/<[^>]*>/g, ' '));
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}
