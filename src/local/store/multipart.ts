/**
 * CompleteMultipartUpload's checks, in the order S3 applies them, and the multipart ETag.
 * S3 (CompleteMultipartUpload, "Special errors"): parts listed in ascending order
 * (InvalidPartOrder), each uploaded with that ETag (InvalidPart), every part but the last at
 * least 5 MiB (EntityTooSmall). A part listed with a ChecksumCRC32 that is not the part's is
 * InvalidPart too. The object's ETag is the MD5 of the concatenated binary MD5s
 * of the listed parts, then `-{number of parts}`.
 */
import { createHash } from 'node:crypto';
import { ServiceError } from '../service-error.js';
import type { PartInfo } from './uploads.js';

export interface RequestedPart {
  partNumber: number;
  /** As the client sent it; quotes optional. */
  etag: string;
  /** The part's base64 CRC32, if the client listed it (lib-storage does). */
  checksumCRC32?: string;
}

const unquote = (etag: string): string => etag.trim().replace(/^"(.*)"$/, '$1');

export function completeParts(
  uploadId: string,
  uploaded: ReadonlyMap<number, PartInfo>,
  requested: RequestedPart[],
  minPartSize: number,
): { parts: PartInfo[]; etag: string } {
  if (requested.length === 0) {
    throw new ServiceError(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
      400,
    );
  }
  for (let i = 1; i < requested.length; i++) {
    if (requested[i]!.partNumber <= requested[i - 1]!.partNumber) {
      throw new ServiceError(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        400,
        { UploadId: uploadId },
      );
    }
  }
  const parts = requested.map((r) => {
    const part = uploaded.get(r.partNumber);
    const crcMismatch = r.checksumCRC32 !== undefined && part !== undefined && r.checksumCRC32 !== part.crc32;
    if (!part || unquote(part.etag) !== unquote(r.etag) || crcMismatch) {
      throw new ServiceError(
        'InvalidPart',
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
        { UploadId: uploadId, PartNumber: r.partNumber, ETag: r.etag },
      );
    }
    return part;
  });
  parts.slice(0, -1).forEach((part) => {
    if (part.size < minPartSize) {
      throw new ServiceError(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed object size.',
        400,
        {
          ProposedSize: part.size,
          MinSizeAllowed: minPartSize,
          PartNumber: part.partNumber,
          ETag: part.etag,
        },
      );
    }
  });
  const md5s = Buffer.concat(parts.map((p) => Buffer.from(unquote(p.etag), 'hex')));
  return { parts, etag: `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"` };
}
