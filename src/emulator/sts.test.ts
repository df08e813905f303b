import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSelfSignedIdentity, type KeyPair } from './certs.js';
import { issueSamlResponse, issueSamlResponseXml, type IssueSamlOptions } from './saml-issuer.js';
import { startStsEmulator, type StsEmulator } from './sts.js';

// These tests talk to the emulator with plain fetch, to pin the wire format the SDK (and AWS) use.
const PROVIDER = 'arn:aws:iam::123456789012:saml-provider/ADFS';
const ADMIN = 'arn:aws:iam::123456789012:role/Admin';
const DEV = 'arn:aws:iam::123456789012:role/Dev';
const ISSUER = 'http://adfs.example.com/adfs/services/trust';

let signer: KeyPair;
let sts: StsEmulator;
let now: Date;

function options(overrides: Partial<IssueSamlOptions> = {}): IssueSamlOptions {
  return {
    signer,
    issuer: ISSUER,
    nameId: 'EXAMPLE\\alice',
    roleSessionName: 'alice',
    roles: [{ roleArn: ADMIN, principalArn: PROVIDER }],
    now,
    ...overrides,
  };
}

async function post(fields: Record<string, string>, url = sts.url): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

function samlCall(assertion: string, extra: Record<string, string> = {}): Promise<{ status: number; body: string; headers: Headers }> {
  return post({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: ADMIN, PrincipalArn: PROVIDER, SAMLAssertion: assertion, ...extra });
}

function code(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

beforeAll(async () => {
  signer = createSelfSignedIdentity('ADFS Signing');
  now = new Date('2025-03-01T10:00:00.000Z');
  sts = await startStsEmulator({
    providers: [{ principalArn: PROVIDER, certPem: signer.certPem, issuer: ISSUER }],
    roles: [{ roleArn: ADMIN }, { roleArn: DEV }],
    clock: () => now,
  });
});

afterAll(async () => {
  await sts.close();
});

describe('STS emulator wire format', () => {
  it('answers AssumeRoleWithSAML with the AWS XML shape', async () => {
    const { status, body, headers } = await samlCall(issueSamlResponse(options()), { DurationSeconds: '900' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/xml');
    expect(headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toMatch(/^<AssumeRoleWithSAMLResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    expect(body).toMatch(/<AssumeRoleWithSAMLResult>.*<Credentials><AccessKeyId>ASIA[A-Z0-9]{16}<\/AccessKeyId><SecretAccessKey>[^<]+<\/SecretAccessKey><SessionToken>[^<]+<\/SessionToken><Expiration>2025-03-01T10:15:00Z<\/Expiration><\/Credentials>/s);
    expect(body).toContain('<Arn>arn:aws:sts::123456789012:assumed-role/Admin/alice</Arn>');
    expect(body).toContain('<Subject>EXAMPLE\\alice</Subject>');
    expect(body).toContain('<SubjectType>persistent</SubjectType>');
    expect(body).toContain(`<Issuer>${ISSUER}</Issuer>`);
    expect(body).toContain('<Audience>https://signin.aws.amazon.com/saml</Audience>');
    expect(body).toMatch(/<NameQualifier>[A-Za-z0-9+/=]{28}<\/NameQualifier>/);
    expect(body).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });

  it('answers errors with ErrorResponse, Type Sender and the HTTP status AWS uses', async () => {
    const { status, body } = await samlCall(issueSamlResponse(options()), { RoleArn: DEV });
    expect(status).toBe(403);
    expect(body).toMatch(
      /^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\s*<Error><Type>Sender<\/Type><Code>AccessDenied<\/Code><Message>Not authorized to perform sts:AssumeRoleWithSAML<\/Message><\/Error>\s*<RequestId>[0-9a-f-]{36}<\/RequestId>\s*<\/ErrorResponse>/,
    );
  });

  it('rejects unknown actions and versions', async () => {
    expect(code((await post({ Action: 'GetSessionToken', Version: '2011-06-15' })).body)).toBe('InvalidAction');
    expect(code((await post({ Action: 'GetCallerIdentity' })).body)).toBe('InvalidAction');
  });

  it('requires a signature for GetCallerIdentity', async () => {
    const res = await post({ Action: 'GetCallerIdentity', Version: '2011-06-15' });
    expect(res.status).toBe(403);
    expect(code(res.body)).toBe('MissingAuthenticationToken');
  });

  it('reports missing parameters as ValidationError', async () => {
    const res = await post({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: ADMIN });
    expect(res.status).toBe(400);
    expect(code(res.body)).toBe('ValidationError');
  });

  it('records every call with the assertion redacted', async () => {
    const assertion = issueSamlResponse(options());
    const before = sts.calls.length;
    await samlCall(assertion);
    const call = sts.calls[before];
    expect(call?.params['SAMLAssertion']).toBe('[REDACTED]');
    expect(call?.at).toEqual(now);
    expect(JSON.stringify(sts.calls)).not.toContain(assertion.slice(0, 30));
  });

  it('redacts every secret-named parameter, from the body and the query alike', async () => {
    const before = sts.calls.length;
    const query = new URLSearchParams({
      'X-Amz-Credential': 'ASIAQUERYCREDENTIAL/20250301/us-east-1/sts/aws4_request',
      'X-Amz-Signature': 'querysignature0123456789abcdef',
      'X-Amz-Security-Token': 'querysecuritytoken',
    });
    await post(
      {
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: DEV,
        RoleSessionName: 'alice',
        DurationSeconds: '900',
        ExternalId: 'ext-1',
        SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
        TokenCode: '987650',
        WebIdentityToken: 'webidentitytokenvalue',
        ClientSecret: 'clientsecretvalue',
        Password: 'passwordvalue',
      },
      `${sts.url}/?${query.toString()}`,
    );
    const params = sts.calls[before]?.params;
    expect(params).toEqual({
      'X-Amz-Credential': '[REDACTED]',
      'X-Amz-Signature': '[REDACTED]',
      'X-Amz-Security-Token': '[REDACTED]',
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: DEV,
      RoleSessionName: 'alice',
      DurationSeconds: '900',
      ExternalId: 'ext-1',
      SerialNumber: 'arn:aws:iam::123456789012:mfa/alice',
      TokenCode: '[REDACTED]',
      WebIdentityToken: '[REDACTED]',
      ClientSecret: '[REDACTED]',
      Password: '[REDACTED]',
    });
    const recorded = JSON.stringify(sts.calls);
    for (const secret of ['ASIAQUERYCREDENTIAL', 'querysignature', 'querysecuritytoken', '987650', 'webidentitytokenvalue', 'clientsecretvalue', 'passwordvalue']) {
      expect(recorded).not.toContain(secret);
    }
  });
});

describe('STS emulator SAML checks', () => {
  it('accepts a Response signed as a whole when the Assertion is not signed', async () => {
    const xml = issueSamlResponseXml(options({ signAssertion: false, signResponse: true }));
    expect(xml.match(/<ds:Signature /g)).toHaveLength(1);
    expect((await samlCall(Buffer.from(xml).toString('base64'))).status).toBe(200);
  });

  it('rejects a document with no signature at all', async () => {
    const xml = issueSamlResponseXml(options({ signAssertion: false }));
    expect(xml).not.toContain('Signature');
    const res = await samlCall(Buffer.from(xml).toString('base64'));
    expect(res.body).toContain('Response signature invalid');
  });

  it('rejects an unknown provider, a wrong issuer, and a missing session name', async () => {
    const unknown = await samlCall(issueSamlResponse(options()), { PrincipalArn: 'arn:aws:iam::123456789012:saml-provider/Other' });
    expect([unknown.status, code(unknown.body)]).toEqual([400, 'InvalidIdentityToken']);
    const wrongIssuer = await samlCall(issueSamlResponse(options({ issuer: 'http://evil.example.com/adfs/services/trust' })));
    expect([wrongIssuer.status, code(wrongIssuer.body)]).toEqual([400, 'InvalidIdentityToken']);
    const { roleSessionName: _omit, ...withoutName } = options();
    const noName = await samlCall(issueSamlResponse(withoutName));
    expect(code(noName.body)).toBe('InvalidIdentityToken');
  });

  it('rejects a wrong audience', async () => {
    const res = await samlCall(issueSamlResponse(options({ audience: 'urn:example:other' })));
    expect(code(res.body)).toBe('InvalidIdentityToken');
  });

  it('rejects a document with a DOCTYPE, and garbage', async () => {
    const xml = issueSamlResponseXml(options());
    const withDoctype = `<!DOCTYPE r [<!ENTITY x "y">]>${xml}`;
    expect(code((await samlCall(Buffer.from(withDoctype).toString('base64'))).body)).toBe('InvalidIdentityToken');
    expect(code((await samlCall('not base64 at all!')).body)).toBe('InvalidIdentityToken');
    expect(code((await samlCall(Buffer.from('<html/>').toString('base64'))).body)).toBe('InvalidIdentityToken');
  });

  it('is not fooled by signature wrapping (an unsigned assertion around the signed one)', async () => {
    const xml = issueSamlResponseXml(options());
    const assertionStart = xml.indexOf('<Assertion ');
    const assertionEnd = xml.indexOf('</Assertion>') + '</Assertion>'.length;
    const original = xml.slice(assertionStart, assertionEnd);
    const signature = original.slice(original.indexOf('<ds:Signature'), original.indexOf('</ds:Signature>') + '</ds:Signature>'.length);
    // The evil assertion reuses the ID and the signature, grants Dev, and hides the original in Advice.
    const evil = original
      .replace(signature, '')
      .replace(`${ADMIN},${PROVIDER}`, `${DEV},${PROVIDER}`)
      .replace('</Issuer>', `</Issuer>${signature}`)
      .replace('<Subject>', `<Advice>${original}</Advice><Subject>`);
    const wrapped = xml.slice(0, assertionStart) + evil + xml.slice(assertionEnd);
    const res = await samlCall(Buffer.from(wrapped).toString('base64'), { RoleArn: DEV });
    expect([res.status, code(res.body)]).toEqual([400, 'InvalidIdentityToken']);
  });

  it('refuses an assertion redeemed more than 5 minutes after issuance (emulator clock)', async () => {
    const early = issueSamlResponse(options());
    now = new Date(now.getTime() + 5 * 60_000 + 1000);
    try {
      const res = await samlCall(early);
      expect([res.status, code(res.body)]).toEqual([400, 'ExpiredTokenException']);
      expect(res.body).toContain('Token must be redeemed within 5 minutes of issuance');
    } finally {
      now = new Date('2025-03-01T10:00:00.000Z');
    }
  });

  it('applies DurationSeconds bounds', async () => {
    const tooShort = await samlCall(issueSamlResponse(options()), { DurationSeconds: '899' });
    expect([tooShort.status, code(tooShort.body)]).toEqual([400, 'ValidationError']);
    const tooLong = await samlCall(issueSamlResponse(options()), { DurationSeconds: '43201' });
    expect(code(tooLong.body)).toBe('ValidationError');
    const overRole = await samlCall(issueSamlResponse(options()), { DurationSeconds: '3601' });
    expect(overRole.body).toContain('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  });
});

describe('STS emulator options', () => {
  it('holds each answer back by latencyMs after recording the call', async () => {
    // A latency no test run could outlast: the answer is still held when the checks below run.
    const slow = await startStsEmulator({ providers: [], roles: [], latencyMs: 10 * 60 * 1000 });
    let answered = false;
    const pending = post({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, slow.url).then(
      () => (answered = true),
      () => false, // close() below drops the held connection
    );
    try {
      await vi.waitFor(() => expect(slow.calls).toHaveLength(1));
      // A whole round trip to an emulator without latency completes while the slow answer is still held.
      expect((await post({ Action: 'GetCallerIdentity', Version: '2011-06-15' })).status).toBe(403);
      expect(answered).toBe(false);
    } finally {
      await slow.close();
    }
    expect(await pending).toBe(false);
  });

  // npm run bench printed "MaxListenersExceededWarning: ... 11 abort listeners added to [AbortSignal]":
  // each held answer listened on the one signal close() aborts. 20 held at once must not warn.
  it('holds many answers at once without a listener per answer on a shared signal, and close() still drops them all', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    const slow = await startStsEmulator({ providers: [], roles: [], latencyMs: 10 * 60 * 1000 });
    try {
      const pending = Array.from({ length: 20 }, () =>
        post({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, slow.url).then(
          () => 'answered',
          () => 'dropped',
        ),
      );
      await vi.waitFor(() => expect(slow.calls).toHaveLength(20));
      await slow.close();
      expect(await Promise.all(pending)).toEqual(Array.from({ length: 20 }, () => 'dropped'));
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('can switch the SessionDuration attribute rule off', async () => {
    const lenient = await startStsEmulator({
      providers: [{ principalArn: PROVIDER, certPem: signer.certPem }],
      roles: [{ roleArn: ADMIN, maxSessionDuration: 7200 }],
      clock: () => now,
      enforceAssertionSessionDuration: false,
    });
    try {
      const res = await post(
        {
          Action: 'AssumeRoleWithSAML',
          Version: '2011-06-15',
          RoleArn: ADMIN,
          PrincipalArn: PROVIDER,
          SAMLAssertion: issueSamlResponse(options({ sessionDuration: 900 })),
          DurationSeconds: '7200',
        },
        lenient.url,
      );
      expect(res.status).toBe(200);
    } finally {
      await lenient.close();
    }
  });
});
