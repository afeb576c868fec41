import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { createApp } from '../../src/local/app.js';
import { InMemoryCredentialStore, newRootAccount, rootPrincipal } from '../../src/local/auth/credentials.js';
import { parseQuery, type LocalRequest, type LocalResponse } from '../../src/local/http.js';
import { restXml } from '../../src/local/protocols/rest-xml.js';
import { jsonProtocol } from '../../src/local/protocols/json.js';
import type { LocalService, ServiceId } from '../../src/local/service.js';
import { Sha256 } from '../../src/signing/sha256.js';

const root = newRootAccount();

const NOW = new Date('2026-11-25T10:00:00Z');

function echoService(id: ServiceId, protocol = id === 's3' ? restXml : jsonProtocol('1.1')): LocalService {
  return {
    id,
    protocol,
    async handle(call) {
      return { status: 200, headers: {}, body: JSON.stringify({ principal: call.principal.arn, region: call.region }) };
    },
  };
}

function makeApp(credentials = new InMemoryCredentialStore(root)) {
  return createApp({
    credentials,
    services: { s3: echoService('s3'), sagemaker: echoService('sagemaker') },
    now: () => NOW,
  });
}

interface SignInput {
  service?: string;
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  secret?: string;
  accessKeyId?: string;
  sessionToken?: string;
  date?: Date;
}

/** Sign as the JS SDK does (same signer, same options per service), then build the server's view. */
async function signed(input: SignInput): Promise<LocalRequest> {
  const service = input.service ?? 's3';
  const body = input.body ?? '';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: input.accessKeyId ?? root.accessKeyId,
      secretAccessKey: input.secret ?? root.secretAccessKey,
      sessionToken: input.sessionToken,
    },
    region: 'us-east-1',
    service,
    sha256: Sha256,
    uriEscapePath: service !== 's3',
  });
  const headers: Record<string, string> = { host: '127.0.0.1:4566', ...input.headers };
  if (service === 's3') headers['x-amz-content-sha256'] = createHash('sha256').update(body).digest('hex');
  const path = input.path ?? '/bucket/key';
  const result = await signer.sign(
    {
      method: input.method ?? 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path,
      query: input.query ?? {},
      headers,
      body,
    },
    { signingDate: input.date ?? NOW },
  );
  const rawQuery = Object.entries(input.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers)) lower[k.toLowerCase()] = String(v);
  return {
    method: result.method,
    rawPath: path,
    rawQuery,
    query: parseQuery(rawQuery),
    headers: lower,
    body: Buffer.from(body),
    receivedAt: NOW,
  };
}

function errorCode(res: LocalResponse): string | undefined {
  const text = String(res.body ?? '');
  return (
    res.headers['x-amzn-errortype'] ?? /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? /"__type":"([^"]+)"/.exec(text)?.[1]
  );
}

describe('SigV4 verification', () => {
  const app = makeApp();

  it('accepts an S3 request signed with the root key, naming the root principal', async () => {
    const res = await app(await signed({ body: 'hello' }));
    expect(res.status).toBe(200);
    expect(JSON.parse(String(res.body)).principal).toBe(`arn:aws:iam::${root.accountId}:root`);
  });

  it('accepts S3 paths and queries that need encoding (single-encoded path)', async () => {
    const res = await app(
      await signed({
        method: 'GET',
        path: '/bucket/a%20b/%C3%A9t%C3%A9+x',
        query: { prefix: 'a b+c/', 'list-type': '2' },
      }),
    );
    expect(res.status).toBe(200);
  });

  it('accepts a JSON 1.1 request (double-encoded path, body hashed by the server)', async () => {
    const body = JSON.stringify({ TrainingJobName: 'x' });
    const res = await app(
      await signed({
        service: 'sagemaker',
        method: 'POST',
        path: '/',
        body,
        headers: { 'x-amz-target': 'SageMaker.DescribeTrainingJob', 'content-type': 'application/x-amz-json-1.1' },
      }),
    );
    expect(res.status).toBe(200);
  });

  it('refuses a wrong secret with the protocol’s error', async () => {
    const s3 = await app(await signed({ secret: 'not-the-secret' }));
    expect([s3.status, errorCode(s3)]).toEqual([403, 'SignatureDoesNotMatch']);
    const sm = await app(
      await signed({
        service: 'sagemaker',
        method: 'POST',
        path: '/',
        secret: 'x',
        headers: { 'x-amz-target': 'SageMaker.ListModels' },
      }),
    );
    expect([sm.status, errorCode(sm)]).toEqual([403, 'InvalidSignatureException']);
  });

  it('refuses an unknown access key', async () => {
    const res = await app(await signed({ accessKeyId: 'AKIAUNKNOWNUNKNOWN12' }));
    expect([res.status, errorCode(res)]).toEqual([403, 'InvalidAccessKeyId']);
  });

  it('refuses a request with no Authorization at all', async () => {
    const req = await signed({});
    delete req.headers.authorization;
    const res = await app(req);
    expect([res.status, errorCode(res)]).toEqual([403, 'AccessDenied']);
  });

  it('refuses a tampered body whose declared sha256 no longer matches', async () => {
    const req = await signed({ body: 'original' });
    const res = await app({ ...req, body: Buffer.from('tampered') });
    expect([res.status, errorCode(res)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
  });

  it('refuses a tampered body on a service whose body hash is only inside the signature', async () => {
    const req = await signed({
      service: 'sagemaker',
      method: 'POST',
      path: '/',
      body: '{"a":1}',
      headers: { 'x-amz-target': 'SageMaker.ListModels' },
    });
    const res = await app({ ...req, body: Buffer.from('{"a":2}') });
    expect([res.status, errorCode(res)]).toEqual([403, 'InvalidSignatureException']);
  });

  it('refuses a tampered signed header', async () => {
    const req = await signed({ headers: { 'x-amz-meta-owner': 'alice' } });
    const res = await app({ ...req, headers: { ...req.headers, 'x-amz-meta-owner': 'mallory' } });
    expect(errorCode(res)).toBe('SignatureDoesNotMatch');
  });

  it('refuses a request signed more than 15 minutes ago (replay)', async () => {
    const res = await app(await signed({ date: new Date(NOW.getTime() - 16 * 60 * 1000) }));
    expect([res.status, errorCode(res)]).toEqual([403, 'RequestTimeTooSkewed']);
    const ok = await app(await signed({ date: new Date(NOW.getTime() - 14 * 60 * 1000) }));
    expect(ok.status).toBe(200);
  });

  it('checks session tokens: signed and current, or refused', async () => {
    const store = new InMemoryCredentialStore(root);
    const principal = { ...rootPrincipal(root), kind: 'assumed-role' as const, accessKeyId: 'ASIATESTTESTTESTTEST' };
    store.add({
      accessKeyId: 'ASIATESTTESTTESTTEST',
      secretAccessKey: 'sessionsecret',
      sessionToken: 'token-1',
      expiresAt: new Date(NOW.getTime() + 60_000),
      principal,
    });
    store.add({
      accessKeyId: 'ASIAOLDOLDOLDOLDOLDO',
      secretAccessKey: 'old',
      sessionToken: 'token-0',
      expiresAt: new Date(NOW.getTime() - 1),
      principal,
    });
    const sessionApp = makeApp(store);
    const good = await sessionApp(
      await signed({ accessKeyId: 'ASIATESTTESTTESTTEST', secret: 'sessionsecret', sessionToken: 'token-1' }),
    );
    expect(good.status).toBe(200);
    const wrongToken = await sessionApp(
      await signed({ accessKeyId: 'ASIATESTTESTTESTTEST', secret: 'sessionsecret', sessionToken: 'token-2' }),
    );
    expect(errorCode(wrongToken)).toBe('InvalidToken');
    const noToken = await sessionApp(await signed({ accessKeyId: 'ASIATESTTESTTESTTEST', secret: 'sessionsecret' }));
    expect(errorCode(noToken)).toBe('InvalidToken');
    const expired = await sessionApp(
      await signed({ accessKeyId: 'ASIAOLDOLDOLDOLDOLDO', secret: 'old', sessionToken: 'token-0' }),
    );
    expect(errorCode(expired)).toBe('ExpiredToken');
  });

  it('answers an unknown credential-scope service without crashing', async () => {
    const res = await app(await signed({ service: 'dynamodb', method: 'POST', path: '/' }));
    expect(res.status).toBe(400);
  });
});
