/**
 * The console's HTTP server: 127.0.0.1 only, every request checked by security.ts, then the page,
 * its assets (all in the package: src/console/assets and uPlot from node_modules, no CDN) or one
 * JSON route of data.ts. The page polls the GET routes; the one action, an invocation, is a POST.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { UsageError, fromAwsError } from '../errors.js';
import type { ConsoleData } from './data.js';
import { TOKEN_HEADER, TOKEN_QUERY, checkAccess, newToken, ownHosts, tokenCookie } from './security.js';

/** The same path from src/console (tests, tsx) and from dist/console (the package): both sit two levels down. */
const ASSETS = new URL('../../src/console/assets/', import.meta.url);
const require = createRequire(import.meta.url);

const TYPES = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** Everything the page may load, read once at start: a missing file fails `mme console` at once. */
function loadAssets(): Map<string, { type: string; body: Buffer }> {
  const own = (name: string) => readFileSync(new URL(name, ASSETS));
  return new Map([
    ['/assets/app.js', { type: TYPES.js, body: own('app.js') }],
    ['/assets/style.css', { type: TYPES.css, body: own('style.css') }],
    [
      '/assets/uPlot.iife.min.js',
      { type: TYPES.js, body: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')) },
    ],
    ['/assets/uPlot.min.css', { type: TYPES.css, body: readFileSync(require.resolve('uplot/dist/uPlot.min.css')) }],
  ]);
}

/** The page may load its own scripts and styles and talk to its own origin, and nothing else. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const MAX_BODY = 64 * 1024;

export interface ConsoleServer {
  url: string;
  port: number;
  /** Requests answered (refusals included). */
  requests(): number;
  close(): Promise<void>;
}

export interface ConsoleServerOptions {
  port: number;
  data: ConsoleData;
  /** Shown in the page's header: where its data comes from. */
  label: string;
  /** The token; default: a new random one. */
  token?: string;
}

export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = o.token ?? newToken();
  const assets = loadAssets();
  const page = readFileSync(new URL('index.html', ASSETS), 'utf8');
  let hosts: string[] = [];
  let served = 0;

  const server = createServer((req, res) => {
    served++;
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, COMMON_HEADERS);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const access = checkAccess(
      {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        host: req.headers.host,
        cookie: req.headers.cookie,
        tokenHeader: single(req.headers[TOKEN_HEADER]),
      },
      token,
      hosts,
    );
    if (!access.ok) {
      res.writeHead(access.status, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${access.status} ${access.reason}\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://console');
    if (access.fromQuery) {
      res.setHeader('set-cookie', tokenCookie(token));
      // The token leaves the address bar (and the history) once the cookie holds it.
      if (req.method === 'GET' && url.pathname === '/') {
        url.searchParams.delete(TOKEN_QUERY);
        res.writeHead(303, { ...COMMON_HEADERS, location: `/${url.search}` });
        res.end();
        return;
      }
    }
    if (req.method === 'GET' && url.pathname === '/') {
      const html = page.replace('{{TOKEN}}', token).replace('{{LABEL}}', escapeHtml(o.label));
      res.writeHead(200, { ...COMMON_HEADERS, 'content-type': TYPES.html, 'content-security-policy': CSP });
      res.end(html);
      return;
    }
    const asset = req.method === 'GET' ? assets.get(url.pathname) : undefined;
    if (asset) {
      res.writeHead(200, { ...COMMON_HEADERS, 'content-type': asset.type });
      res.end(asset.body);
      return;
    }
    const route = routes[`${req.method} ${url.pathname}`];
    if (!route) return json(res, 404, { error: { code: 'NotFound', message: `no route ${url.pathname}` } });
    try {
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      json(res, 200, await route(url.searchParams, body));
    } catch (err) {
      const e = fromAwsError(err);
      json(res, e instanceof UsageError ? 400 : 502, {
        error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) },
      });
    }
  }

  const d = o.data;
  const routes: Record<string, (q: URLSearchParams, body: unknown) => Promise<unknown>> = {
    'GET /api/overview': async () => ({ label: o.label, ...(await d.overview()) }),
    'GET /api/metrics': (q) => d.metrics(required(q, 'endpoint'), Number(q.get('since') ?? 900)),
    'GET /api/jobs': () => d.jobs(),
    'GET /api/job-log': (q) => d.jobLog(required(q, 'kind'), required(q, 'name')),
    'GET /api/grants': () => d.grants(),
    'GET /api/sample': async (q) => d.sample(required(q, 'model')),
    'POST /api/invoke': (_q, body) => d.invoke(body),
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: the console acts with the user's credentials and must not be reachable from the network.
    server.listen(o.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = ownHosts(port);
  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_QUERY}=${token}`,
    port,
    requests: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(value));
}

function required(q: URLSearchParams, name: string): string {
  const value = q.get(name);
  if (!value) throw new UsageError(`query parameter ${name} is required`);
  return value;
}

const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new UsageError(`request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new UsageError('the request body is not JSON');
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
