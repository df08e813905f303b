/**
 * Start-up cost (issue 8, item 3): the commands that need neither the network nor a prompt load none of
 * the heavy packages. The built CLI runs under a module-load hook; each loaded bundle file is mapped
 * back to the packages in it through esbuild's metafile (dist/meta.json), and a file loaded straight
 * from node_modules counts as its package. `--version` loads no package at all, not even commander.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USER, startDemoEnvironment } from '../src/emulator/demo-environment.js';
import { makeTempHome } from './helpers/cli.js';
import type { TempHome } from './helpers/cli.js';
import { HEAVY, loadedPackages as loadPackages } from './helpers/loaded-packages.js';

let home: TempHome;

beforeAll(async () => {
  home = await makeTempHome();
  const later = new Date(Date.now() + 6 * 3600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  await writeFile(
    home.configFile,
    ['[profile saml]', 'awsfed_idp_url = https://adfs.corp.example/adfs/ls/IdpInitiatedSignOn.aspx', 'awsfed_username = alice@corp.example', 'region = us-east-1', '', '[profile prod]', 'role_arn = arn:aws:iam::222222222222:role/Admins', 'source_profile = saml', 'region = eu-west-1', ''].join('\n'),
  );
  const keys = (id: string) => [`aws_access_key_id = ASIA${id}`, 'aws_secret_access_key = s3cr3t/not-a-real-secret-key-0123456789', 'aws_session_token = FwoGZXIvYXdzEXAMPLETOKEN', `x_security_token_expires = ${later}`];
  await writeFile(home.credentialsFile, ['[saml]', ...keys('AAAAAAAAAAAAAAAA'), '', '[prod]', ...keys('BBBBBBBBBBBBBBBB'), ''].join('\n'), { mode: 0o600 });
});
afterAll(async () => {
  await home?.cleanup();
});

const loadedPackages = (args: string[], extraEnv: Record<string, string> = {}) => loadPackages(args, { env: { ...home.env, ...extraEnv }, cwd: home.home });

describe('what each light command loads', () => {
  it('--version: no package at all (commander neither)', async () => {
    const { packages, stdout } = await loadedPackages(['--version']);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(packages).toEqual([]);
  });

  it('credential-process cache hit: no package at all (answered before commander), the Version 1 JSON for a destination', async () => {
    const { packages, stdout } = await loadedPackages(['credential-process', '--profile', 'prod']);
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccessKeyId: 'ASIABBBBBBBBBBBBBBBB' });
    expect(packages).toEqual([]);
  });

  it('credential-process with --debug goes to the full CLI (commander loads) and still serves the cache', async () => {
    const { packages, stdout } = await loadedPackages(['credential-process', '--profile', 'saml', '--debug']);
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccessKeyId: 'ASIAAAAAAAAAAAAAAAAA' });
    expect(packages).toContain('commander');
  });

  it.each([[['--help']], [['login', '--help']], [['list']], [['switch', 'prod', '--format', 'env']]])('%j: commander, nothing heavy', async (args) => {
    const { packages, stdout } = await loadedPackages(args);
    expect(stdout.length).toBeGreaterThan(0);
    expect(packages).toContain('commander');
    expect(packages.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it('the hook sees the heavy packages when a command does load them (the check can fail)', async () => {
    // `demo` signs in through the emulators: the HTTP client, the HTML parser and the SDK must show up.
    const { packages } = await loadedPackages(['demo', '--no-prompt']);
    for (const p of ['axios', 'cheerio', '@aws-sdk/client-sts', '@xmldom/xmldom']) expect(packages).toContain(p);
  });

  it("a login sends through axios's http adapter without loading Node's fetch (undici: about 10 MiB of RSS)", async () => {
    const env = await startDemoEnvironment({ variant: 'adfs2019' });
    try {
      const args = ['login', '--profile', 'fresh', '--idp-url', env.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--no-prompt'];
      const { packages, internal } = await loadedPackages(args, { AWS_ENDPOINT_URL_STS: env.sts.url, AWSFED_PASSWORD: DEMO_USER.password });
      expect(packages).toContain('axios');
      expect(internal).toEqual([]);
    } finally {
      await env.close();
    }
  });
});
