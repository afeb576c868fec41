/**
 * Timeouts against an endpoint that accepts connections and never answers: a TCP server on
 * 127.0.0.1 that reads requests and writes nothing. The built CLI runs on --target aws with
 * AWS_ENDPOINT_URL pointing there (as a proxy or a wrong VPC endpoint would), short timeouts set
 * on the command line, and must end — bounded in time — with exit 6 and a message that names the
 * service, the endpoint and the timeout. Without timeouts these commands wait for ever.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { timeoutError, timeoutProblem } from '../../src/aws/timeouts.js';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { BUILT, mme } from './helpers.js';

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();
let accepted = 0;
let home: string;

beforeAll(async () => {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does) before these tests');
  home = mkdtempSync(path.join(tmpdir(), 'mme-stall-'));
  server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('data', () => {}); // read the request, answer nothing
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(home, { recursive: true, force: true });
});

/** An aws-target environment whose every request goes to the stalled server; no user config read. */
function stalledEnv(): Record<string, string> {
  return {
    HOME: home,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'none'),
  };
}

const SHORT = ['--request-timeout', '0.4', '--max-attempts', '2'];

describe('a stalled endpoint (accepts, never answers)', () => {
  it.each([
    [
      'invoke',
      ['invoke', '--model', 'Chicago_IL', '--features', '1995,3000,3,2,1.0,2,y,n'],
      'SageMaker Runtime InvokeEndpoint',
    ],
    ['metrics', ['metrics', '--no-chart'], /CloudWatch|SageMaker/],
    [
      'deploy --dry-run',
      ['deploy', '--dry-run', '--role-arn', 'arn:aws:iam::123456789012:role/SageMaker'],
      /SageMaker|S3/,
    ],
    ['grant', ['grant', '--prefix', 'NewYork_NY'], 'STS GetCallerIdentity'],
  ])(
    '%s ends with exit 6, naming the service, the endpoint and the timeout',
    async (_name, args, service) => {
      const before = accepted;
      const started = Date.now();
      const r = await mme(['--target', 'aws', '--bucket', 'mme-stall-test', ...args, ...SHORT, '--json'], {
        cwd: home,
        env: stalledEnv(),
      });
      const elapsed = Date.now() - started;
      const out = JSON.parse(r.stdout) as {
        ok: boolean;
        error: { code: string; message: string; hint: string; exitCode: number; detail: Record<string, unknown> };
      };
      expect(r.code).toBe(6);
      expect(out.ok).toBe(false);
      expect(out.error.code).toBe('RequestTimeout');
      expect(out.error.message).toMatch(service);
      expect(out.error.message).toContain(`no answer from ${endpoint} within the 0.4 s request timeout (2 attempts)`);
      expect(out.error.hint).toContain('--request-timeout');
      expect(out.error.detail).toMatchObject({ endpoint, timeout: 'request', timeoutMs: 400, attempts: 2 });
      // Two attempts reached the server (and retried on a new connection), then it gave up.
      expect(accepted - before).toBeGreaterThanOrEqual(2);
      // 2 × 0.4 s plus a retry delay and node's start-up: nowhere near "for ever".
      expect(elapsed).toBeLessThan(15_000);
    },
    30_000,
  );
});

describe('the clients themselves', () => {
  it('a per-call budget: --max-attempts 1 makes one attempt; the message says which clock expired', async () => {
    const clients = createClients(
      { region: 'us-east-1', requestTimeoutMs: 300, maxAttempts: 1 },
      {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'x' },
      },
    );
    try {
      const sts = await clients.sts();
      const started = Date.now();
      const err = await sts.send(new GetCallerIdentityCommand({})).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; exitCode: number },
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(err).toMatchObject({
        code: 'RequestTimeout',
        exitCode: 6,
        message: `STS GetCallerIdentity: no answer from ${endpoint} within the 0.3 s request timeout`,
      });
    } finally {
      clients.destroy();
    }
  });

  it('each service has its own request timeout unless one is set; the connection timeout is shared', async () => {
    const clients = createClients({ region: 'us-east-1' }, undefined);
    const timeoutOf = async (c: { config: { requestHandler: unknown } }) => {
      const handler = c.config.requestHandler as {
        configProvider: Promise<{ requestTimeout: number; connectionTimeout: number; throwOnRequestTimeout: boolean }>;
      };
      return handler.configProvider;
    };
    expect(await timeoutOf(await clients.sageMakerRuntime())).toMatchObject({
      requestTimeout: 70_000,
      connectionTimeout: 10_000,
      throwOnRequestTimeout: true,
    });
    expect(await timeoutOf(await clients.s3())).toMatchObject({ requestTimeout: 120_000 });
    expect(await timeoutOf(await clients.sageMaker())).toMatchObject({ requestTimeout: 30_000 });
    clients.destroy();
    const set = createClients(
      { region: 'us-east-1', requestTimeoutMs: 5_000, connectTimeoutMs: 1_000, retryMode: 'adaptive' },
      undefined,
    );
    const runtime = await set.sageMakerRuntime();
    expect(await timeoutOf(runtime)).toMatchObject({ requestTimeout: 5_000, connectionTimeout: 1_000 });
    const strategy = (await (runtime.config.retryStrategy as () => Promise<{ mode: string }>)()) as { mode: string };
    expect(strategy.mode).toBe('adaptive');
    set.destroy();
  });

  it('a connection that never comes up is told apart from a request that never ends', () => {
    const connect = Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.',
      ),
      { name: 'TimeoutError' },
    );
    const request = Object.assign(
      new Error('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 300 ms requestTimeout.'),
      { name: 'TimeoutError' },
    );
    expect(timeoutProblem(connect)).toBe('connect');
    expect(timeoutProblem(request)).toBe('request');
    expect(timeoutProblem(new Error('other'))).toBeUndefined();
    const e = timeoutError({
      service: 'IAM',
      operation: 'GetRole',
      endpoint: 'https://iam.amazonaws.com',
      kind: 'connect',
      timeouts: { connectMs: 1000, requestMs: 30000 },
      attempts: 4,
    });
    expect(e).toMatchObject({
      code: 'ConnectionTimeout',
      exitCode: 6,
      message:
        'IAM GetRole: could not connect to https://iam.amazonaws.com within the 1 s connection timeout (4 attempts)',
    });
    expect(e.hint).toContain('--connect-timeout');
  });
});
