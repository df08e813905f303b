/**
 * Property tests (issue 6, item 12): the SAML decoder and parser, fed damaged real fixtures and arbitrary
 * strings, either return an assertion or throw a SamlError, and each case finishes under a generous
 * deadline (inputs are bounded in size, so this guards against hangs, not against slowness).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedArb, repeatAt, repeatSiteArb } from '../../test/helpers/mutate.js';
import { scalingRatio, thrown } from '../../test/helpers/scaling.js';
import { AppError, SamlError } from '../errors.js';
import { decodeSamlResponse, parseSamlResponse, parseSamlResponseXml } from './parse.js';
import { parseRoleValue } from './roles.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/saml');
const fixtures = readdirSync(FIXTURES).map((name) => readFileSync(join(FIXTURES, name), 'utf8'));
const DEADLINE_MS = 2000;

/** Runs `fn`; anything thrown must be a SamlError, and the run must end within the deadline. */
function onlySamlErrors(fn: () => unknown): void {
  const start = performance.now();
  try {
    fn();
  } catch (error) {
    if (!(error instanceof SamlError)) throw error;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toMatch(/^SAML_[A-Z_]+$/);
    expect(error.hint).toBeTruthy();
  }
  expect(performance.now() - start).toBeLessThan(DEADLINE_MS);
}

describe('SAML parser properties', () => {
  it('damaged fixtures: parseSamlResponseXml returns or throws a SamlError', () => {
    fc.assert(fc.property(mutatedArb(fixtures), (xml) => onlySamlErrors(() => parseSamlResponseXml(xml))), { numRuns: Number(process.env.AWSFED_PROPERTY_RUNS ?? 300) });
  });

  it('damaged fixtures, base64-encoded: parseSamlResponse returns or throws a SamlError', () => {
    fc.assert(
      fc.property(mutatedArb(fixtures), (xml) => onlySamlErrors(() => parseSamlResponse(Buffer.from(xml, 'utf8').toString('base64')))),
      { numRuns: Number(process.env.AWSFED_PROPERTY_RUNS ?? 100) },
    );
  });

  it('arbitrary strings: decodeSamlResponse and parseSamlResponse return or throw a SamlError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000, unit: 'binary' }), (text) => {
        onlySamlErrors(() => decodeSamlResponse(text));
        onlySamlErrors(() => parseSamlResponse(text));
        onlySamlErrors(() => parseSamlResponseXml(text));
      }),
      { numRuns: Number(process.env.AWSFED_PROPERTY_RUNS ?? 300) },
    );
  });

  it('arbitrary Role values: parseRoleValue returns a role or throws a SamlError', () => {
    const parts = fc.constantFrom('arn:', 'aws', 'aws-cn', ':iam::', '123456789012', ':role/', ':saml-provider/', '/', ',', ' ', 'a', ',arn:', '\n');
    const value = fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), fc.array(parts, { maxLength: 60 }).map((p) => p.join('')));
    fc.assert(fc.property(value, (v) => onlySamlErrors(() => parseRoleValue(v))), { numRuns: Number(process.env.AWSFED_PROPERTY_RUNS ?? 500) });
  });

  it('huge repeats: 8x the repeats of any snippet anywhere in a fixture costs well under 30x the time', () => {
    fc.assert(
      fc.property(repeatSiteArb(fixtures), (site) => {
        const inputs = new Map<number, string>();
        const work = (times: number): void => {
          if (!inputs.has(times)) inputs.set(times, repeatAt(site, times));
          thrown(() => parseSamlResponseXml(inputs.get(times) as string));
        };
        expect(scalingRatio(work, 1500)).toBeLessThan(30);
      }),
      { numRuns: Number(process.env.AWSFED_PROPERTY_RUNS ?? 25) },
    );
  });
});
