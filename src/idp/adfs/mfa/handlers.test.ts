/**
 * The second-factor handlers through the sign-in loop, against the loopback AD FS emulator (a real HTTP
 * server on 127.0.0.1), with a fake code source, chooser, status and clock: polls are counted, not timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Progress } from '../../../ui/progress.js';
import { createHttpClient } from '../../../http/client.js';
import { silentLogger } from '../../../log.js';
import { EMULATOR_MFA_CODE, EMULATOR_MFA_NEXT_CODE, startAdfsEmulator, type AdfsEmulator, type AdfsUser } from '../../../emulator/adfs.js';
import { signIn, type SignInMfaOptions } from '../flow.js';
import type { CodeAnswer, CodeRequest } from './ports.js';

const ROLE = { roleArn: 'arn:aws:iam::111111111111:role/R', principalArn: 'arn:aws:iam::111111111111:saml-provider/ADFS' };
let emulator: AdfsEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

interface Harness {
  mfa: SignInMfaOptions;
  asked: CodeRequest[];
  status: string[];
  sleeps: number[];
}

/** Codes are answered from `answers` in order (each marked typed or given once). */
function harness(answers: Array<string | CodeAnswer> = [], options: { timeoutMs?: number; method?: string; interactive?: boolean; choose?: string; progress?: Progress } = {}): Harness {
  const asked: CodeRequest[] = [];
  const status: string[] = [];
  const sleeps: number[] = [];
  let clock = 0;
  return {
    asked,
    status,
    sleeps,
    mfa: {
      codes: {
        preset: async () => undefined,
        next: async (request) => {
          asked.push(request);
          const answer = answers.shift();
          if (answer === undefined) throw new Error(`unexpected code request: ${request.label}`);
          return typeof answer === 'string' ? { code: answer, repeatable: true } : answer;
        },
        secrets: () => [],
      },
      chooser: {
        interactive: options.interactive ?? true,
        choose: async (_message, methods) => options.choose ?? methods[0]!.id,
      },
      status: (line) => void status.push(line),
      ...(options.progress ? { progress: options.progress } : {}),
      settings: { timeoutMs: options.timeoutMs ?? 120_000, ...(options.method ? { method: { value: options.method, where: '--mfa-method' } } : {}) },
      sleep: async (ms) => {
        sleeps.push(ms);
        clock += ms;
      },
      now: () => clock,
    },
  };
}

async function login(user: Partial<AdfsUser>, h: Harness, signInTimeoutMs?: number) {
  emulator = await startAdfsEmulator({ variant: 'adfs3', users: [{ username: 'alice', password: 'pw-Alice-1', roles: [ROLE], ...user }] });
  return signIn({
    entryUrl: emulator.entryUrl,
    http: createHttpClient({ log: silentLogger }),
    credentials: { username: async () => 'alice', password: async () => 'pw-Alice-1' },
    log: silentLogger,
    mfa: h.mfa,
    ...(signInTimeoutMs !== undefined ? { timeoutMs: signInTimeoutMs } : {}),
  });
}

describe('Azure MFA push', () => {
  it('polls every 1.5 s with the latest Context until approved, showing the number to match once', async () => {
    const h = harness();
    const result = await login({ mfaAdapter: 'AzureMfaAuthentication', mfaPushApproveAfterPolls: 4, mfaNumberToMatch: '37' }, h);
    expect(result.samlResponse).not.toBe('');
    expect(h.sleeps).toEqual([1500, 1500, 1500, 1500]);
    expect(h.status.filter((l) => l.includes('37'))).toHaveLength(2); // the banner and the waiting line, once each
    expect(h.status[0]).toMatch(/Number to enter in Authenticator: +37/);
    expect(h.asked).toEqual([]);
    // Each poll posted exactly one AuthMethod and one Context.
    const polls = emulator!.requests.filter((r) => r.fieldNames.includes('Context'));
    expect(polls).toHaveLength(4);
    for (const p of polls) expect(p.fieldNames.filter((n) => n === 'Context' || n === 'AuthMethod')).toEqual(['AuthMethod', 'Context']);
  });

  it('a declined push is MFA_DENIED', async () => {
    await expect(login({ mfaAdapter: 'AzureMfaAuthentication', mfaPushDenyAfterPolls: 2 }, harness())).rejects.toMatchObject({ code: 'MFA_DENIED', message: expect.stringContaining('denied') });
  });

  it('an unanswered push ends at --mfa-timeout with MFA_TIMEOUT, counted by the clock port', async () => {
    const h = harness([], { timeoutMs: 6000 });
    await expect(login({ mfaAdapter: 'AzureMfaAuthentication' }, h)).rejects.toMatchObject({ code: 'MFA_TIMEOUT', message: expect.stringContaining('6 s') });
    expect(h.sleeps).toHaveLength(4);
  });

  it('on a terminal: the number as a line above, then the spinner line counting down, stopped at the end', async () => {
    const events: string[] = [];
    const progress: Progress = { live: true, start: (t) => void events.push(`start ${t}`), update: (t) => void events.push(`update ${t}`), stop: () => void events.push('stop') };
    const h = harness([], { timeoutMs: 6000, progress });
    await expect(login({ mfaAdapter: 'AzureMfaAuthentication', mfaNumberToMatch: '12' }, h)).rejects.toMatchObject({ code: 'MFA_TIMEOUT' });
    expect(h.status).toHaveLength(1);
    expect(h.status[0]).toMatch(/Number to enter in Authenticator: +12/);
    expect(events[0]).toBe('start Approve the sign-in in Microsoft Authenticator by entering 12: 0:06 left (--mfa-timeout)');
    // One update per poll from the clock port (the 1 s refresh repeats the latest text: deduplicated).
    const updates = events.filter((e) => e.startsWith('update')).filter((e, k, all) => e !== all[k - 1]);
    expect(updates).toEqual(['0:05', '0:03', '0:02', '0:00'].map((left) => `update Approve the sign-in in Microsoft Authenticator by entering 12: ${left} left (--mfa-timeout)`));
    expect(events.at(-1)).toBe('stop');
  });

  it('the verification-code variant posts VerificationCode', async () => {
    const h = harness([EMULATOR_MFA_CODE]);
    await login({ mfaAdapter: 'AzureMfaAuthentication', mfaAzureCode: true }, h);
    expect(h.asked).toMatchObject([{ adapter: 'AzureMfaAuthentication', purpose: 'code', attempt: 1 }]);
    expect(emulator!.requests.some((r) => r.fieldNames.includes('VerificationCode'))).toBe(true);
  });
});

describe('Azure MFA Server', () => {
  it('one blocking POST; approval completes', async () => {
    const h = harness();
    await login({ mfaAdapter: 'AzureMfaServerAuthentication', mfaServerAnswerAfterMs: 300 }, h);
    expect(h.status.join('\n')).toMatch(/Azure MFA Server/);
    expect(emulator!.requests.filter((r) => r.fieldNames.includes('Context'))).toHaveLength(1);
  });

  it('the wait for the phone does not count towards the sign-in deadline (--timeout), only towards --mfa-timeout', async () => {
    // The phone answers after 2.5 s; the whole sign-in may take 1.5 s of IdP time: the wait is paused out.
    const result = await login({ mfaAdapter: 'AzureMfaServerAuthentication', mfaServerAnswerAfterMs: 2500 }, harness([], { timeoutMs: 60_000 }), 1500);
    expect(result.samlResponse).not.toBe('');
  });

  it('on a terminal: the spinner line counts down during the blocking POST instead of the plain line', async () => {
    const events: string[] = [];
    const progress: Progress = { live: true, start: (t) => void events.push(`start ${t}`), update: (t) => void events.push(`update ${t}`), stop: () => void events.push('stop') };
    const h = harness([], { progress });
    await login({ mfaAdapter: 'AzureMfaServerAuthentication', mfaServerAnswerAfterMs: 300 }, h);
    expect(h.status).toEqual([]);
    expect(events[0]).toBe('start Answer the call or notification from Azure MFA Server on your phone: 2:00 left (--mfa-timeout)');
    expect(events.at(-1)).toBe('stop');
  });

  it('"Authentication denied" is MFA_DENIED', async () => {
    await expect(login({ mfaAdapter: 'AzureMfaServerAuthentication', mfaServerDeny: true }, harness())).rejects.toMatchObject({
      code: 'MFA_DENIED',
      message: expect.stringContaining('Authentication denied. Please try again.'),
    });
  });

  it('a phone that never answers ends at --mfa-timeout, not at the sign-in deadline', async () => {
    await expect(login({ mfaAdapter: 'AzureMfaServerAuthentication', mfaServerAnswerAfterMs: 10_000 }, harness([], { timeoutMs: 1000 }))).rejects.toMatchObject({ code: 'MFA_TIMEOUT' });
  });
});

describe('code adapters', () => {
  it.each([
    ['SecurIDAuthentication', 'Passcode'],
    ['SymantecVipAdapter', 'SecurityCode'],
    ['VIPAuthenticationProviderWindowsAccountName', 'security_code'],
    ['SafeNet-MFA', 'SAFENET_PASSWORD'],
    ['OathAuthentication', 'OathCode'],
    ['Defender AD FS Adapter', 'DefenderToken'],
  ])('%s: the code goes in %s', async (adapter, field) => {
    const h = harness([EMULATOR_MFA_CODE]);
    await login({ mfaAdapter: adapter }, h);
    expect(emulator!.requests.filter((r) => r.fieldNames.includes(field))).toHaveLength(1);
  });

  it('a typed code that is refused is asked again, up to 3 times, then MFA_TOO_MANY_ATTEMPTS', async () => {
    const retried = harness(['111111', EMULATOR_MFA_CODE]);
    await login({ mfaAdapter: 'SecurIDAuthentication' }, retried);
    expect(retried.asked.map((a) => a.attempt)).toEqual([1, 2]);
    expect(retried.status.join('\n')).toMatch(/did not accept/);
    expect(retried.status.join('\n')).not.toContain('111111');

    const h = harness(['111111', '222222', '333333']);
    await expect(login({ mfaAdapter: 'SecurIDAuthentication' }, h)).rejects.toMatchObject({ code: 'MFA_TOO_MANY_ATTEMPTS' });
  });

  it('a code given once (flag, variable, stdin, command) that is refused is MFA_CODE_REJECTED at once', async () => {
    const h = harness([{ code: '111111', repeatable: false }]);
    const error = await login({ mfaAdapter: 'SymantecVipAdapter' }, h).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MFA_CODE_REJECTED' });
    expect(JSON.stringify({ m: (error as Error).message, h: (error as { hint: string }).hint })).not.toContain('111111');
  });

  it('an expired code is MFA_CODE_EXPIRED; the adapter saying "too many" is MFA_TOO_MANY_ATTEMPTS', async () => {
    await expect(login({ mfaAdapter: 'SymantecVipAdapter' }, harness([{ code: '999999', repeatable: false }]))).rejects.toMatchObject({ code: 'MFA_CODE_EXPIRED' });
    await expect(login({ mfaAdapter: 'SafeNet-MFA', mfaMaxAttempts: 1 }, harness(['111111']))).rejects.toMatchObject({ code: 'MFA_TOO_MANY_ATTEMPTS' });
  });

  it('SecurID next tokencode and new PIN pages are asked for in turn', async () => {
    const next = harness([EMULATOR_MFA_CODE, EMULATOR_MFA_NEXT_CODE]);
    await login({ mfaAdapter: 'SecurIDAuthentication', mfaSecurIdNextTokencode: true }, next);
    expect(next.asked.map((a) => a.purpose)).toEqual(['code', 'next-tokencode']);

    const pin = harness([EMULATOR_MFA_CODE, '24680']);
    await login({ mfaAdapter: 'SecurIDAuthentication', mfaSecurIdNewPin: true }, pin);
    expect(pin.asked.map((a) => a.purpose)).toEqual(['code', 'new-pin']);
  });

  it('an adapter page with nothing to type into is named, with a "not supported yet" error', async () => {
    await expect(login({ mfaAdapter: 'ThirdPartyWebAdapter' }, harness())).rejects.toMatchObject({ code: 'IDP_MFA_UNSUPPORTED', message: expect.stringContaining('ThirdPartyWebAdapter is not supported yet') });
  });
});

describe('choose a method', () => {
  const methods = ['AzureMfaAuthentication', 'SecurIDAuthentication', 'SymantecVipAdapter'];

  it('--mfa-method picks by id or by a part of the name', async () => {
    const h = harness([EMULATOR_MFA_CODE], { method: 'securid' });
    await login({ mfaMethods: methods }, h);
    expect(h.asked).toMatchObject([{ adapter: 'SecurIDAuthentication' }]);
  });

  it('without a method: the prompt lists them; without a terminal: MFA_METHOD_CHOICE_NEEDED lists them', async () => {
    const h = harness([EMULATOR_MFA_CODE], { choose: 'SymantecVipAdapter' });
    await login({ mfaMethods: methods }, h);
    expect(h.asked).toMatchObject([{ adapter: 'SymantecVipAdapter' }]);

    await expect(login({ mfaMethods: methods }, harness([], { interactive: false }))).rejects.toMatchObject({
      code: 'MFA_METHOD_CHOICE_NEEDED',
      message: expect.stringMatching(/AzureMfaAuthentication[\s\S]*SecurIDAuthentication[\s\S]*SymantecVipAdapter/),
    });
  });

  it('a method the page does not offer is MFA_METHOD_NOT_OFFERED', async () => {
    await expect(login({ mfaMethods: methods }, harness([], { method: 'Duo' }))).rejects.toMatchObject({ code: 'MFA_METHOD_NOT_OFFERED', exitCode: 2 });
  });
});
