import { describe, expect, it } from 'vitest';
import { partition as sdkPartition } from '@aws-sdk/core/client';
import { PARTITIONS, partitionOf } from '../../src/aws-names/partitions.js';
import { sagemakerArn } from '../../src/aws-names/arns.js';
import { imageUri } from '../../src/workflow/image-uris.js';

const REGIONS = [
  'us-east-1',
  'eu-west-1',
  'il-central-1',
  'mx-central-1',
  'cn-north-1',
  'cn-northwest-1',
  'us-gov-west-1',
  'us-gov-east-1',
  'us-iso-east-1',
  'us-isob-east-1',
  'us-isof-south-1',
  'eu-isoe-west-1',
  'eusc-de-east-1',
];

describe('partitions', () => {
  it.each(REGIONS)('%s resolves as the AWS SDK resolves it', (region) => {
    const sdk = sdkPartition(region);
    expect({ id: partitionOf(region).id, dnsSuffix: partitionOf(region).dnsSuffix }).toEqual({
      id: sdk.name,
      dnsSuffix: sdk.dnsSuffix,
    });
  });

  it('lists every partition the SDK knows', () => {
    for (const p of PARTITIONS) {
      const example = REGIONS.find((r) => partitionOf(r).id === p.id);
      expect(example, `a test region for ${p.id}`).toBeDefined();
    }
  });

  it("builds ARNs and image hosts in the region's partition", () => {
    expect(sagemakerArn('us-gov-west-1', '123456789012', 'endpoint', 'My-EP')).toBe(
      'arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:endpoint/my-ep',
    );
    expect(sagemakerArn('us-iso-east-1', '123456789012', 'model', 'm')).toBe(
      'arn:aws-iso:sagemaker:us-iso-east-1:123456789012:model/m',
    );
    expect(imageUri('linear-learner', 'us-iso-east-1')).toBe(
      '490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/linear-learner:1',
    );
    expect(imageUri('linear-learner', 'us-isob-east-1')).toMatch(/\.dkr\.ecr\.us-isob-east-1\.sc2s\.sgov\.gov\//);
    expect(imageUri('linear-learner', 'cn-north-1')).toMatch(/\.dkr\.ecr\.cn-north-1\.amazonaws\.com\.cn\//);
    expect(imageUri('linear-learner', 'us-east-1')).toMatch(/\.dkr\.ecr\.us-east-1\.amazonaws\.com\//);
  });
});
