import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedIdentity, createTestCa, type KeyPair } from '../emulator/certs.js';
import { issueSamlResponse, type IssueSamlOptions } from '../emulator/saml-issuer.js';
import { startStsEmulator, type StsEmulator } from '../emulator/sts.js';
import { StsError } from '../errors.js';
import { MAX_STS_RESPONSE_BYTES, assumeRole, assumeRoleWithSaml, getCallerIdentity, type StsTarget } from './client.js';

/** An AssumeRoleWithSAML answer as STS words it, with recognisable fake keys. */
function assumeRoleWithSamlBody(expiration: string): string {
  return (
    '<AssumeRoleWithSAMLResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithSAMLResult>' +
    '<AssumedRoleUser><AssumedRoleId>AROAHOSTILE:u</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/Admin/u</Arn></AssumedRoleUser>' +
    `<Credentials><AccessKeyId>ASIAHOSTILE0000001</AccessKeyId><SecretAccessKey>HostileSecretKey/0123456789abcdefghijklmn</SecretAccessKey><SessionToken>HostileToken0123456789</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
    '</AssumeRoleWithSAMLResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleWithSAMLResponse>'
  );
}

const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/ADFS';
const ADMIN = 'arn:aws:iam::123456789012:role/Admin';
const DEV = 'arn:aws:iam::123456789012:role/Dev';
const LONG = 'arn:aws:iam::123456789012:role/Long';
const TARGET = 'arn:aws:iam::210987654321:role/Deploy';
const LOCKED = 'arn:aws:iam::210987654321:role/Locked';
const ISSUER = 'http://adfs.example.com/adfs/services/trust';

let signer: KeyPair;
let otherSigner: KeyPair;
let now: Date;
let sts: StsEmulator;
let target: StsTarget;

function saml(overrides: Partial<IssueSamlOptions> = {}): string {
  return issueSamlResponse({
    signer,
    issuer: ISSUER,
    nameId: 'EXAMPLE\\alice',
    roleSessionName: 'alice@example.com',
    roles: [
      { roleArn: ADMIN, principalArn: PROVIDER },
      { roleArn: LONG, principalArn: PROVIDER, providerFirst: true },
    ],
    sessionDuration: 28800,
    now,
    ...overrides,
  });
}

async function rejection(p: Promise<unknown>): Promise<StsError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(StsError);
    return error as StsError;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  signer = createSelfSignedIdentity('ADFS Signing - adfs.example.com');
  otherSigner = createSelfSignedIdentity('Someone else');
  now = new Date();
  sts = await startStsEmulator({
    providers: [{ principalArn: PROVIDER, certPem: signer.certPem, issuer: ISSUER }],
    roles: [
      { roleArn: ADMIN },
      { roleArn: DEV },
      { roleArn: LONG, maxSessionDuration: 43200 },
      { roleArn: TARGET, maxSessionDuration: 7200, trustedPrincipals: [ADMIN, LONG] },
      { roleArn: LOCKED, trustedPrincipals: [DEV] },
    ],
    clock: () => now,
  });
  target = { region: 'eu-west-1', endpoint: sts.url };
});

afterAll(async () => {
  await sts.close();
});

describe('assumeRoleWithSaml', () => {
  it('returns credentials for a role in the assertion and records the call without the assertion', async () => {
    const before = sts.calls.length;
    const assertion = saml();
    const creds = await assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: assertion, durationSeconds: 3600 });
    expect(creds.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(creds.secretAccessKey.length).toBeGreaterThanOrEqual(40);
    expect(creds.sessionToken.length).toBeGreaterThan(100);
    expect(creds.expiration.getTime()).toBe(Math.floor((now.getTime() + 3600_000) / 1000) * 1000);
    expect(creds.assumedRoleArn).toBe('arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com');
    expect(creds.assumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:alice@example\.com$/);
    expect(creds.subject).toBe('EXAMPLE\\alice');

    const call = sts.calls[before];
    expect(sts.calls).toHaveLength(before + 1);
    expect(call).toMatchObject({
      action: 'AssumeRoleWithSAML',
      status: 200,
      params: { RoleArn: ADMIN, PrincipalArn: PROVIDER, SAMLAssertion: '[REDACTED]', DurationSeconds: '3600', Version: '2011-06-15' },
    });
    expect(JSON.stringify(sts.calls)).not.toContain(assertion.slice(0, 40));
  });

  it('accepts provider,role order and long durations when the role allows them', async () => {
    const creds = await assumeRoleWithSaml(target, { roleArn: LONG, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 28800 });
    expect(creds.expiration.getTime() - now.getTime()).toBeGreaterThan(28799_000);
  });

  it('never asks a credential provider: the call is unsigned', async () => {
    const before = sts.calls.length;
    await assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 });
    expect(sts.calls[before]).toMatchObject({ status: 200, signed: false });
  });

  it('rejects an assertion signed by another certificate', async () => {
    const err = await rejection(
      assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml({ signer: otherSigner }), durationSeconds: 3600 }),
    );
    expect(err.code).toBe('STS_INVALID_IDENTITY_TOKEN');
    expect(err.message).toContain('Response signature invalid');
    expect(err.hint).toMatch(/certificate/);
    expect(err.cause).toBeDefined();
  });

  it('rejects a tampered assertion (role added after signing)', async () => {
    const xml = Buffer.from(saml(), 'base64').toString('utf8');
    const tampered = xml.replace(`<AttributeValue>${ADMIN},${PROVIDER}</AttributeValue>`, `<AttributeValue>${DEV},${PROVIDER}</AttributeValue>`);
    expect(tampered).not.toBe(xml);
    const err = await rejection(
      assumeRoleWithSaml(target, {
        roleArn: DEV,
        principalArn: PROVIDER,
        samlAssertion: Buffer.from(tampered).toString('base64'),
        durationSeconds: 3600,
      }),
    );
    expect(err.code).toBe('STS_INVALID_IDENTITY_TOKEN');
  });

  it('rejects an assertion older than 5 minutes', async () => {
    const old = saml({ now: new Date(now.getTime() - 6 * 60_000), validForSeconds: 3600 });
    const err = await rejection(assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: old, durationSeconds: 3600 }));
    expect(err.code).toBe('STS_EXPIRED_ASSERTION');
    expect(err.message).toContain('Token must be redeemed within 5 minutes of issuance');
    expect(err.hint).toMatch(/run the login again/);
  });

  it('rejects an assertion past its NotOnOrAfter', async () => {
    const short = saml({ now: new Date(now.getTime() - 61_000), validForSeconds: 60 });
    const err = await rejection(assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: short, durationSeconds: 3600 }));
    expect(err.code).toBe('STS_EXPIRED_ASSERTION');
  });

  it('denies a role that is not in the assertion', async () => {
    const err = await rejection(assumeRoleWithSaml(target, { roleArn: DEV, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 3600 }));
    expect(err.code).toBe('STS_ACCESS_DENIED');
    expect(err.message).toContain('Not authorized to perform sts:AssumeRoleWithSAML');
    expect(err.message).toContain(DEV);
    expect(err.hint).toContain(PROVIDER);
    expect(sts.calls.at(-1)).toMatchObject({ status: 403, errorCode: 'AccessDenied' });
  });

  it('refuses a duration above the role MaxSessionDuration', async () => {
    const err = await rejection(assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 7200 }));
    expect(err.code).toBe('STS_DURATION_TOO_LONG');
    expect(err.message).toContain('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    expect(err.hint).toMatch(/--duration 3600/);
  });

  it('refuses a duration above the assertion SessionDuration', async () => {
    const err = await rejection(
      assumeRoleWithSaml(target, { roleArn: LONG, principalArn: PROVIDER, samlAssertion: saml({ sessionDuration: 3600 }), durationSeconds: 7200 }),
    );
    expect(err.code).toBe('STS_DURATION_TOO_LONG');
    expect(err.message).toContain('SessionDuration');
  });

  it('refuses a duration below 900 seconds as a validation error', async () => {
    const err = await rejection(assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 600 }));
    expect(err.code).toBe('STS_VALIDATION');
  });

  it('never puts the assertion in the error', async () => {
    const assertion = saml({ signer: otherSigner });
    const err = await rejection(assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: assertion, durationSeconds: 3600 }));
    expect(`${err.message} ${err.hint ?? ''}`).not.toContain(assertion.slice(0, 20));
  });
});

describe('assumeRole and getCallerIdentity', () => {
  async function gateway(): Promise<Awaited<ReturnType<typeof assumeRoleWithSaml>>> {
    return assumeRoleWithSaml(target, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 3600 });
  }

  it('chains from SAML credentials into another account (signed with the given keys)', async () => {
    const source = await gateway();
    const creds = await assumeRole(target, source, { roleArn: TARGET, roleSessionName: 'alice', durationSeconds: 3600 });
    expect(creds.assumedRoleArn).toBe('arn:aws:sts::210987654321:assumed-role/Deploy/alice');
    const who = await getCallerIdentity(target, creds);
    expect(sts.calls.slice(-2).map((c) => [c.action, c.signed])).toEqual([
      ['AssumeRole', true],
      ['GetCallerIdentity', true],
    ]);
    expect(who).toEqual({
      account: '210987654321',
      arn: 'arn:aws:sts::210987654321:assumed-role/Deploy/alice',
      userId: expect.stringMatching(/^AROA[A-Z0-9]{17}:alice$/),
    });
  });

  it('caps role chaining at one hour', async () => {
    const source = await gateway();
    const err = await rejection(assumeRole(target, source, { roleArn: TARGET, roleSessionName: 'alice', durationSeconds: 7200 }));
    expect(err.code).toBe('STS_DURATION_TOO_LONG');
    expect(err.message).toContain('1 hour session limit for roles assumed by role chaining');
    expect(err.hint).toMatch(/chained/);
  });

  it('denies a source role the target does not trust', async () => {
    const source = await gateway();
    const err = await rejection(assumeRole(target, source, { roleArn: LOCKED, roleSessionName: 'alice', durationSeconds: 900 }));
    expect(err.code).toBe('STS_ACCESS_DENIED');
    expect(err.message).toContain('is not authorized to perform: sts:AssumeRole on resource');
  });

  it('rejects keys the emulator never issued', async () => {
    const fake = {
      accessKeyId: 'ASIAAAAAAAAAAAAAAAAA',
      secretAccessKey: 'x'.repeat(40),
      sessionToken: 'token',
      expiration: new Date(now.getTime() + 3600_000),
    };
    const err = await rejection(getCallerIdentity(target, fake));
    expect(err.code).toBe('STS_INVALID_CREDENTIALS');
    expect(err.message).toContain('The security token included in the request is invalid.');
    expect(err.message).not.toContain('x'.repeat(10));
    expect(sts.calls.at(-1)).toMatchObject({ action: 'GetCallerIdentity', status: 403, errorCode: 'InvalidClientTokenId' });
  });

  it('rejects a request signed with the wrong secret', async () => {
    const source = await gateway();
    const err = await rejection(getCallerIdentity(target, { ...source, secretAccessKey: `${source.secretAccessKey.slice(0, -4)}AAAA` }));
    expect(err.code).toBe('STS_INVALID_CREDENTIALS');
    expect(sts.calls.at(-1)?.errorCode).toBe('SignatureDoesNotMatch');
  });

  it('rejects credentials after they expire on the emulator clock', async () => {
    const local = await startStsEmulator({
      providers: [{ principalArn: PROVIDER, certPem: signer.certPem }],
      roles: [{ roleArn: ADMIN }],
      clock: () => now,
    });
    try {
      const t: StsTarget = { region: 'us-east-1', endpoint: local.url };
      const creds = await assumeRoleWithSaml(t, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 });
      const saved = now;
      now = new Date(saved.getTime() + 901_000);
      try {
        const err = await rejection(getCallerIdentity(t, creds));
        expect(err.code).toBe('STS_EXPIRED_CREDENTIALS');
      } finally {
        now = saved;
      }
    } finally {
      await local.close();
    }
  });
});

describe('transport', () => {
  it('retries throttling and then succeeds', async () => {
    const local = await startStsEmulator({
      providers: [{ principalArn: PROVIDER, certPem: signer.certPem }],
      roles: [{ roleArn: ADMIN }],
      clock: () => now,
      throttleFirst: 1,
    });
    try {
      const creds = await assumeRoleWithSaml({ region: 'us-east-1', endpoint: local.url }, {
        roleArn: ADMIN,
        principalArn: PROVIDER,
        samlAssertion: saml(),
        durationSeconds: 900,
      });
      expect(creds.accessKeyId).toMatch(/^ASIA/);
      expect(local.calls.map((c) => c.errorCode ?? c.status)).toEqual(['Throttling', 200]);
    } finally {
      await local.close();
    }
  });

  it('does not retry an authorization failure', async () => {
    const local = await startStsEmulator({ providers: [{ principalArn: PROVIDER, certPem: signer.certPem }], roles: [], clock: () => now });
    try {
      await rejection(
        assumeRoleWithSaml({ region: 'us-east-1', endpoint: local.url }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 }),
      );
      expect(local.calls).toHaveLength(1);
    } finally {
      await local.close();
    }
  });

  it('reports an unreachable endpoint as STS_UNREACHABLE naming it', async () => {
    const local = await startStsEmulator({ providers: [], roles: [] });
    const url = local.url;
    await local.close();
    const err = await rejection(
      assumeRoleWithSaml({ region: 'us-east-1', endpoint: url, maxAttempts: 1 }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 }),
    );
    expect(err.code).toBe('STS_UNREACHABLE');
    expect(err.message).toContain(url);
  });

  // The SDK's requestTimeout is a socket idle timeout: an endpoint that sends its headers and then one
  // byte per tick resets it forever. The call's own deadline ends it (issue 6, item 7). The server is
  // bounded (200 bytes, then a broken answer) so that a client without the deadline fails, not hangs.
  it('gives up on an endpoint that trickles its answer with STS_TIMEOUT naming it, across retries', async () => {
    const { createServer } = await import('node:http');
    let requests = 0;
    let written = 0;
    const server = createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.flushHeaders();
      const timer = setInterval(() => {
        if (written >= 200) return void (clearInterval(timer), res.end('<'));
        written++;
        res.write(' ');
      }, 50);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const err = await rejection(
        assumeRoleWithSaml(
          { region: 'us-east-1', endpoint: url, maxAttempts: 3, requestTimeoutMs: 1000, callTimeoutMs: 600 },
          { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 },
        ),
      );
      expect(err.code).toBe('STS_TIMEOUT');
      expect(err.exitCode).toBe(5);
      expect(err.message).toContain(url);
      expect(err.message).toContain('AssumeRoleWithSAML');
      expect(err.hint).toMatch(/--sts-endpoint/);
      expect(inspect(err, { depth: 10 })).not.toContain(saml().slice(0, 40));
      expect(written).toBeLessThan(200);
      expect(requests).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 30_000);

  // Werkzeug's crash page (what moto_server sends when it fails) is not even well-formed XML; a proxy's
  // error page usually is well-formed HTML. The SDK reports the two differently; both are "not STS".
  it.each([
    ['malformed HTML', '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n'],
    ['well-formed HTML', '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>'],
  ])('reports a %s answer as STS_BAD_RESPONSE naming the endpoint and status', async (_label, body) => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const err = await rejection(
        assumeRoleWithSaml({ region: 'us-east-1', endpoint: url, maxAttempts: 1 }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 }),
      );
      expect(err.code).toBe('STS_BAD_RESPONSE');
      expect(err.message).toBe(`STS at ${url} answered AssumeRoleWithSAML with HTTP 500 but not with an STS response`);
      expect(err.hint).toMatch(/--sts-endpoint/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  /** A loopback endpoint answering every call with `body(req)` (status 200, text/xml). */
  async function withEndpoint(handle: (res: import('node:http').ServerResponse) => void, run: (url: string) => Promise<void>): Promise<void> {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => handle(res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await run(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  // The SDK buffers the whole answer before parsing it: an endpoint streaming 1.5 GB took 5 s and
  // gigabytes of memory to end in "Cannot create a string longer than 0x1fffffe8 characters". The
  // server is bounded (64 MiB, then a valid answer) so a client without the limit fails the count.
  it('refuses an answer over 1 MiB while it streams in, as STS_BAD_RESPONSE naming the endpoint', async () => {
    const valid = assumeRoleWithSamlBody('2099-01-01T00:00:00Z');
    let written = 0;
    await withEndpoint(
      (res) => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.write(valid.slice(0, valid.indexOf('<Credentials>')));
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = (): void => {
          while (written < 64 * 1024 * 1024 && !res.destroyed) {
            written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end(valid.slice(valid.indexOf('<Credentials>')));
        };
        pump();
      },
      async (url) => {
        const err = await rejection(
          assumeRoleWithSaml({ region: 'us-east-1', endpoint: url, maxAttempts: 3 }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 }),
        );
        expect(err.code).toBe('STS_BAD_RESPONSE');
        expect(err.message).toContain(url);
        expect(err.message).toContain(`more than ${MAX_STS_RESPONSE_BYTES} bytes`);
        expect(written).toBeLessThan(32 * 1024 * 1024);
      },
    );
  }, 30_000);

  // What STS answers is written into ~/.aws/credentials and trusted for freshness: a broken or hostile
  // endpoint's line break used to reach the INI writer (FILE_INVALID_VALUE, "a bug in awsfed") and an
  // expiry in year 9999 made the keys look valid forever, so they were never refreshed.
  it.each([
    ['an access key id with a line break', (b: string) => b.replace('ASIAHOSTILE0000001', 'ASIA&#10;[default]')],
    ['a session token with a control character', (b: string) => b.replace('HostileToken', 'Hostile&#27;Token')],
    ['an assumed-role ARN with a line break', (b: string) => b.replace('assumed-role/Admin/u', 'assumed-role/Admin/u&#10;[x]')],
    ['an expiry in the past', () => assumeRoleWithSamlBody('2001-01-01T00:00:00Z')],
    // A proxy's 200 page that happens to be well-formed XML: the SDK finds no Credentials in it.
    ['no credentials at all (a well-formed HTML page with status 200)', () => '<html><head><title>Proxy sign-in</title></head><body>Log in</body></html>'],
  ])('refuses credentials with %s as STS_BAD_RESPONSE', async (_label, mutate) => {
    await withEndpoint(
      (res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(mutate(assumeRoleWithSamlBody('2099-01-01T00:00:00Z'))),
      async (url) => {
        const err = await rejection(
          assumeRoleWithSaml({ region: 'us-east-1', endpoint: url, maxAttempts: 1 }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 }),
        );
        expect(err.code).toBe('STS_BAD_RESPONSE');
        expect(err.message).toContain(url);
        expect(inspect(err, { depth: 10 })).not.toMatch(/HostileSecret|HostileToken/);
      },
    );
  });

  it('keeps an expiry no later than the duration asked for, whatever the endpoint claims', async () => {
    await withEndpoint(
      (res) => res.writeHead(200, { 'content-type': 'text/xml' }).end(assumeRoleWithSamlBody('9999-12-31T23:59:59Z')),
      async (url) => {
        const before = Date.now();
        const creds = await assumeRoleWithSaml({ region: 'us-east-1', endpoint: url, maxAttempts: 1 }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 });
        expect(creds.expiration.getTime()).toBeGreaterThanOrEqual(before + 900_000);
        expect(creds.expiration.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
      },
    );
  });

  // awsfed resolves every setting itself (src/config/settings.ts): the SDK must not read the user's
  // ~/.aws/config or AWS_* variables behind its back (sdk_ua_app_id, defaults_mode, retry_mode,
  // use_fips_endpoint, ...), and reading them cost each login file reads before the STS call.
  it("reads none of the user's AWS config file: an sdk_ua_app_id there does not reach the request", async () => {
    const { createServer } = await import('node:http');
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'awsfed-sts-config-'));
    const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE };
    await writeFile(join(dir, 'config'), '[default]\nsdk_ua_app_id = from-user-config\n');
    await writeFile(join(dir, 'credentials'), '[default]\nsdk_ua_app_id = from-user-credentials\n');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    const agents: string[] = [];
    const server = createServer((req, res) => {
      agents.push(String(req.headers['user-agent']) + ' ' + String(req.headers['x-amz-user-agent']));
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/xml' }).end(assumeRoleWithSamlBody('2099-01-01T00:00:00Z')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      await assumeRoleWithSaml({ region: 'us-east-1', endpoint: url, maxAttempts: 1 }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 });
      expect(agents).toHaveLength(1);
      expect(agents[0]).toContain('aws-sdk-js');
      expect(agents[0]).not.toContain('from-user');
    } finally {
      for (const [name, value] of [['AWS_CONFIG_FILE', saved.config], ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never quotes the request secrets (or control characters) that an echoing endpoint puts in its error message', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const echo = `${req.headers['x-amz-security-token'] ?? ''} ${Buffer.concat(chunks).toString('utf8')}`.replace(/&/g, '&amp;');
        res.writeHead(400, { 'content-type': 'text/xml' }).end(
          `<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>bad\u001b[31m request:&#10;${echo}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const t: StsTarget = { region: 'us-east-1', endpoint: url, maxAttempts: 1 };
    try {
      // A short assertion keeps it inside the 300 characters that are quoted.
      const assertion = 'PHNhbWxwOlJlc3BvbnNlIHNlY3JldD0i+/cXVvdGVkIj48L3NhbWxwOlJlc3BvbnNlPg==';
      const samlErr = await rejection(assumeRoleWithSaml(t, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: assertion, durationSeconds: 900 }));
      expect(samlErr.code).toBe('STS_VALIDATION');
      expect(samlErr.message).toContain('SAMLAssertion=[REDACTED]');
      expect(samlErr.message).not.toContain(assertion.slice(0, 20));
      expect(samlErr.message).not.toMatch(/[\u0000-\u001f\u007f]/);
      // The cause printed under --debug (and anything that inspects the error) is redacted too.
      expect(inspect(samlErr, { depth: 10 })).not.toContain(assertion.slice(0, 20));

      const creds = { accessKeyId: 'AKIAECHOTEST00000001', secretAccessKey: 'echoSecretKey/abcdefghijklmnopqrstuvwxyz0', sessionToken: 'echoSessionToken+0123456789', expiration: new Date(Date.now() + 3600_000) };
      const roleErr = await rejection(assumeRole(t, creds, { roleArn: TARGET, roleSessionName: 's', durationSeconds: 900 }));
      expect(roleErr.message).toContain('[REDACTED]');
      expect(roleErr.message).not.toContain('echoSessionToken');
      expect(roleErr.message).not.toContain('echoSecretKey');
      expect(inspect(roleErr, { depth: 10 })).not.toMatch(/echoSessionToken|echoSecretKey/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  describe('over HTTPS with a private CA', () => {
    let secure: StsEmulator;
    let caPem: string;

    beforeAll(async () => {
      const ca = createTestCa();
      caPem = ca.ca.certPem;
      secure = await startStsEmulator({
        providers: [{ principalArn: PROVIDER, certPem: signer.certPem }],
        roles: [{ roleArn: ADMIN }],
        clock: () => now,
        https: ca.issueServerCert(['127.0.0.1', 'localhost']),
      });
    });

    afterAll(async () => {
      await secure.close();
    });

    it('works when the CA bundle is given', async () => {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const t: StsTarget = { region: 'us-east-1', endpoint: secure.url, caBundlePem: caPem };
      const creds = await assumeRoleWithSaml(t, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 });
      const who = await getCallerIdentity(t, creds);
      expect(who.arn).toBe('arn:aws:sts::123456789012:assumed-role/Admin/alice@example.com');
    });

    it('fails with a TLS error without the CA bundle', async () => {
      const before = secure.calls.length;
      const err = await rejection(
        assumeRoleWithSaml({ region: 'us-east-1', endpoint: secure.url }, { roleArn: ADMIN, principalArn: PROVIDER, samlAssertion: saml(), durationSeconds: 900 }),
      );
      expect(err.code).toBe('STS_TLS');
      expect(err.message).toContain(secure.url);
      expect(err.hint).toMatch(/--ca-bundle/);
      expect(secure.calls).toHaveLength(before);
    });
  });
});
