/**
 * The hash @smithy/signature-v4 takes (`sha256:` in its options), on node:crypto: sha256, or
 * hmac-sha256 when given a secret, as the SDK's Node runtime plugs it in. For the requests mme
 * signs without an SDK client (src/aws/local-extension.ts), the tests' hand-signed requests and
 * the bench. A leaf of its own: it belongs to neither the client side nor the local cloud (whose
 * verifier, src/local/auth/sigv4.ts, hashes with node:crypto directly).
 */
import { createHash, createHmac } from 'node:crypto';

type SourceData = string | ArrayBuffer | ArrayBufferView;

const bytes = (d: SourceData) =>
  typeof d === 'string'
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

export class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}
