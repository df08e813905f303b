/**
 * The Duo handlers against the loopback emulators: AD FS (DuoAdfsAdapter page) hands over to the Duo
 * emulator (classic frame conversation or frameless Universal Prompt), and the answer goes back to
 * AD FS, which must then send the SAMLResponse. The clock and sleep are fakes: a wait is counted in
 * polls, never in real time.
 */
import type { Progress } from '../../../ui/progress.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAdfsEmulator, type AdfsEmulator } from '../../../emulator/adfs.js';
import { createSelfSignedIdentity, createTestCa, type KeyPair, type TestCa } from '../../../emulator/certs.js';
import { demoUser, DEMO_USER } from '../../../emulator/demo-environment.js';
import { DUO_EMULATOR_PASSCODE, DUO_VERIFIED_PUSH_CODE, startDuoEmulator, type DuoEmulator, type DuoEmulatorOptions } from '../../../emulator/duo.js';
import { AppError } from '../../../errors.js';
import { createHttpClient, type HttpClient } from '../../../http/client.js';
import { classify } from '../../adfs/classify.js';
import { cacheCredentials, loginFormEntries } from '../../adfs/login.js';
import { signIn } from '../../adfs/flow.js';
import { silentLogger } from '../../../log.js';
import { answerDuo, recogniseDuoPage, type DuoPorts } from './answer.js';

let ca: TestCa;
let duoCert: KeyPair;
let signer: KeyPair;
beforeAll(() => {
  ca = createTestCa();
  signer = createSelfSignedIdentity('adfs signing');
  duoCert = ca.issueServerCert(['127.0.0.1', 'localhost']);
});

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

interface World {
  adfs: AdfsEmulator;
  duo: DuoEmulator;
  http: HttpClient;
}

async function world(flow: 'classic' | 'universal', duoOptions: Omit<DuoEmulatorOptions, 'https'> = {}): Promise<World> {
  const duo = await startDuoEmulator({ https: duoCert, ...duoOptions });
  running.push(duo);
  const adfs = await startAdfsEmulator({ variant: 'adfs3', signer, users: [demoUser({ mfaAdapter: 'DuoAdfsAdapter', duoFlow: flow })], duo: duo.integration });
  running.push(adfs);
  return { adfs, duo, http: createHttpClient({ caBundlePem: ca.ca.certPem }) };
}

/** Signs in with the password and returns AD FS's Duo page. */
async function duoPage(w: World) {
  const login = await w.http.get(w.adfs.entryUrl);
  const page = classify(login.body, login.url);
  if (page.kind !== 'login-form') throw new Error(`expected the login form, got ${page.kind}`);
  const creds = cacheCredentials({ username: async () => DEMO_USER.username, password: async () => DEMO_USER.password });
  const res = await w.http.postForm(page.form.action, await loginFormEntries(page.form, creds));
  const duo = recogniseDuoPage(res.body, res.url);
  if (!duo) throw new Error('expected a Duo page');
  return duo;
}

interface FakePorts extends DuoPorts {
  lines: string[];
  sleeps: number;
}

function ports(http: HttpClient, extra: Partial<DuoPorts> = {}): FakePorts {
  let clock = 0;
  const p: FakePorts = {
    http,
    lines: [],
    sleeps: 0,
    status: (line) => p.lines.push(line),
    sleep: async (ms) => {
      p.sleeps += 1;
      clock += ms;
    },
    now: () => clock,
    timeLimitMs: 120_000,
    ...extra,
  };
  return p;
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

for (const flow of ['classic', 'universal'] as const) {
  describe(`Duo ${flow}`, () => {
    it('push approved after three polls: one wait line, then AD FS sends the SAMLResponse', async () => {
      const w = await world(flow, { answerAfterPolls: 3 });
      const p = ports(w.http);
      const res = await answerDuo(await duoPage(w), p);
      expect(classify(res.body, res.url).kind).toBe('saml-response');
      expect(p.sleeps).toBe(3);
      expect(p.lines).toEqual([expect.stringMatching(/^Duo Push sent: approve it in Duo Mobile \(waiting up to 120 s\)$/)]);
      const prompt = w.duo.requests.find((r) => r.path.endsWith('/prompt') && r.method === 'POST');
      expect(prompt?.fieldNames).not.toContain('passcode');
    });

    it('passcode from a non-interactive source: no wait, no poll sleep, no line', async () => {
      const w = await world(flow);
      const p = ports(w.http, { code: DUO_EMULATOR_PASSCODE });
      const res = await answerDuo(await duoPage(w), p);
      expect(classify(res.body, res.url).kind).toBe('saml-response');
      expect(p.sleeps).toBe(0);
      expect(p.lines).toEqual([]);
    });

    it('denied push: DUO_DENIED with Duo\'s words', async () => {
      const w = await world(flow, { outcome: 'deny', answerAfterPolls: 1 });
      const error = await failure(answerDuo(await duoPage(w), ports(w.http)));
      expect(error.code).toBe('DUO_DENIED');
      expect(error.message).toBe('The Duo push was denied: "Login request denied."');
      expect(error.exitCode).toBe(3);
    });

    it('Duo times the push out: DUO_TIMEOUT', async () => {
      const w = await world(flow, { outcome: 'timeout' });
      const error = await failure(answerDuo(await duoPage(w), ports(w.http)));
      expect(error.code).toBe('DUO_TIMEOUT');
      expect(error.message).toMatch(/Login timed out/);
    });

    it('nobody answers: awsfed stops at its own time limit (counted on the fake clock)', async () => {
      const w = await world(flow, { outcome: 'never' });
      const p = ports(w.http, { timeLimitMs: 5000, pollIntervalMs: 1000 });
      const error = await failure(answerDuo(await duoPage(w), p));
      expect(error.code).toBe('DUO_TIMEOUT');
      // The limit is the user's --mfa-timeout: the message names it and the hint says how to raise it.
      expect(error.message).toBe('No answer to the Duo push within 5 s (--mfa-timeout)');
      expect(error.hint).toMatch(/raise --mfa-timeout \/ AWSFED_MFA_TIMEOUT \/ awsfed_mfa_timeout/);
      expect(error.hint).toContain('--mfa-code');
      expect(p.sleeps).toBe(5);
    });

    it('wrong passcode: DUO_PASSCODE_REJECTED, and the code is in no message', async () => {
      const w = await world(flow);
      const error = await failure(answerDuo(await duoPage(w), ports(w.http, { code: '999111' })));
      expect(error.code).toBe('DUO_PASSCODE_REJECTED');
      expect(`${error.message} ${error.hint}`).not.toContain('999111');
    });

    it('phone call: the calling line, then approved', async () => {
      const w = await world(flow, { factors: ['Phone Call'], answerAfterPolls: 1 });
      const p = ports(w.http);
      const res = await answerDuo(await duoPage(w), p);
      expect(classify(res.body, res.url).kind).toBe('saml-response');
      expect(p.lines).toEqual([expect.stringMatching(/^Duo is calling your phone/)]);
    });

    it('interactive: the factor is chosen at the prompt, the passcode asked hidden', async () => {
      const w = await world(flow);
      const asked: string[] = [];
      const prompter = {
        interactive: true,
        choose: async <T,>(message: string, choices: readonly { value: T; name: string }[]) => {
          asked.push(`${message}: ${choices.map((c) => c.name).join(' | ')}`);
          return choices.find((c) => String(c.value) === 'passcode')!.value;
        },
        password: async (message: string) => {
          asked.push(message);
          return DUO_EMULATOR_PASSCODE;
        },
      };
      const res = await answerDuo(await duoPage(w), ports(w.http, { prompter }));
      expect(classify(res.body, res.url).kind).toBe('saml-response');
      expect(asked).toEqual([
        'Duo second factor: Duo Push (approve on your phone) | Phone call | Passcode (from Duo Mobile, an SMS or a hardware token)',
        'Duo passcode',
      ]);
    });

    it('only a security key offered: DUO_NO_USABLE_FACTOR naming what to do', async () => {
      const w = await world(flow, { factors: ['WebAuthn Credential'] });
      const error = await failure(answerDuo(await duoPage(w), ports(w.http)));
      expect(error.code).toBe('DUO_NO_USABLE_FACTOR');
      expect(error.message).toMatch(/WebAuthn Credential/);
      expect(error.hint).toMatch(/Duo Push/);
    });
  });
}

describe('Duo Universal Prompt, Verified Push', () => {
  it('shows the code to type into Duo Mobile on the wait line', async () => {
    const w = await world('universal', { verifiedPush: true, answerAfterPolls: 1 });
    const p = ports(w.http);
    const res = await answerDuo(await duoPage(w), p);
    expect(classify(res.body, res.url).kind).toBe('saml-response');
    expect(p.lines).toEqual([`Duo Verified Push: enter ${DUO_VERIFIED_PUSH_CODE} in Duo Mobile to approve (waiting up to 120 s)`]);
  });

  it('on a terminal: the code stays a line above, the spinner counts down, and it is stopped at the end', async () => {
    const w = await world('universal', { verifiedPush: true, answerAfterPolls: 2 });
    const events: string[] = [];
    const progress: Progress = { live: true, start: (t) => void events.push(`start ${t}`), update: (t) => void events.push(`update ${t}`), stop: () => void events.push('stop') };
    const p = ports(w.http, { progress, pollIntervalMs: 1000 });
    const res = await answerDuo(await duoPage(w), p);
    expect(classify(res.body, res.url).kind).toBe('saml-response');
    expect(p.lines).toEqual([`Duo Verified Push code: ${DUO_VERIFIED_PUSH_CODE}`]);
    expect(events[0]).toBe(`start Duo Verified Push: enter ${DUO_VERIFIED_PUSH_CODE} in Duo Mobile to approve: 2:00 left`);
    expect(events).toContain(`update Duo Verified Push: enter ${DUO_VERIFIED_PUSH_CODE} in Duo Mobile to approve: 1:59 left`);
    expect(events.at(-1)).toBe('stop');
  });
});

describe('the sign-in loop hands Duo pages to the handler', () => {
  let w: World;
  beforeAll(async () => {
    const duo = await startDuoEmulator({ https: duoCert, answerAfterPolls: 0 });
    const adfs = await startAdfsEmulator({
      variant: 'adfs3',
      signer,
      users: [demoUser({ mfaAdapter: 'DuoAdfsAdapter' }), demoUser({ username: 'bob@corp.example', mfaAdapter: 'DuoAdfsAdapter', duoFlow: 'universal' })],
      duo: duo.integration,
    });
    w = { adfs, duo, http: createHttpClient({}) };
  });
  afterAll(async () => {
    await Promise.all([w?.adfs.close(), w?.duo.close()]);
  });

  for (const [username, flow] of [[DEMO_USER.username, 'classic'], ['bob@corp.example', 'universal']] as const) {
    it(`${flow}: signIn ends with the SAMLResponse; the passcode reaches Duo, never AD FS or a line`, async () => {
      const lines: string[] = [];
      const debug: string[] = [];
      const adfsBefore = w.adfs.requests.length;
      const result = await signIn({
        entryUrl: w.adfs.entryUrl,
        http: createHttpClient({ caBundlePem: ca.ca.certPem, log: { info: () => {}, warn: () => {}, debug: (m) => debug.push(m) } }),
        credentials: { username: async () => username, password: async () => DEMO_USER.password },
        log: { info: (m) => lines.push(m), warn: (m) => lines.push(m), debug: (m) => debug.push(m) },
        mfa: {
          codes: { preset: async () => DUO_EMULATOR_PASSCODE, next: async () => ({ code: DUO_EMULATOR_PASSCODE, repeatable: false }), secrets: () => [DUO_EMULATOR_PASSCODE] },
          chooser: { interactive: false, choose: async () => { throw new Error('no choice expected'); } },
          status: (l) => lines.push(l),
          settings: { timeoutMs: 120_000 },
        },
      });
      expect(result.samlResponse.length).toBeGreaterThan(100);
      expect(result.steps).toEqual(['login-form', 'mfa', 'saml-response']);
      expect(lines).toEqual([]);
      expect(debug.join('\n')).not.toContain(DUO_EMULATOR_PASSCODE);
      expect(w.adfs.requests.slice(adfsBefore).flatMap((r) => r.fieldNames)).not.toContain('passcode');
      expect(w.duo.requests.some((r) => r.fieldNames.includes('passcode'))).toBe(true);
    });
  }
});
