import { describe, expect, it } from 'vitest';
import { StsError } from '../errors.js';
import { silentLogger } from '../log.js';
import type { AwsCredentials, SamlCredentials, StsTarget } from '../sts/client.js';
import { backoffDelay, executeHops } from './execute.js';
import { sanitizeSessionName } from '../catalog/session-name.js';
import type { ExecuteOptions } from './execute.js';
import type { Hop } from '../catalog/chain-plan.js';

const ROOT: AwsCredentials = { accessKeyId: 'ASIAROOT', secretAccessKey: 'root-secret', sessionToken: 'root-token', expiration: new Date('2030-01-01T00:00:00Z') };

function hop(profile: string, sourceProfile: string, extra: Partial<Hop> = {}): Hop {
  return { profile, roleArn: `arn:aws:iam::222222222222:role/${profile}`, sourceProfile, depth: 1, ...extra };
}

interface Call {
  profile: string;
  sourceKey: string;
  target: StsTarget;
  input: { roleArn: string; roleSessionName: string; durationSeconds: number; externalId?: string };
}

/** A fake AssumeRole that answers after a tick, records calls and the peak number in flight. */
function fakeSts(options: { fail?: (roleArn: string, attempt: number) => Error | undefined } = {}) {
  const calls: Call[] = [];
  const attempts = new Map<string, number>();
  const order: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const assumeRole: ExecuteOptions['assumeRole'] = async (target, creds, input) => {
    const profile = input.roleArn.slice(input.roleArn.lastIndexOf('/') + 1);
    calls.push({ profile, sourceKey: creds.accessKeyId, target, input });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((done) => setTimeout(done, 2));
      const attempt = (attempts.get(profile) ?? 0) + 1;
      attempts.set(profile, attempt);
      const error = options.fail?.(input.roleArn, attempt);
      if (error) throw error;
      order.push(profile);
      const result: SamlCredentials = {
        accessKeyId: `ASIA-${profile}`,
        secretAccessKey: `secret-${profile}`,
        sessionToken: `token-${profile}`,
        expiration: new Date(Date.now() + input.durationSeconds * 1000),
        assumedRoleArn: `arn:aws:sts::222222222222:assumed-role/${profile}/${input.roleSessionName}`,
      };
      return result;
    } finally {
      inFlight--;
    }
  };
  return { assumeRole, calls, order, attempts, maxInFlight: () => maxInFlight };
}

function options(sts: ReturnType<typeof fakeSts>, extra: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    sts: (region) => ({ region: region ?? 'us-east-1', endpoint: 'http://127.0.0.1:1' }),
    assumeRole: sts.assumeRole,
    sleep: async () => {},
    log: silentLogger,
    defaultSessionName: 'alice@corp.example',
    ...extra,
  };
}

const roots = () => new Map([['saml', ROOT]]);
const throttled = () => new StsError('STS_THROTTLED', 'STS AssumeRole failed (Throttling): Rate exceeded', { hint: 'wait' });

describe('executeHops', () => {
  it('keeps at most `concurrency` calls in flight and runs them all', async () => {
    const sts = fakeSts();
    const hops = Array.from({ length: 20 }, (_, i) => hop(`d${i}`, 'saml'));
    const outcomes = await executeHops(hops, roots(), options(sts, { concurrency: 3 }));
    expect(outcomes.map((o) => o.ok)).toEqual(Array(20).fill(true));
    expect(outcomes.map((o) => o.profile)).toEqual(hops.map((h) => h.profile));
    expect(sts.maxInFlight()).toBe(3);
    expect(sts.calls).toHaveLength(20);
  });

  it('defaults to 8 in flight', async () => {
    const sts = fakeSts();
    await executeHops(Array.from({ length: 20 }, (_, i) => hop(`d${i}`, 'saml')), roots(), options(sts));
    expect(sts.maxInFlight()).toBe(8);
  });

  it('assumes a child with its parent hop\'s credentials, after the parent', async () => {
    const sts = fakeSts();
    const hops = [hop('shared', 'saml'), hop('prod', 'shared', { depth: 2 }), hop('dev', 'shared', { depth: 2 }), hop('deep', 'prod', { depth: 3 })];
    const outcomes = await executeHops(hops, roots(), options(sts));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const source = Object.fromEntries(sts.calls.map((c) => [c.profile, c.sourceKey]));
    expect(source).toEqual({ shared: 'ASIAROOT', prod: 'ASIA-shared', dev: 'ASIA-shared', deep: 'ASIA-prod' });
    expect(sts.order.indexOf('shared')).toBeLessThan(sts.order.indexOf('prod'));
    expect(sts.order.indexOf('prod')).toBeLessThan(sts.order.indexOf('deep'));
  });

  it('caps DurationSeconds at 3600 with a note, passes ExternalId, region and a sanitised session name', async () => {
    const sts = fakeSts();
    const outcomes = await executeHops(
      [
        hop('long', 'saml', { durationSeconds: 7200, externalId: 'ext-1', region: 'eu-west-1' }),
        hop('short', 'saml', { durationSeconds: 900, roleSessionName: 'bob smith/ops' }),
      ],
      roots(),
      options(sts),
    );
    const [long, short] = outcomes;
    expect(long).toMatchObject({ ok: true, durationSeconds: 3600, notes: ['long asked for 7200 s; role chaining caps sessions at 3600 s.'] });
    expect(short).toMatchObject({ ok: true, durationSeconds: 900, notes: [] });
    const byProfile = Object.fromEntries(sts.calls.map((c) => [c.profile, c]));
    expect(byProfile.long!.input).toEqual({ roleArn: 'arn:aws:iam::222222222222:role/long', roleSessionName: 'alice@corp.example', durationSeconds: 3600, externalId: 'ext-1' });
    expect(byProfile.long!.target).toMatchObject({ region: 'eu-west-1', maxAttempts: 1 });
    expect(byProfile.short!.input).toEqual({ roleArn: 'arn:aws:iam::222222222222:role/short', roleSessionName: 'bob-smith-ops', durationSeconds: 900 });
    expect(byProfile.short!.target.region).toBe('us-east-1');
  });

  it('retries throttling with growing, jittered waits from the injected sleep', async () => {
    const sts = fakeSts({ fail: (_arn, attempt) => (attempt <= 2 ? throttled() : undefined) });
    const waits: number[] = [];
    const outcomes = await executeHops([hop('prod', 'saml')], roots(), options(sts, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 }));
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(sts.attempts.get('prod')).toBe(3);
    expect(waits).toEqual([150, 300]); // 200 and 400 ms, scaled by 0.75 with random() = 0.5
  });

  it('gives up on throttling after 4 attempts and says so', async () => {
    const sts = fakeSts({ fail: () => throttled() });
    const waits: number[] = [];
    const [outcome] = await executeHops([hop('prod', 'saml')], roots(), options(sts, { sleep: async (ms) => void waits.push(ms) }));
    expect(sts.attempts.get('prod')).toBe(4);
    expect(waits).toHaveLength(3);
    expect(outcome).toMatchObject({ ok: false });
    if (outcome?.ok === false) {
      expect(outcome.error.code).toBe('STS_THROTTLED');
      expect(outcome.error.message).toContain('gave up after 4 attempts');
    }
  });

  it('does not retry other errors', async () => {
    const sts = fakeSts({ fail: () => new StsError('STS_ACCESS_DENIED', 'denied', { hint: 'trust policy' }) });
    const [outcome] = await executeHops([hop('prod', 'saml')], roots(), options(sts));
    expect(sts.attempts.get('prod')).toBe(1);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'STS_ACCESS_DENIED' } });
  });

  it('a failing hop loses nothing else; its children are skipped naming the source and its error', async () => {
    const sts = fakeSts({ fail: (arn) => (arn.endsWith('/shared') ? new StsError('STS_ACCESS_DENIED', 'not authorized on shared', { hint: 'trust' }) : undefined) });
    const hops = [hop('shared', 'saml'), hop('other', 'saml'), hop('prod', 'shared', { depth: 2 }), hop('deep', 'prod', { depth: 3 })];
    const outcomes = await executeHops(hops, roots(), options(sts));
    const byProfile = Object.fromEntries(outcomes.map((o) => [o.profile, o]));
    expect(byProfile.other).toMatchObject({ ok: true });
    expect(byProfile.shared).toMatchObject({ ok: false, error: { code: 'STS_ACCESS_DENIED' } });
    expect(byProfile.prod).toMatchObject({ ok: false, skipped: true, error: { code: 'CHAIN_SOURCE_FAILED' } });
    const prod = byProfile.prod!;
    if (!prod.ok) expect(prod.error.message).toBe('prod skipped: its source shared failed (not authorized on shared)');
    expect(byProfile.deep).toMatchObject({ ok: false, skipped: true });
    expect(sts.calls.map((c) => c.profile).sort()).toEqual(['other', 'shared']);
  });

  it('refuses MFA destinations without calling STS, and reports a root without credentials', async () => {
    const sts = fakeSts();
    const outcomes = await executeHops(
      [hop('mfa', 'saml', { mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' }), hop('orphan', 'gw2'), hop('ok', 'saml')],
      roots(),
      options(sts),
    );
    expect(outcomes[0]).toMatchObject({ ok: false, error: { code: 'CHAIN_MFA_UNSUPPORTED' } });
    if (!outcomes[0]!.ok) expect(outcomes[0]!.error.message).toBe('MFA-protected destination mfa needs a token code; not supported for chained refresh yet.');
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: 'CHAIN_SOURCE_NO_CREDENTIALS' } });
    expect(outcomes[2]).toMatchObject({ ok: true });
    expect(sts.calls.map((c) => c.profile)).toEqual(['ok']);
  });

  it('an unexpected throw becomes that hop\'s failure', async () => {
    const sts = fakeSts({ fail: () => new Error('boom') });
    const [outcome] = await executeHops([hop('prod', 'saml')], roots(), options(sts));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'STS_ERROR', message: 'AssumeRole for prod failed: boom' } });
  });

  it('an empty plan resolves at once', async () => {
    expect(await executeHops([], roots(), options(fakeSts()))).toEqual([]);
  });
});

describe('sanitizeSessionName', () => {
  it.each([
    ['alice@corp.example', 'alice@corp.example'],
    ['CORP\\alice', 'CORP-alice'],
    ['a', 'awsfeda'],
    ['x'.repeat(80), 'x'.repeat(64)],
    ['Zoë Smith', 'Zo--Smith'],
  ])('%s -> %s', (input, expected) => {
    expect(sanitizeSessionName(input)).toBe(expected);
    expect(sanitizeSessionName(input)).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt within [50%, 100%) and caps at 5 s', () => {
    expect(backoffDelay(1, 200, () => 0)).toBe(100);
    expect(backoffDelay(2, 200, () => 0.999)).toBe(400);
    expect(backoffDelay(3, 200, () => 0.5)).toBe(600);
    expect(backoffDelay(10, 200, () => 0.999)).toBe(4998);
  });
});

describe('executeHops against the STS emulator', () => {
  it('retries the emulator\'s Throttling answers itself (the SDK does not retry on top) and then succeeds', async () => {
    const { startStsEmulator } = await import('../emulator/sts.js');
    const { createSelfSignedIdentity } = await import('../emulator/certs.js');
    const { issueSamlResponse } = await import('../emulator/saml-issuer.js');
    const { assumeRole, assumeRoleWithSaml } = await import('../sts/client.js');
    const signer = createSelfSignedIdentity('execute test');
    const gateway = { roleArn: 'arn:aws:iam::111111111111:role/Gateway', principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS' };
    const sts = await startStsEmulator({
      providers: [{ principalArn: gateway.principalArn, certPem: signer.certPem }],
      roles: [{ roleArn: gateway.roleArn }, { roleArn: 'arn:aws:iam::222222222222:role/prod' }],
    });
    try {
      const target = { region: 'us-east-1', endpoint: sts.url };
      const samlAssertion = issueSamlResponse({ signer, issuer: 'idp', nameId: 'alice', roles: [gateway], roleSessionName: 'alice', now: new Date() });
      const root = await assumeRoleWithSaml(target, { ...gateway, samlAssertion, durationSeconds: 3600 });
      const waits: number[] = [];
      const before = sts.calls.length;
      let throttleLeft = 2;
      const outcomes = await executeHops([hop('prod', 'saml')], new Map([['saml', root]]), {
        sts: () => target,
        log: silentLogger,
        defaultSessionName: 'alice',
        sleep: async (ms) => void waits.push(ms),
        // Two attempts go to an emulator that answers Throttling (on the wire, as STS does), then the real one.
        assumeRole: async (t, creds, input) => {
          const { assumeRole } = await import('../sts/client.js');
          if (throttleLeft > 0) {
            throttleLeft--;
            const throttler = await startStsEmulator({ providers: [], roles: [], throttleFirst: 1 });
            try {
              return await assumeRole({ ...t, endpoint: throttler.url }, creds, input);
            } finally {
              // Close first (an assertion failing here must not leave the emulator running), then assert.
              await throttler.close();
              const errorCodes = throttler.calls.map((c) => c.errorCode);
              expect(errorCodes).toEqual(['Throttling']); // one attempt: maxAttempts 1
            }
          }
          return assumeRole(t, creds, input);
        },
      });
      expect(outcomes[0]).toMatchObject({ ok: true, notes: ['prod: STS throttled 2 time(s); succeeded on attempt 3.'] });
      expect(waits).toHaveLength(2);
      expect(sts.calls.slice(before).map((c) => c.action)).toEqual(['AssumeRole']);
    } finally {
      await sts.close();
    }
  });

  // npm run bench printed "MaxListenersExceededWarning: ... 11 abort listeners added to [AbortSignal]"
  // during the concurrent refresh. The whole path (executeHops, the STS client and its per-call deadline,
  // the SDK, the emulator holding answers back) must not pile listeners on any shared signal.
  it('runs 24 hops 16 at a time against an emulator with latency without a MaxListenersExceededWarning', async () => {
    const { startStsEmulator } = await import('../emulator/sts.js');
    const { createSelfSignedIdentity } = await import('../emulator/certs.js');
    const { issueSamlResponse } = await import('../emulator/saml-issuer.js');
    const { assumeRole, assumeRoleWithSaml } = await import('../sts/client.js');
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning);
    process.on('warning', onWarning);
    const signer = createSelfSignedIdentity('execute test');
    const gateway = { roleArn: 'arn:aws:iam::111111111111:role/Gateway', principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS' };
    const profiles = Array.from({ length: 24 }, (_, i) => `dest${i}`);
    const sts = await startStsEmulator({
      providers: [{ principalArn: gateway.principalArn, certPem: signer.certPem }],
      roles: [{ roleArn: gateway.roleArn }, ...profiles.map((p) => ({ roleArn: `arn:aws:iam::222222222222:role/${p}` }))],
      latencyMs: 20,
    });
    try {
      const target = { region: 'us-east-1', endpoint: sts.url };
      const samlAssertion = issueSamlResponse({ signer, issuer: 'idp', nameId: 'alice', roles: [gateway], roleSessionName: 'alice', now: new Date() });
      const root = await assumeRoleWithSaml(target, { ...gateway, samlAssertion, durationSeconds: 3600 });
      const outcomes = await executeHops(
        profiles.map((p) => hop(p, 'saml')),
        new Map([['saml', root]]),
        { sts: () => target, assumeRole, log: silentLogger, defaultSessionName: 'alice', concurrency: 16 },
      );
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await sts.close();
    }
  }, 30_000);
});

