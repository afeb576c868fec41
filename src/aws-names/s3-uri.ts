/**
 * `s3://bucket/key` URIs as SageMaker's job and model APIs take them, for both sides. One
 * contract: parseS3Uri never throws; it answers undefined for anything that is not an s3:// URI,
 * and each caller turns that into its own error model (a ValidationException in the local cloud,
 * an MmeError on the client side) and decides whether a bare bucket (key '') will do.
 */

export interface S3Location {
  bucket: string;
  /** The key or key prefix; '' for the whole bucket. */
  key: string;
}

/** Parse `s3://bucket[/key]`; undefined for anything else. */
export function parseS3Uri(uri: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(uri);
  if (!match) return undefined;
  return { bucket: match[1]!, key: match[2] ?? '' };
}

/**
 * Join an output path and a relative key as SageMaker does for OutputDataConfig.S3OutputPath
 * and TransformOutput.S3OutputPath: exactly one '/' between them, whether or not the path
 * ends with one.
 */
export function joinS3Key(prefix: string, relative: string): string {
  if (prefix === '') return relative;
  return prefix.endsWith('/') ? prefix + relative : `${prefix}/${relative}`;
}
