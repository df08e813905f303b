import { describe, expect, it } from 'vitest';
import { browserCommand, formatConsoleResult } from './console.js';

const URL_ = "https://signin.aws.amazon.com/federation?Action=login&Issuer=awsfed&Destination=x&SigninToken=a'b";

describe('browserCommand', () => {
  it.each([
    [{}, 'linux', `xdg-open 'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsfed&Destination=x&SigninToken=a'\\''b'`],
    [{}, 'darwin', `open 'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsfed&Destination=x&SigninToken=a'\\''b'`],
    [{}, 'win32', `start "" "https://signin.aws.amazon.com/federation?Action=login^&Issuer=awsfed^&Destination=x^&SigninToken=a'b"`],
    [{ BROWSER: 'firefox --new-tab' }, 'linux', `firefox --new-tab 'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsfed&Destination=x&SigninToken=a'\\''b'`],
    [{ BROWSER: 'chromium %s --incognito' }, 'linux', `chromium 'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsfed&Destination=x&SigninToken=a'\\''b' --incognito`],
  ])('%j on %s', (env, platform, expected) => {
    expect(browserCommand(URL_, env, platform)).toBe(expected);
  });
});

describe('formatConsoleResult', () => {
  it('--print: the URL alone on stdout, notes on stderr', () => {
    expect(formatConsoleResult({ mode: 'print', profile: 'p', url: 'https://x', notes: [] })).toEqual({ stdout: 'https://x\n' });
    expect(formatConsoleResult({ mode: 'print', profile: 'p', url: 'https://x', notes: ['n'] })).toEqual({ stdout: 'https://x\n', stderr: 'note: n\n' });
  });

  it('opened: one line on stderr, nothing on stdout', () => {
    expect(formatConsoleResult({ mode: 'opened', profile: 'prod', notes: [] })).toEqual({
      stderr: 'Opened the AWS console as prod in your browser (the sign-in link works for 15 minutes).\n',
    });
  });
});
