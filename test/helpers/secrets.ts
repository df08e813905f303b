/** The leak check shared by the end-to-end tests: nothing secret may reach stdout or stderr. */
import { expect } from 'vitest';
import type { RunResult } from './cli.js';

/**
 * Fails if stdout or stderr contains any of `secrets` (the password, keys and tokens; empty strings are
 * ignored) or anything that looks like a SAMLResponse: it is kilobytes of base64, and "<samlp:" encodes
 * to "PHNhbWxw".
 */
export function expectNoSecrets(result: RunResult, secrets: Iterable<string>): void {
  const output = `${result.stdout}\n${result.stderr}`;
  for (const secret of secrets) {
    if (secret !== '') expect(output).not.toContain(secret);
  }
  expect(output).not.toMatch(/[A-Za-z0-9+/=]{200,}/);
  expect(output).not.toContain('PHNhbWxw');
}
