/** A hand-built ServiceCall for S3 handler tests (no port, no signing). */
import { parseQuery, type LocalRequest, type LocalResponse } from '../../src/local/http.js';
import type { LocalService, ServiceCall } from '../../src/local/service.js';
import { ServiceError } from '../../src/local/service-error.js';

export interface Authorization {
  action: string;
  resource: string;
  context?: Record<string, string | string[] | undefined>;
}

export function s3Call(
  method: string,
  target: string,
  options: { headers?: Record<string, string>; body?: Buffer | string; authorizations?: Authorization[] } = {},
): ServiceCall {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? '' : target.slice(q + 1);
  const request: LocalRequest = {
    method,
    rawPath,
    rawQuery,
    query: parseQuery(rawQuery),
    headers: { host: '127.0.0.1:4566', ...options.headers },
    body: typeof options.body === 'string' ? Buffer.from(options.body) : (options.body ?? Buffer.alloc(0)),
    receivedAt: new Date(),
  };
  return {
    request,
    principal: {
      kind: 'root',
      arn: 'arn:aws:iam::123456789012:root',
      accountId: '123456789012',
      accessKeyId: 'AKIDLOCAL',
      userId: '123456789012',
    },
    region: 'us-east-1',
    requestId: 'REQ1',
    authorize(action, resource, context) {
      options.authorizations?.push({ action, resource, context });
    },
  };
}

/** handle() the way the app does: a thrown ServiceError becomes the protocol's error reply. */
export async function send(service: LocalService, call: ServiceCall): Promise<LocalResponse & { text: string }> {
  let response: LocalResponse;
  try {
    response = await service.handle(call);
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    response = service.protocol.formatError(err, call.requestId, call.request);
  }
  const body = response.body;
  let text = '';
  if (typeof body === 'string') text = body;
  else if (Buffer.isBuffer(body)) text = body.toString('latin1');
  else if (body) {
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('latin1');
  }
  return { ...response, text };
}

/** Frame `chunks` as aws-chunked with an optional trailer and chunk extensions. */
export function awsChunked(
  chunks: Buffer[],
  trailers: Record<string, string> = {},
  extension?: (i: number) => string,
): Buffer {
  const parts: Buffer[] = [];
  [...chunks, Buffer.alloc(0)].forEach((c, i) => {
    parts.push(Buffer.from(`${c.length.toString(16)}${extension ? `;${extension(i)}` : ''}\r\n`), c);
    if (c.length > 0) parts.push(Buffer.from('\r\n'));
  });
  for (const [name, value] of Object.entries(trailers)) parts.push(Buffer.from(`${name}:${value}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}
