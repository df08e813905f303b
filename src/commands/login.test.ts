import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../config/settings.js';
import type { Env, Flags } from '../config/settings.js';
import type { AppError } from '../errors.js';
import { checkProfileSettings } from './login.js';

const PROFILE = { value: 'corp', source: 'flag' as const };

function check(flags: Flags, env: Env, section?: Record<string, string>): AppError | undefined {
  try {
    checkProfileSettings(resolveSettings(flags, env, PROFILE, section), env);
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

describe('checkProfileSettings: region and output are checked before login writes them', () => {
  it.each([
    [{}, {}, undefined],
    [{ region: 'eu-west-1', output: 'yaml-stream' }, {}, undefined],
    [{}, { AWS_REGION: 'cn-north-1', AWS_DEFAULT_OUTPUT: 'table' }, undefined],
    [{}, {}, { region: 'us-gov-west-1', output: 'text' }],
  ] as Array<[Flags, Env, Record<string, string> | undefined]>)('accepts %j %j %j', (flags, env, section) => {
    expect(check(flags, env, section)).toBeUndefined();
  });

  it.each([
    [{ output: 'xml' }, {}, undefined, 'BAD_OUTPUT', '--output is "xml"'],
    [{ region: 'mars' }, {}, undefined, 'BAD_REGION', '--region is "mars"'],
    [{}, { AWS_DEFAULT_OUTPUT: 'xml' }, undefined, 'BAD_OUTPUT', 'AWS_DEFAULT_OUTPUT is "xml"'],
    [{}, { AWS_REGION: 'mars', AWS_DEFAULT_REGION: 'eu-west-1' }, undefined, 'BAD_REGION', 'AWS_REGION is "mars"'],
    [{}, { AWS_REGION: '', AWS_DEFAULT_REGION: 'mars' }, undefined, 'BAD_REGION', 'AWS_DEFAULT_REGION is "mars"'],
    [{}, {}, { region: 'mars' }, 'BAD_REGION', 'region of [profile corp] in ~/.aws/config is "mars"'],
    [{}, {}, { output: 'xml' }, 'BAD_OUTPUT', 'output of [profile corp] in ~/.aws/config is "xml"'],
  ] as Array<[Flags, Env, Record<string, string> | undefined, string, string]>)('refuses %j %j %j with %s', (flags, env, section, code, message) => {
    const error = check(flags, env, section);
    expect(error?.code).toBe(code);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toContain(message);
  });
});
