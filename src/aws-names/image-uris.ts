/**
 * Container image URIs, both ways, from the table in image-uri-table.ts: building them as the
 * SageMaker Python SDK's `image_uris.retrieve` does, `{account}.dkr.ecr.{region}.{dnsSuffix}/{repo}:{tag}`
 * with the DNS suffix of the region's partition (`.amazonaws.com.cn` in China, `.c2s.ic.gov` in
 * us-iso-*, ...: partitions.ts), and recognising them: which image a URI names, from any registry
 * account and region (the repository and tag are what identify it). Pure, and no errors of its
 * own: the workflow (src/workflow/image-uris.ts) and the local cloud
 * (src/local/jobs/images.ts) each say no in their own error model.
 */
import { IMAGES, type ImageEntry } from './image-uri-table.js';
import { PARTITIONS, partitionOf } from './partitions.js';

export type ImageAlgorithm = keyof typeof IMAGES;
/** Training jobs and models (hosting, batch transform) may support different framework versions. */
export type ImageScope = 'training' | 'inference';

/** The image's registry account in `region`, or undefined where it is not published. */
export function imageRegistry(algorithm: ImageAlgorithm, region: string): string | undefined {
  return IMAGES[algorithm].registries[region];
}

/** The tag of `version` of an image (most images write every version's tag the same way). */
function tagOf(entry: ImageEntry, version: string): string {
  return (entry.tagFormats?.[version] ?? entry.tagFormat).replace('{version}', version);
}

const allVersions = (entry: ImageEntry) => [...new Set([...entry.versions.training, ...entry.versions.inference])];

export function formatImageUri(algorithm: ImageAlgorithm, account: string, region: string, version: string): string {
  const entry = IMAGES[algorithm];
  return `${account}.dkr.ecr.${region}.${partitionOf(region).dnsSuffix}/${entry.repository}:${tagOf(entry, version)}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const DNS_SUFFIXES = [...new Set(PARTITIONS.map((p) => p.dnsSuffix))]
  .sort((a, b) => b.length - a.length)
  .map(escape)
  .join('|');
const ECR = new RegExp(
  `^(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.(?:${DNS_SUFFIXES})\\/([a-z0-9._/-]+?)(?::([\\w.-]+))?(?:@sha256:[0-9a-f]{64})?$`,
);

export interface ParsedImageUri {
  algorithm: ImageAlgorithm;
  /** The version its tag names (the default version for an alias tag). */
  version: string;
  account: string;
  region: string;
}

/**
 * The image an ECR URI names, if it is one of the table's with a version that has an image in
 * either scope; undefined for anything else. No tag reads as `latest`, as Docker reads it.
 */
export function parseImageUri(uri: string): ParsedImageUri | undefined {
  const match = ECR.exec(uri);
  if (!match) return undefined;
  const [, account, region, repository, tag = 'latest'] = match as unknown as [string, string, string, string, string?];
  for (const algorithm of Object.keys(IMAGES) as ImageAlgorithm[]) {
    const entry: ImageEntry = IMAGES[algorithm];
    if (entry.repository !== repository) continue;
    if (entry.aliasTags?.includes(tag)) return { algorithm, version: entry.defaultVersion, account, region };
    const version = allVersions(entry).find((v) => tagOf(entry, v) === tag);
    return version === undefined ? undefined : { algorithm, version, account, region };
  }
  return undefined;
}

/** `{account}.dkr.ecr.{region}.amazonaws.com/{repo}:{tag1|tag2|…}`, for messages. */
export function imageUriPattern(algorithm: ImageAlgorithm): string {
  const entry: ImageEntry = IMAGES[algorithm];
  const versions = allVersions(entry);
  // One pattern per tag format, so every tag the image has is spelled out.
  const byFormat = new Map<string, string[]>();
  for (const v of versions) {
    const format = entry.tagFormats?.[v] ?? entry.tagFormat;
    byFormat.set(format, [...(byFormat.get(format) ?? []), v]);
  }
  const tags = [...byFormat].map(([format, vs]) =>
    format.replace('{version}', vs.length === 1 ? vs[0]! : `{${vs.join('|')}}`),
  );
  const tag = tags.length === 1 ? tags[0]! : `{${tags.join('|')}}`;
  return `{account}.dkr.ecr.{region}.amazonaws.com/${entry.repository}:${tag}`;
}
