/**
 * The bytes of a PUT/POST body as the client meant them, with the integrity checks S3 applies.
 *
 * aws-chunked (`content-encoding: aws-chunked`, or `x-amz-content-sha256: STREAMING-…`) is how
 * SDKs send stream bodies: `hex-size[;chunk-signature=sig]\r\n data \r\n … 0[;…]\r\n` then
 * trailer lines (`x-amz-checksum-crc32:…`) and a blank line. The framing is stripped here and
 * never stored. Per-chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, sent by the AWS CLI)
 * are parsed and dropped WITHOUT verification: the app has verified the seed signature of the
 * request, but the signing key is not available to services. The content is still checked
 * against x-amz-decoded-content-length and any checksum.
 *
 * Checksums: `content-md5` and `x-amz-checksum-{crc32,sha1,sha256}` (header or trailer) are
 * verified. CRC32C and CRC64NVME are accepted unverified (Node has no implementation) and are
 * not kept; the store computes its own CRC32 of every object, so GetObject never returns a
 * checksum it has not computed.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { LocalRequest } from '../../http.js';
import { ServiceError } from '../../service-error.js';
import { crc32Base64 } from '../../store/files.js';

export interface Payload {
  data: Buffer;
  /** Checksums the client sent and we verified, by algorithm (crc32, sha1, sha256), base64. */
  checksums: Record<string, string>;
}

const VERIFIERS: Record<string, { label: string; bytes: number; compute(data: Buffer): string }> = {
  crc32: { label: 'CRC32', bytes: 4, compute: (d) => crc32Base64(crc32(d)) },
  sha1: { label: 'SHA1', bytes: 20, compute: (d) => createHash('sha1').update(d).digest('base64') },
  sha256: { label: 'SHA256', bytes: 32, compute: (d) => createHash('sha256').update(d).digest('base64') },
};
const UNVERIFIED = new Set(['crc32c', 'crc64nvme']);

const incompleteBody = (): ServiceError =>
  new ServiceError(
    'IncompleteBody',
    'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    400,
  );
const malformedChunk = (why: string): ServiceError =>
  new ServiceError('InvalidRequest', `Malformed aws-chunked body: ${why}.`, 400);
const malformedTrailer = (): ServiceError =>
  new ServiceError(
    'MalformedTrailerError',
    'The request contained trailing data that was not well-formed or did not conform to our published schema.',
    400,
  );

function isAwsChunked(request: LocalRequest): boolean {
  const encoding = request.headers['content-encoding'] ?? '';
  const sha = request.headers['x-amz-content-sha256'] ?? '';
  return sha.startsWith('STREAMING-') || encoding.split(',').some((e) => e.trim() === 'aws-chunked');
}

/** Strip aws-chunked framing. Returns the data and the trailer headers (names lower-cased). */
function decodeAwsChunked(body: Buffer): { data: Buffer; trailers: Record<string, string> } {
  const chunks: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw incompleteBody();
    const header = body.toString('latin1', pos, eol);
    const sizeHex = header.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeHex)) throw malformedChunk(`bad chunk header '${header.slice(0, 40)}'`);
    const size = Number.parseInt(sizeHex, 16);
    pos = eol + 2;
    if (size === 0) break;
    if (pos + size + 2 > body.length) throw incompleteBody();
    chunks.push(body.subarray(pos, pos + size));
    pos += size;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw malformedChunk('chunk data not followed by CRLF');
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  while (pos < body.length) {
    let eol = body.indexOf('\r\n', pos);
    if (eol < 0) eol = body.length; // tolerate a missing final CRLF
    const line = body.toString('latin1', pos, eol);
    pos = eol + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformedTrailer();
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { data: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), trailers };
}

function verifyChecksum(algorithm: string, claimed: string, data: Buffer): void {
  const verifier = VERIFIERS[algorithm]!;
  const raw = Buffer.from(claimed, 'base64');
  if (raw.length !== verifier.bytes || raw.toString('base64') !== claimed) {
    throw new ServiceError('InvalidRequest', `Value for x-amz-checksum-${algorithm} header is invalid.`, 400);
  }
  if (verifier.compute(data) !== claimed) {
    throw new ServiceError(
      'BadDigest',
      `The ${verifier.label} you specified did not match the calculated checksum.`,
      400,
    );
  }
}

function verifyContentMd5(claimed: string, data: Buffer): void {
  const raw = Buffer.from(claimed, 'base64');
  if (raw.length !== 16) throw new ServiceError('InvalidDigest', 'The Content-MD5 you specified was not valid.', 400);
  if (!createHash('md5').update(data).digest().equals(raw)) {
    throw new ServiceError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
  }
}

/** The request body, de-framed and verified. */
export function readPayload(request: LocalRequest): Payload {
  let data = request.body;
  const fields: Record<string, string> = { ...request.headers };
  if (isAwsChunked(request)) {
    const declared = request.headers['x-amz-decoded-content-length'];
    if (declared === undefined || !/^\d+$/.test(declared)) {
      throw new ServiceError('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
    }
    const decoded = decodeAwsChunked(request.body);
    if (decoded.data.length !== Number(declared)) throw incompleteBody();
    for (const name of (request.headers['x-amz-trailer'] ?? '').split(',').map((t) => t.trim().toLowerCase())) {
      if (name && decoded.trailers[name] === undefined) throw malformedTrailer();
    }
    Object.assign(fields, decoded.trailers);
    data = decoded.data;
  }
  const md5 = fields['content-md5'];
  if (md5 !== undefined) verifyContentMd5(md5, data);
  const checksums: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const algorithm = /^x-amz-checksum-([a-z0-9]+)$/.exec(name)?.[1];
    if (!algorithm || algorithm === 'mode' || algorithm === 'type' || algorithm === 'algorithm') continue;
    if (UNVERIFIED.has(algorithm)) continue;
    if (!VERIFIERS[algorithm])
      throw new ServiceError('InvalidRequest', `Unsupported checksum header x-amz-checksum-${algorithm}.`, 400);
    verifyChecksum(algorithm, value, data);
    checksums[algorithm] = value;
  }
  return { data, checksums };
}
