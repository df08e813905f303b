/**
 * AWS partitions, pure: which partition a region or ARN belongs to, and which region's STS serves a
 * partition when the configured region belongs to another one (a gateway in aws, a role in aws-cn).
 */
import type { Partition } from './saml/types.js';

export const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

const DEFAULT_REGION: Record<Partition, string> = { aws: 'us-east-1', 'aws-cn': 'cn-north-1', 'aws-us-gov': 'us-gov-west-1' };

export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function partitionOfArn(arn: string | undefined): Partition {
  const p = /^arn:(aws|aws-cn|aws-us-gov):/.exec(arn ?? '')?.[1];
  return (p as Partition | undefined) ?? 'aws';
}

/** The region whose STS to call for a role in `partition`: `region` when it is in that partition. */
export function stsRegionFor(partition: Partition, region: string | undefined): string {
  return region !== undefined && partitionOfRegion(region) === partition ? region : DEFAULT_REGION[partition];
}
