/**
 * The three faiss indexes the k-NN container offers (`index_type`), written for mme
 * (docs/aws-behaviour.md#k-nn). Vectors are stored as float32, as faiss stores them; sums run
 * in float64.
 *
 * - faiss.Flat (IndexFlatL2 / IndexFlatIP): exact; every stored vector is compared.
 * - faiss.IVFFlat: a k-means coarse quantizer of `nlist` centroids; each vector is kept in the
 *   list of its nearest centroid; a query scans the `nprobe` lists whose centroids are nearest.
 * - faiss.IVFPQ: the same lists, but each vector stored as `m` one-byte codes of its residual
 *   (vector − centroid) under a product quantizer (per sub-space a k-means codebook of
 *   min(256, n) centroids); a query's distances come from per-list lookup tables, so they are
 *   approximate (faiss's by_residual IVFPQ with 8-bit codes).
 *
 * "distances" are what faiss returns: squared L2 for L2 (ascending), inner products for
 * INNER_PRODUCT and COSINE (descending: the most similar first). Ties rank the lower id first.
 */
import { ownBuffer } from '../bytes.js';
import { createRandom } from '../random.js';
import { kmeans, nearestCentroid } from './kmeans.js';

type IndexKind = 'faiss.Flat' | 'faiss.IVFFlat' | 'faiss.IVFPQ';
type FaissMetric = 'L2' | 'IP';

export interface VectorIndex {
  kind: IndexKind;
  metric: FaissMetric;
  dim: number;
  ntotal: number;
  /** Flat: all vectors by id. IVFFlat: vectors in list order. Empty for IVFPQ. */
  vectors: Float32Array;
  /** IVF only. */
  nlist: number;
  nprobe: number;
  centroids: Float32Array;
  /** listOffsets[c]..listOffsets[c+1] are list c's slots; ids[slot] is the vector's id. */
  listOffsets: Uint32Array;
  ids: Uint32Array;
  /** IVFPQ only: m sub-quantizers of ksub centroids of dim/m components; codes[slot*m + s]. */
  m: number;
  ksub: number;
  codebooks: Float32Array;
  codes: Uint8Array;
}

export interface Neighbours {
  /** As faiss reports them (see above), best first. */
  distances: number[];
  ids: number[];
}

export interface BuildOptions {
  kind: IndexKind;
  metric: FaissMetric;
  nlist: number;
  nprobe: number;
  m: number;
  seed: number;
}

function empty(kind: IndexKind, metric: FaissMetric, dim: number, ntotal: number): VectorIndex {
  return {
    kind,
    metric,
    dim,
    ntotal,
    vectors: new Float32Array(0),
    nlist: 0,
    nprobe: 0,
    centroids: new Float32Array(0),
    listOffsets: new Uint32Array(0),
    ids: new Uint32Array(0),
    m: 0,
    ksub: 0,
    codebooks: new Float32Array(0),
    codes: new Uint8Array(0),
  };
}

/** Index the `n` rows of `x` (row-major, n × dim; ids are row numbers). */
export function buildIndex(x: Float32Array, n: number, dim: number, o: BuildOptions): VectorIndex {
  const index = empty(o.kind, o.metric, dim, n);
  if (o.kind === 'faiss.Flat') {
    index.vectors = x.slice(0, n * dim);
    return index;
  }
  const random = createRandom(o.seed);
  const nlist = Math.min(o.nlist, n);
  index.nlist = nlist;
  index.nprobe = Math.min(o.nprobe, nlist);
  index.centroids = kmeans(x, n, dim, nlist, random);
  const list = new Int32Array(n);
  for (let i = 0; i < n; i++) list[i] = coarseRank(index, x, i * dim)[0]!;
  const counts = new Uint32Array(nlist + 1);
  for (let i = 0; i < n; i++) counts[list[i]! + 1]!++;
  for (let c = 0; c < nlist; c++) counts[c + 1]! += counts[c]!;
  index.listOffsets = counts;
  const fill = counts.slice(0, nlist);
  index.ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) index.ids[fill[list[i]!]!++] = i;
  if (o.kind === 'faiss.IVFFlat') {
    index.vectors = new Float32Array(n * dim);
    for (let s = 0; s < n; s++) index.vectors.set(x.subarray(index.ids[s]! * dim, index.ids[s]! * dim + dim), s * dim);
    return index;
  }
  // IVFPQ: residuals, then one codebook per sub-space.
  const m = o.m;
  const dsub = dim / m;
  const ksub = Math.min(256, n);
  index.m = m;
  index.ksub = ksub;
  const residuals = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = list[i]!;
    for (let j = 0; j < dim; j++) residuals[i * dim + j] = x[i * dim + j]! - index.centroids[c * dim + j]!;
  }
  index.codebooks = new Float32Array(m * ksub * dsub);
  index.codes = new Uint8Array(n * m);
  const sub = new Float32Array(n * dsub);
  for (let s = 0; s < m; s++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < dsub; j++) sub[i * dsub + j] = residuals[i * dim + s * dsub + j]!;
    const book = kmeans(sub, n, dsub, ksub, random);
    index.codebooks.set(book, s * ksub * dsub);
    for (let slot = 0; slot < n; slot++) {
      const id = index.ids[slot]!;
      index.codes[slot * m + s] = nearestCentroid(sub, id * dsub, book, ksub, dsub);
    }
  }
  return index;
}

/** Lists ordered by how close their centroid is to the query (best first). */
function coarseRank(index: VectorIndex, q: ArrayLike<number>, off: number): number[] {
  const { nlist, dim, centroids } = index;
  const score = new Float64Array(nlist);
  for (let c = 0; c < nlist; c++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const a = q[off + j]!;
      const b = centroids[c * dim + j]!;
      s += index.metric === 'L2' ? (a - b) * (a - b) : -a * b;
    }
    score[c] = s;
  }
  return Array.from({ length: nlist }, (_, c) => c).sort((a, b) => score[a]! - score[b]! || a - b);
}

/**
 * Keeps the k best (lowest rank value, then lowest id) seen so far, sorted.
 * The rank value is the squared distance for L2 and minus the inner product for IP.
 */
class TopK {
  readonly rank: Float64Array;
  readonly ids: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.rank = new Float64Array(k).fill(Infinity);
    this.ids = new Int32Array(k).fill(-1);
  }
  offer(r: number, id: number): void {
    const k = this.k;
    if (this.size === k && (r > this.rank[k - 1]! || (r === this.rank[k - 1]! && id > this.ids[k - 1]!))) return;
    let i = this.size < k ? this.size++ : k - 1;
    while (i > 0 && (this.rank[i - 1]! > r || (this.rank[i - 1] === r && this.ids[i - 1]! > id))) {
      this.rank[i] = this.rank[i - 1]!;
      this.ids[i] = this.ids[i - 1]!;
      i--;
    }
    this.rank[i] = r;
    this.ids[i] = id;
  }
  worst(): number {
    return this.size < this.k ? Infinity : this.rank[this.k - 1]!;
  }
}

/**
 * The k nearest stored vectors to q (dim values of q from `off`). Fewer when the index, or for
 * IVF the probed lists, hold fewer (faiss pads with id −1; mme answers with what it found).
 */
export function search(index: VectorIndex, q: ArrayLike<number>, off: number, k: number): Neighbours {
  const top = new TopK(Math.min(k, index.ntotal));
  const { dim } = index;
  const query = new Float64Array(dim);
  for (let j = 0; j < dim; j++) query[j] = q[off + j]!;
  if (index.kind === 'faiss.Flat') {
    scanVectors(index, query, index.vectors, 0, index.ntotal, undefined, top);
  } else {
    const lists = coarseRank(index, query, 0).slice(0, index.nprobe);
    for (const c of lists) {
      const from = index.listOffsets[c]!;
      const to = index.listOffsets[c + 1]!;
      if (index.kind === 'faiss.IVFFlat') scanVectors(index, query, index.vectors, from, to, index.ids, top);
      else scanPq(index, query, c, top);
    }
  }
  const distances: number[] = [];
  const ids: number[] = [];
  for (let i = 0; i < top.size; i++) {
    distances.push(index.metric === 'L2' ? top.rank[i]! : -top.rank[i]!);
    ids.push(top.ids[i]!);
  }
  return { distances, ids };
}

/**
 * The hot loop: rank values of slots from..to. For L2 a row is abandoned as soon as its partial
 * sum exceeds the current k-th best (every 8 components), which prunes most of the work.
 */
function scanVectors(
  index: VectorIndex,
  q: Float64Array,
  vectors: Float32Array,
  from: number,
  to: number,
  ids: Uint32Array | undefined,
  top: TopK,
): void {
  const dim = index.dim;
  let worst = top.worst();
  if (index.metric === 'L2') {
    for (let s = from; s < to; s++) {
      let r = 0;
      const vo = s * dim;
      let j = 0;
      while (j < dim) {
        const end = j + 8 < dim ? j + 8 : dim;
        for (; j < end; j++) {
          const t = q[j]! - vectors[vo + j]!;
          r += t * t;
        }
        if (r > worst) break;
      }
      if (r <= worst) {
        top.offer(r, ids ? ids[s]! : s);
        worst = top.worst();
      }
    }
    return;
  }
  for (let s = from; s < to; s++) {
    let r = 0;
    const vo = s * dim;
    for (let j = 0; j < dim; j++) r -= q[j]! * vectors[vo + j]!;
    if (r <= worst) {
      top.offer(r, ids ? ids[s]! : s);
      worst = top.worst();
    }
  }
}

function scanPq(index: VectorIndex, q: Float64Array, c: number, top: TopK): void {
  const { dim, m, ksub, codebooks, codes, centroids } = index;
  const dsub = dim / m;
  const table = new Float64Array(m * ksub);
  for (let s = 0; s < m; s++) {
    for (let j = 0; j < ksub; j++) {
      let d = 0;
      const bo = (s * ksub + j) * dsub;
      for (let t = 0; t < dsub; t++) {
        const comp = s * dsub + t;
        const diff = q[comp]! - centroids[c * dim + comp]! - codebooks[bo + t]!;
        d += diff * diff;
      }
      table[s * ksub + j] = d;
    }
  }
  let worst = top.worst();
  for (let slot = index.listOffsets[c]!; slot < index.listOffsets[c + 1]!; slot++) {
    let d = 0;
    for (let s = 0; s < m; s++) d += table[s * ksub + codes[slot * m + s]!]!;
    if (d <= worst) {
      top.offer(d, index.ids[slot]!);
      worst = top.worst();
    }
  }
}

// ---- model_algo-1: the index as bytes (layout in docs/aws-behaviour.md#k-nn) ----

const MAGIC = 'MMEKNNIX';
const KINDS: IndexKind[] = ['faiss.Flat', 'faiss.IVFFlat', 'faiss.IVFPQ'];
const HEADER_BYTES = 8 + 4 * 10;

export function writeIndex(index: VectorIndex): Uint8Array {
  const parts: ArrayBufferView[] = [
    index.vectors,
    index.centroids,
    index.listOffsets,
    index.ids,
    index.codebooks,
    index.codes,
  ];
  const size = HEADER_BYTES + parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  const fields = [
    1,
    KINDS.indexOf(index.kind),
    index.metric === 'L2' ? 0 : 1,
    index.dim,
    index.ntotal,
    index.nlist,
    index.nprobe,
    index.m,
    index.ksub,
    0,
  ];
  fields.forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  let at = HEADER_BYTES;
  for (const p of parts) {
    // Little-endian on every platform Node runs on; typed arrays are copied byte for byte.
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
    at += p.byteLength;
  }
  return out;
}

export function readIndex(bytes: Uint8Array): VectorIndex {
  if (bytes.length < HEADER_BYTES || String.fromCharCode(...bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('model_algo-1 is not an mme k-NN index');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const f = (i: number) => view.getUint32(8 + 4 * i, true);
  if (f(0) !== 1) throw new Error(`model_algo-1: unsupported index version ${f(0)}`);
  const kind = KINDS[f(1)];
  if (!kind) throw new Error(`model_algo-1: unknown index type ${f(1)}`);
  const index = empty(kind, f(2) === 0 ? 'L2' : 'IP', f(3), f(4));
  Object.assign(index, { nlist: f(5), nprobe: f(6), m: f(7), ksub: f(8) });
  const { dim, ntotal, nlist, m, ksub } = index;
  let at = HEADER_BYTES;
  const take = (bytesPer: number, count: number): Uint8Array => {
    const end = at + bytesPer * count;
    if (end > bytes.length) throw new Error('model_algo-1 is truncated');
    const slice = new Uint8Array(ownBuffer(bytes, at, end));
    at = end;
    return slice;
  };
  const f32 = (count: number) => new Float32Array(take(4, count).buffer);
  const u32 = (count: number) => new Uint32Array(take(4, count).buffer);
  index.vectors = f32(kind === 'faiss.IVFPQ' ? 0 : ntotal * dim);
  index.centroids = f32(nlist * dim);
  index.listOffsets = u32(kind === 'faiss.Flat' ? 0 : nlist + 1);
  index.ids = u32(kind === 'faiss.Flat' ? 0 : ntotal);
  index.codebooks = f32(m === 0 ? 0 : ksub * dim);
  index.codes = take(1, ntotal * m);
  if (at !== bytes.length) throw new Error('model_algo-1 has trailing bytes');
  return index;
}
