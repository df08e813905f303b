import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { credentialProcessFast } from './credential-process-fast.js';

let home: string | undefined;
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
  home = undefined;
});

async function setup(credentials: string) {
  home = await mkdtemp(join(tmpdir(), 'awsfed-cp-fast-'));
  const env = { AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials') };
  await writeFile(env.AWS_CONFIG_FILE, '[profile saml]\nawsfed_idp_url = https://adfs.corp.example\n');
  await writeFile(env.AWS_SHARED_CREDENTIALS_FILE, credentials, { mode: 0o600 });
  const out: string[] = [];
  return { io: { out: (t: string) => void out.push(t), env, homeDir: home }, out };
}

const keys = (expires: Date) =>
  `[saml]\naws_access_key_id = ASIAFAST000000000000\naws_secret_access_key = fast-secret\naws_session_token = fast-token\nx_security_token_expires = ${expires.toISOString().replace(/\.\d+Z$/, 'Z')}\n`;

describe('credential-process fast path', () => {
  it('answers a cache hit with the Version 1 JSON and exit 0', async () => {
    const { io, out } = await setup(keys(new Date(Date.now() + 3600_000)));
    expect(await credentialProcessFast(['--profile', 'saml'], io)).toBe(0);
    expect(JSON.parse(out.join(''))).toMatchObject({ Version: 1, AccessKeyId: 'ASIAFAST000000000000', SecretAccessKey: 'fast-secret', SessionToken: 'fast-token' });
  });

  it('declines, printing nothing, on a miss, an unparseable file, --debug or arguments it does not take', async () => {
    const soon = await setup(keys(new Date(Date.now() + 5 * 60_000)));
    expect(await credentialProcessFast(['--profile', 'saml'], soon.io)).toBeUndefined();
    expect(await credentialProcessFast(['--profile', 'saml', '--min-ttl', '1m'], soon.io)).toBe(0);
    soon.out.length = 0;
    for (const args of [['--profile', 'saml', '--debug'], ['--profile'], ['--profile', 'saml', '--nosuch'], ['--profile', 'other']]) {
      expect(await credentialProcessFast(args, soon.io)).toBeUndefined();
    }
    expect(soon.out).toEqual([]);
    await rm(home!, { recursive: true, force: true });
    const broken = await setup('[saml\naws_access_key_id = x\n');
    expect(await credentialProcessFast(['--profile', 'saml'], broken.io)).toBeUndefined();
    expect(broken.out).toEqual([]);
  });

  it('declines without env or home (a caller that gives no ports)', async () => {
    const { io, out } = await setup(keys(new Date(Date.now() + 3600_000)));
    expect(await credentialProcessFast(['--profile', 'saml'], { out: io.out })).toBeUndefined();
    expect(out).toEqual([]);
  });
});
