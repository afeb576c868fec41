/**
 * Validation of the data-location structures jobs take: InputDataConfig channels, S3 data
 * sources and output paths. The local cloud reads S3 through its own store, so beyond AWS's
 * pattern it insists on the s3:// form (AWS also accepts https:// object URLs).
 */
import { parseS3Uri } from '../../../aws-names/s3-uri.js';
import { S3_URI_PATTERN, validationError, Validator } from './validation.js';

const S3_DATA_TYPES = ['ManifestFile', 'S3Prefix', 'AugmentedManifestFile'];
export const COMPRESSION_TYPES = ['None', 'Gzip'];

export interface ChannelInput {
  name: string;
  source: { S3DataType: string; S3Uri: string };
  contentType?: string;
  compression?: string;
}

/** An S3 URI the local cloud can read: AWS's pattern, then the s3:// form. */
export function s3Uri(v: Validator, value: unknown, path: string, required = true): string | undefined {
  const uri = v.string(value, path, { required, max: 1024, pattern: S3_URI_PATTERN });
  return uri;
}

/** After Validator.check(): refuse what AWS would accept but the local cloud cannot read. */
export function requireS3Form(uri: string | undefined, field: string): void {
  if (uri !== undefined && !parseS3Uri(uri)) {
    throw validationError(
      `${field} '${uri}' must be an s3://bucket/key URI in the mme local cloud (https:// object URLs are not read).`,
    );
  }
}

export function readS3DataSource(v: Validator, value: unknown, path: string): { S3DataType: string; S3Uri: string } {
  const source = v.object(value, path, true) ?? {};
  const type = v.string(source.S3DataType, `${path}.s3DataType`, { required: true, enum: S3_DATA_TYPES }) ?? 'S3Prefix';
  const uri = s3Uri(v, source.S3Uri, `${path}.s3Uri`) ?? '';
  v.string(source.S3DataDistributionType, `${path}.s3DataDistributionType`, {
    enum: ['FullyReplicated', 'ShardedByS3Key'],
  });
  return { S3DataType: type, S3Uri: uri };
}

export function checkReadableSource(source: { S3DataType: string; S3Uri: string }, field: string): void {
  if (source.S3DataType === 'AugmentedManifestFile') {
    throw validationError(
      `${field}: S3DataType AugmentedManifestFile is not supported by the mme local cloud; use S3Prefix or ManifestFile.`,
    );
  }
  requireS3Form(source.S3Uri, `${field}.S3Uri`);
}

export function readChannels(v: Validator, value: unknown): ChannelInput[] {
  const list = v.list(value, 'inputDataConfig', { min: 1, max: 20 }) ?? [];
  return list.map((item, i) => {
    const at = `inputDataConfig.${i + 1}.member`;
    const channel = v.object(item, at, true) ?? {};
    const name =
      v.string(channel.ChannelName, `${at}.channelName`, {
        required: true,
        min: 1,
        max: 64,
        pattern: '[A-Za-z0-9\\.\\-_]+',
      }) ?? '';
    const dataSource = v.object(channel.DataSource, `${at}.dataSource`, true) ?? {};
    if (dataSource.FileSystemDataSource !== undefined) {
      v.fail(dataSource, `${at}.dataSource`, 'The mme local cloud reads channels from S3 only (S3DataSource)');
    }
    const source = readS3DataSource(v, dataSource.S3DataSource, `${at}.dataSource.s3DataSource`);
    const contentType = v.string(channel.ContentType, `${at}.contentType`, { max: 256 });
    const compression = v.string(channel.CompressionType, `${at}.compressionType`, { enum: COMPRESSION_TYPES });
    v.string(channel.InputMode, `${at}.inputMode`, { enum: ['Pipe', 'File', 'FastFile'] });
    v.string(channel.RecordWrapperType, `${at}.recordWrapperType`, { enum: ['None', 'RecordIO'] });
    return { name, source, contentType, compression };
  });
}

/** After check(): channel names unique, sources readable. */
export function checkChannels(channels: ChannelInput[]): void {
  const seen = new Set<string>();
  for (const c of channels) {
    if (seen.has(c.name))
      throw validationError(`Channel names must be unique: ${c.name} appears more than once in InputDataConfig.`);
    seen.add(c.name);
    checkReadableSource(c.source, `InputDataConfig channel ${c.name}`);
  }
}
