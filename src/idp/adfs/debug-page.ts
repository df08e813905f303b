/**
 * Redacted copies of IdP pages for --debug. redactPage is pure; saveDebugPageTo is the only code in
 * src/idp that touches the disk, and the flow imports it lazily only when a page must be saved.
 */
import { load } from 'cheerio/slim';
import { isSecretFieldName, redactValues } from '../../redact.js';

/** Removes values of secret-looking inputs (passwords, OTP, Context, SAMLResponse, ...) and any known secret text. */
export function redactPage(html: string, secrets: string[] = []): string {
  const $ = load(html);
  $('input, textarea').each((_, el) => {
    const node = $(el);
    const name = node.attr('name') ?? node.attr('id') ?? '';
    const type = (node.attr('type') ?? '').toLowerCase();
    if (isSecretFieldName(name) || type === 'password') {
      node.removeAttr('value');
      if ((el as { tagName?: string }).tagName === 'textarea') node.text('');
    }
  });
  // The number to match (Azure MFA, PingID) is shown on stderr only, never saved (a copy with it could approve someone else's push).
  $('#validEntropyNumber, div.numbermatching').text('');
  return redactValues($.html(), secrets);
}

/** Writes `name` into `dir` with mode 0600 and returns its path. */
export function saveDebugPageTo(dir: string): (name: string, html: string) => Promise<string> {
  return async (name, html) => {
    const { mkdir, writeFile, chmod } = await import('node:fs/promises');
    const { join } = await import('node:path');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, name);
    await writeFile(path, html, { mode: 0o600 });
    // writeFile keeps the mode of an existing file; force it.
    await chmod(path, 0o600);
    return path;
  };
}
