/**
 * Value checks for settings. Each returns a problem phrased to follow "--flag 'value' (from X)",
 * or undefined when the value is fine. Pure, so the CLI's option parsers can reuse them.
 */

/** Commercial, China, GovCloud and ISO partitions all fit: us-east-1, cn-north-1, us-gov-west-1. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function regionProblem(value: string): string | undefined {
  return REGION.test(value) ? undefined : 'is not a region name like us-east-1';
}

/**
 * General-purpose bucket naming rules
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
 */
export function bucketNameProblem(value: string): string | undefined {
  if (value.length < 3 || value.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(value)) return 'may contain only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9]/.test(value) || !/[a-z0-9]$/.test(value)) return 'must begin and end with a letter or digit';
  if (value.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return 'must not look like an IP address';
  for (const reserved of ['xn--', 'sthree-', 'amzn-s3-demo-']) {
    if (value.startsWith(reserved)) return `must not start with the reserved prefix '${reserved}'`;
  }
  for (const reserved of ['-s3alias', '--ol-s3', '.mrap', '--x-s3']) {
    if (value.endsWith(reserved)) return `must not end with the reserved suffix '${reserved}'`;
  }
  return undefined;
}

/**
 * The S3 prefix under which multi-model artifacts live. ModelDataUrl is `s3://bucket/{prefix}/`
 * and TargetModel names are relative to it, so stray slashes would change every key.
 */
export function prefixProblem(value: string): string | undefined {
  if (value.startsWith('/') || value.endsWith('/')) return "must not begin or end with '/'";
  if (value.includes('//')) return "must not contain '//'";
  if (value.length > 512) return 'must be at most 512 characters long';
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return 'must not contain control characters or backslashes';
  return undefined;
}

/** An IAM role ARN in any partition, with an optional path: arn:aws:iam::123456789012:role/path/Name. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export function roleArnProblem(value: string): string | undefined {
  return ROLE_ARN.test(value) ? undefined : 'is not an IAM role ARN like arn:aws:iam::123456789012:role/Name';
}
