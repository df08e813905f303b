import { afterEach, describe, expect, it } from 'vitest';
import { getSigninTokenUrl, loginUrl } from '../console/federation.js';
import { requestSigninToken } from '../console/signin-token.js';
import { AppError } from '../errors.js';
import type { SigninEmulator, SigninEmulatorOptions } from './signin.js';
import { startSigninEmulator, stsSessionValidator } from './signin.js';
import type { IssuedSession } from './sts.js';

const GOOD = { accessKeyId: 'ASIAGOODGOODGOOD1234', secretAccessKey: 'secret-key-value', sessionToken: 'session-token-value' };
const CHAINED = { accessKeyId: 'ASIACHAINEDCHAIN5678', secretAccessKey: 'chained-secret', sessionToken: 'chained-token' };
const CONSOLE = 'https://console.aws.amazon.com/console/home?region=eu-west-1';

let emulator: SigninEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const issued = new Map<string, IssuedSession>([
  [GOOD.accessKeyId, { ...GOOD, expiration: new Date(Date.now() + 3600_000), assumedRoleArn: 'arn:aws:sts::1:assumed-role/A/x', chained: false }],
  [CHAINED.accessKeyId, { ...CHAINED, expiration: new Date(Date.now() + 3600_000), assumedRoleArn: 'arn:aws:sts::2:assumed-role/B/x', chained: true }],
]);

async function start(options: SigninEmulatorOptions = { validateSession: stsSessionValidator({ issued: (k) => issued.get(k) }) }): Promise<SigninEmulator> {
  emulator = await startSigninEmulator(options);
  return emulator;
}

async function get(url: string): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

describe('sign-in emulator', () => {
  it('issues a token for valid gateway keys with SessionDuration, and login redirects to the destination', async () => {
    const emu = await start();
    const token = await requestSigninToken(getSigninTokenUrl(emu.url, GOOD, 43200));
    expect(token).toMatch(/^[\w-]{40,}$/);
    const login = await get(loginUrl(emu.url, { destination: CONSOLE, signinToken: token }));
    expect(login).toMatchObject({ status: 302, location: CONSOLE });
    expect(emu.calls).toEqual([
      { action: 'getSigninToken', status: 200, at: expect.any(Date), accessKeyIdLast4: '1234', sessionDuration: 43200, chained: false },
      { action: 'login', status: 302, at: expect.any(Date), issuer: 'awsfed', destination: CONSOLE, location: CONSOLE },
    ]);
    // Nothing secret is recorded.
    const recorded = JSON.stringify(emu.calls);
    for (const secret of [GOOD.accessKeyId, GOOD.secretAccessKey, GOOD.sessionToken, token]) expect(recorded).not.toContain(secret);
  });

  it('accepts chained keys without SessionDuration and refuses them with it (HTTP 400)', async () => {
    const emu = await start();
    await expect(requestSigninToken(getSigninTokenUrl(emu.url, CHAINED))).resolves.toEqual(expect.any(String));
    const refused = await get(getSigninTokenUrl(emu.url, CHAINED, 3600));
    expect(refused.status).toBe(400);
    expect(emu.calls.at(-1)).toMatchObject({ status: 400, chained: true, sessionDuration: 3600, error: expect.stringMatching(/role chaining/) });
    const error = await requestSigninToken(getSigninTokenUrl(emu.url, CHAINED, 3600)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'CONSOLE_SIGNIN_REFUSED', exitCode: 5 });
    // The error names the endpoint, never the query (which carries the keys).
    expect((error as Error).message).toBe(`The federation endpoint ${emu.url}/federation refused the credentials (HTTP 400)`);
  });

  it.each([
    ['unknown keys', { ...GOOD, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' }, undefined, /not valid/],
    ['a wrong secret', { ...GOOD, secretAccessKey: 'wrong' }, undefined, /not valid/],
    ['a wrong token', { ...GOOD, sessionToken: 'wrong' }, undefined, /not valid/],
    ['SessionDuration too short', GOOD, 899, /900\.\.43200/],
    ['SessionDuration too long', GOOD, 43201, /900\.\.43200/],
  ])('refuses %s', async (_what, creds, duration, error) => {
    const emu = await start();
    expect((await get(getSigninTokenUrl(emu.url, creds, duration))).status).toBe(400);
    expect(emu.calls.at(-1)!.error).toMatch(error);
  });

  it('refuses a malformed Session', async () => {
    const emu = await start();
    expect((await get(`${emu.url}/federation?Action=getSigninToken&Session=%7Bnot-json`)).status).toBe(400);
    expect((await get(`${emu.url}/federation?Action=getSigninToken&Session=%7B%7D`)).status).toBe(400);
  });

  it('login refuses an unknown token, an expired token and a non-https destination', async () => {
    let now = Date.now();
    const emu = await start({ clock: () => new Date(now) });
    expect((await get(loginUrl(emu.url, { destination: CONSOLE, signinToken: 'forged' }))).status).toBe(400);
    const token = await requestSigninToken(getSigninTokenUrl(emu.url, GOOD));
    expect((await get(loginUrl(emu.url, { destination: 'http://console.aws.amazon.com/', signinToken: token }))).status).toBe(400);
    now += 15 * 60 * 1000;
    expect((await get(loginUrl(emu.url, { destination: CONSOLE, signinToken: token }))).status).toBe(400);
    expect(emu.calls.at(-1)!.error).toMatch(/expired/);
  });

  it('404 for other paths, 400 for other actions', async () => {
    const emu = await start();
    expect((await get(`${emu.url}/other`)).status).toBe(404);
    expect((await get(`${emu.url}/federation?Action=logout`)).status).toBe(400);
  });
});

describe('requestSigninToken', () => {
  it('refuses plain http to another host before sending anything', async () => {
    await expect(requestSigninToken(getSigninTokenUrl('http://signin.example.invalid', GOOD))).rejects.toMatchObject({ code: 'IDP_INSECURE_URL' });
  });

  it('reports an unreachable endpoint without the query', async () => {
    const emu = await start();
    const url = emu.url;
    await emu.close();
    emulator = undefined;
    const error = (await requestSigninToken(getSigninTokenUrl(url, GOOD)).catch((e: unknown) => e)) as AppError;
    expect(error.code).toBe('CONSOLE_SIGNIN_UNREACHABLE');
    expect(error.message).toBe(`Cannot reach the AWS federation endpoint ${url}/federation (ECONNREFUSED)`);
  });

  it('a federation endpoint that sends headers then trickles one byte at a time ends at the deadline, and the socket is closed', async () => {
    const { listenOnLoopback } = await import('./loopback-server.js');
    let written = 0;
    let closed!: () => void;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    // At most 200 bytes, one per 50 ms (10 s): faster than the deadline, so only an idle timeout would never fire.
    const server = await listenOnLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const timer = setInterval(() => {
        if (written >= 200) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(' ');
        written++;
      }, 50);
      res.on('close', () => {
        clearInterval(timer);
        closed();
      });
    });
    try {
      const error = await requestSigninToken(getSigninTokenUrl(server.origin, GOOD), { timeoutMs: 400 }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'CONSOLE_SIGNIN_UNREACHABLE', message: expect.stringContaining('did not answer within 0.4 s') });
      await hungUp;
      expect(written).toBeLessThan(200);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('stops reading an answer past its size limit instead of draining it', async () => {
    const { listenOnLoopback } = await import('./loopback-server.js');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const total = 32 * 1024 * 1024;
    let written = 0;
    let closed!: () => void;
    const hungUp = new Promise<void>((resolve) => (closed = resolve));
    // Bounded (32 MiB), written only as fast as the client reads it.
    const server = await listenOnLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => closed());
      pump();
    });
    try {
      await expect(requestSigninToken(getSigninTokenUrl(server.origin, GOOD))).rejects.toMatchObject({ code: 'CONSOLE_SIGNIN_BAD_ANSWER' });
      await hungUp;
      expect(written).toBeLessThan(total);
    } finally {
      await server.close();
    }
  }, 30_000);

  it('refuses an answer without a SigninToken', async () => {
    const { listenOnLoopback } = await import('./loopback-server.js');
    const server = await listenOnLoopback((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"nope":1}'));
    try {
      await expect(requestSigninToken(getSigninTokenUrl(server.origin, GOOD))).rejects.toMatchObject({ code: 'CONSOLE_SIGNIN_BAD_ANSWER' });
    } finally {
      await server.close();
    }
  });
});
