/**
 * How batch transform cuts an input object into requests and puts the answers back together
 * (TransformInput.SplitType, BatchStrategy, MaxPayloadInMB, TransformOutput.AssembleWith).
 *
 * - SplitType None: the whole object is one request.
 * - SplitType Line: records are lines. SingleRecord sends one record a request; MultiRecord packs
 *   as many whole records as fit in MaxPayloadInMB. A record larger than the limit fails the job,
 *   as on AWS ("payload ... exceeds MaxPayloadInMB").
 * - AssembleWith Line puts a newline after each response that lacks one; None concatenates.
 */
export class PayloadTooLarge extends Error {}

function limitError(size: number, maxBytes: number, what: string): PayloadTooLarge {
  return new PayloadTooLarge(
    `${what} is ${size} bytes, more than MaxPayloadInMB allows (${maxBytes / (1024 * 1024)} MB); ` +
      'split the input (SplitType Line) or raise MaxPayloadInMB',
  );
}

export function splitRequests(
  data: Uint8Array,
  options: { splitType: 'None' | 'Line'; batchStrategy: 'MultiRecord' | 'SingleRecord'; maxPayloadBytes: number },
): Uint8Array[] {
  const max = options.maxPayloadBytes > 0 ? options.maxPayloadBytes : Number.POSITIVE_INFINITY;
  if (options.splitType === 'None') {
    if (data.byteLength > max) throw limitError(data.byteLength, max, 'The input object');
    return data.byteLength === 0 ? [] : [data];
  }
  // Records keep their line end; blank lines are not records.
  const records: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= data.byteLength; i++) {
    if (i === data.byteLength || data[i] === 0x0a) {
      const end = i === data.byteLength ? i : i + 1;
      const record = data.subarray(start, end);
      if (Buffer.from(record).toString('utf8').trim() !== '') records.push(record);
      start = end;
    }
  }
  for (const r of records) if (r.byteLength > max) throw limitError(r.byteLength, max, 'A record');
  if (options.batchStrategy === 'SingleRecord') return records;
  const batches: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let size = 0;
  for (const r of records) {
    if (size + r.byteLength > max && current.length > 0) {
      batches.push(Buffer.concat(current));
      current = [];
      size = 0;
    }
    current.push(r);
    size += r.byteLength;
  }
  if (current.length > 0) batches.push(Buffer.concat(current));
  return batches;
}

export function assembleResponses(responses: string[], assembleWith: 'None' | 'Line'): string {
  if (assembleWith === 'None') return responses.join('');
  return responses.map((r) => (r.endsWith('\n') ? r : r + '\n')).join('');
}
