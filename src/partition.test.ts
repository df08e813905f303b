import { describe, expect, it } from 'vitest';
import { partitionOfArn, partitionOfRegion, stsRegionFor } from './partition.js';

describe('partitions', () => {
  it('knows the partition of a region and of an ARN', () => {
    expect(partitionOfRegion('eu-west-1')).toBe('aws');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfArn('arn:aws-cn:iam::111111111111:role/A')).toBe('aws-cn');
    expect(partitionOfArn(undefined)).toBe('aws');
  });
  it('keeps a region of the right partition, else uses the partition default', () => {
    expect(stsRegionFor('aws', 'eu-west-1')).toBe('eu-west-1');
    expect(stsRegionFor('aws-cn', 'eu-west-1')).toBe('cn-north-1');
    expect(stsRegionFor('aws-us-gov', undefined)).toBe('us-gov-west-1');
    expect(stsRegionFor('aws', 'cn-north-1')).toBe('us-east-1');
  });
});
