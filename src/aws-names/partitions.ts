/**
 * AWS partitions: which partition a region belongs to and the DNS suffix of its service hosts.
 * Written once here for both sides (ARNs, image hosts). The table is the data the AWS SDKs
 * resolve endpoints with (the `partitions.json` of the SDKs' shared endpoint rules, which
 * @aws-sdk/core ships as `partition(region)`); test/aws-names/partitions.test.ts compares the
 * two, so a new partition in the SDK shows up as a failing test rather than a wrong host.
 * Kept as a small table instead of importing the SDK's resolver so that pure modules (and
 * `mme --help`) load no SDK code.
 */
export interface Partition {
  /** The ARN partition: aws, aws-cn, aws-us-gov, aws-iso, ... */
  readonly id: string;
  /** Service hosts end in it: `{account}.dkr.ecr.{region}.{dnsSuffix}`. */
  readonly dnsSuffix: string;
  readonly regionRegex: RegExp;
}

export const PARTITIONS: readonly Partition[] = [
  { id: 'aws', dnsSuffix: 'amazonaws.com', regionRegex: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/ },
  { id: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', regionRegex: /^cn-\w+-\d+$/ },
  { id: 'aws-eusc', dnsSuffix: 'amazonaws.eu', regionRegex: /^eusc-(de)-\w+-\d+$/ },
  { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', regionRegex: /^us-iso-\w+-\d+$/ },
  { id: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', regionRegex: /^us-isob-\w+-\d+$/ },
  { id: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', regionRegex: /^eu-isoe-\w+-\d+$/ },
  { id: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', regionRegex: /^us-isof-\w+-\d+$/ },
  { id: 'aws-us-gov', dnsSuffix: 'amazonaws.com', regionRegex: /^us-gov-\w+-\d+$/ },
];

/**
 * The partition of `region`. Like the SDKs, an unknown region falls back to the commercial
 * partition. The more specific patterns are tried first: `us-gov-west-1` and `us-iso-east-1`
 * would also match the commercial pattern (`us-\w+-\d+`).
 */
export function partitionOf(region: string): Partition {
  const specific = PARTITIONS.find((p) => p.id !== 'aws' && p.regionRegex.test(region));
  return specific ?? PARTITIONS[0]!;
}

export function partitionIdOf(region: string): string {
  return partitionOf(region).id;
}
