/**
 * The node:http adapter around the app: read the request fully, hand it over, write the answer.
 * Listens on 127.0.0.1 only: the local cloud holds an account's root keys and is for this
 * machine alone.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import type { App } from './app.js';
import { parseQuery, type LocalRequest, type LocalResponse } from './http.js';

/**
 * The largest request body the local cloud reads. S3 allows 5 GiB in one PUT; the SDKs switch
 * to multipart long before that, and a local emulator holding 5 GiB in memory helps nobody.
 */
const MAX_BODY_BYTES = 1024 * 1024 * 1024;

export const HEALTH_PATH = '/__mme/health';

export interface ListenOptions {
  port: number;
  host?: string;
}

export interface RunningServer {
  server: Server;
  port: number;
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Read the whole body, then `done(body)`; `done(undefined)` when it is over MAX_BODY_BYTES (the
 * request is destroyed). Callbacks rather than a promise: this runs once per request.
 */
function readBody(req: IncomingMessage, done: (body: Buffer | undefined) => void, fail: (err: unknown) => void): void {
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  let over = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      over = true;
      done(undefined);
      req.destroy();
      return;
    }
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
  req.on('end', () => {
    if (!over) done(chunks ? Buffer.concat(chunks) : (first ?? EMPTY_BODY));
  });
  req.on('error', fail);
}

const EMPTY_BODY = Buffer.alloc(0);

function toLocalRequest(req: IncomingMessage, body: Buffer, receivedAt: Date): LocalRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const rawQuery = q < 0 ? '' : url.slice(q + 1);
  // node's own header object (lower-cased names, repeats already joined), used as it is: only
  // set-cookie comes as an array, joined here as before.
  const headers = req.headers as Record<string, string>;
  const cookies = req.headers['set-cookie'];
  if (cookies !== undefined) headers['set-cookie'] = cookies.join(',');
  return {
    method: req.method ?? 'GET',
    rawPath,
    rawQuery,
    query: rawQuery === '' ? {} : parseQuery(rawQuery),
    headers,
    body,
    receivedAt,
  };
}

function send(res: ServerResponse, response: LocalResponse): void {
  const body = response.body;
  if (body instanceof Readable) {
    res.writeHead(response.status, response.headers);
    // pipeline, not pipe: a client that disconnects mid-download must close the file too.
    pipeline(body, res, () => {});
    return;
  }
  const headers = { ...response.headers };
  const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  if (payload && headers['content-length'] === undefined) headers['content-length'] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

export function listen(
  app: App,
  options: ListenOptions & { onError?: (err: unknown) => void },
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    if (req.url === HEALTH_PATH && req.method === 'GET') {
      send(res, {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ service: 'mme-local-cloud', pid: process.pid }),
      });
      req.resume();
      return;
    }
    const fail = (err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) send(res, { status: 500, headers: {}, body: 'Internal error' });
      else res.destroy();
    };
    readBody(
      req,
      (body) => {
        if (body === undefined) {
          send(res, { status: 413, headers: { connection: 'close' }, body: 'Request body too large' });
          return;
        }
        const reply = (response: LocalResponse) => {
          try {
            send(res, response);
          } catch (err) {
            fail(err);
          }
        };
        let answer: LocalResponse | Promise<LocalResponse>;
        try {
          answer = app(toLocalRequest(req, body, new Date()));
        } catch (err) {
          fail(err);
          return;
        }
        if (answer instanceof Promise) answer.then(reply, fail);
        else reply(answer);
      },
      fail,
    );
  });
  // SDK clients pool sockets without an idle limit of their own: a server that drops an idle
  // socket just as a client reuses it makes a "socket hang up". 65 s outlasts the usual idle
  // gaps (the convention behind AWS load balancers' 60 s); headersTimeout must exceed it.
  // close() ends every connection itself, so long-lived sockets never hold a shutdown open.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        endpoint: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
