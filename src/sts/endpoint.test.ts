import { describe, expect, it } from 'vitest';
import { stsEndpointUrl } from './endpoint.js';

describe('stsEndpointUrl', () => {
  it.each([
    ['eu-west-1', undefined, 'https://sts.eu-west-1.amazonaws.com'],
    ['us-gov-west-1', undefined, 'https://sts.us-gov-west-1.amazonaws.com'],
    ['cn-north-1', undefined, 'https://sts.cn-north-1.amazonaws.com.cn'],
    ['cn-northwest-1', undefined, 'https://sts.cn-northwest-1.amazonaws.com.cn'],
    ['eu-west-1', 'http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
    ['cn-north-1', 'https://sts.example.test', 'https://sts.example.test'],
  ])('%s with endpoint %s -> %s', (region, endpoint, url) => expect(stsEndpointUrl(region, endpoint)).toBe(url));
});
