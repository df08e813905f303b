/**
 * Duo in a real terminal (tmux): after the password, awsfed asks which Duo factor to use (Duo's
 * preferred one first), then the passcode, masked; the Universal Prompt flow then ends in credentials.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCa } from '../src/emulator/certs.js';
import { DEMO_USER, demoUser, startDemoEnvironment, type DemoEnvironment } from '../src/emulator/demo-environment.js';
import { DUO_EMULATOR_PASSCODE, startDuoEmulator, type DuoEmulator } from '../src/emulator/duo.js';
import { BIN, makeTempHome, type TempHome } from './helpers/cli.js';
import { requireTool } from './helpers/peers.js';
import { EXIT_MARK, startTmux, type TmuxTerminal } from './helpers/tmux.js';

let environment: DemoEnvironment | undefined;
let duo: DuoEmulator | undefined;
let home: TempHome | undefined;
let terminal: TmuxTerminal | undefined;

beforeEach(() => {
  requireTool('tmux');
});

afterEach(async () => {
  await terminal?.kill();
  await environment?.close();
  await duo?.close();
  await home?.cleanup();
  terminal = environment = duo = home = undefined;
});

describe('Duo at the terminal', () => {
  it('Universal Prompt: the factor list, then the passcode typed masked, then credentials', async () => {
    const ca = createTestCa();
    duo = await startDuoEmulator({ https: ca.issueServerCert(['127.0.0.1']) });
    environment = await startDemoEnvironment({ users: [demoUser({ mfaAdapter: 'DuoAdfsAdapter', duoFlow: 'universal' })], duo: duo.integration });
    home = await makeTempHome();
    const caFile = join(home.home, 'duo-ca.pem');
    await writeFile(caFile, ca.ca.certPem);
    terminal = await startTmux({
      command: [process.execPath, BIN, 'login', '--idp-url', environment.adfs.entryUrl, '--username', DEMO_USER.username, '--role', '*ReadOnly', '--ca-bundle', caFile],
      env: { ...home.env, AWS_ENDPOINT_URL_STS: environment.sts.url },
    });
    const t = terminal;
    await t.waitFor('the password prompt', /Password for alice@corp\.example:/);
    await t.type(DEMO_USER.password);
    await t.keys('Enter');

    const list = await t.waitFor('the Duo factor list', (s) => /Duo second factor/.test(s) && s.includes('Passcode (from Duo Mobile'));
    const order = ['Duo Push (approve on your phone)', 'Phone call', 'Passcode (from Duo Mobile'].map((label) => list.indexOf(label));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await t.keys('Down', 'Down', 'Enter');

    await t.waitFor('the passcode prompt', /Duo passcode/);
    await t.type(DUO_EMULATOR_PASSCODE);
    await t.waitFor('the masked passcode', (s) => s.includes('*'.repeat(DUO_EMULATOR_PASSCODE.length)));
    await t.keys('Enter');

    const screen = await t.waitFor('the program to exit', EXIT_MARK);
    expect(Number(EXIT_MARK.exec(screen)![1]), screen).toBe(0);
    expect(screen).not.toContain(DUO_EMULATOR_PASSCODE);
    expect(screen).not.toContain(DEMO_USER.password);
    expect(await home.read('credentials')).toMatch(/aws_access_key_id = ASIA/);
    const posted = duo.requests.find((r) => r.path === '/frame/v4/prompt');
    expect(posted?.fieldNames).toContain('passcode');
  });
});
