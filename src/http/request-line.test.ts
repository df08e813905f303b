import { describe, expect, it } from 'vitest';
import { failedOutcome, requestLine } from './request-line.js';

describe('requestLine', () => {
  it('names method, host (with a port) and path, the outcome and the reason; never the query or fragment', () => {
    expect(requestLine({ method: 'GET', url: 'https://signin.aws.amazon.com/federation?Action=getSigninToken&Session=%7B%22sessionKey%22%7D#x', reason: 'r' }, 200)).toBe(
      'request: GET signin.aws.amazon.com/federation -> 200 (r)',
    );
    expect(requestLine({ method: 'POST', url: 'http://127.0.0.1:4566/', reason: 'STS AssumeRole' }, failedOutcome('ECONNREFUSED'))).toBe(
      'request: POST 127.0.0.1:4566/ -> failed: ECONNREFUSED (STS AssumeRole)',
    );
  });

  it('an unparsable URL still loses its query', () => {
    expect(requestLine({ method: 'GET', url: 'not a url?code=123456', reason: 'r' }, '302')).toBe('request: GET not a url -> 302 (r)');
  });
});
