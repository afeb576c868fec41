/** SageMaker Runtime through the service's handle(), with hand-built calls (no port, no signing). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRequest, LocalResponse } from '../../src/local/http.js';
import type { EndpointHost } from '../../src/local/hosting/index.js';
import { accessDeniedError } from '../../src/local/protocols/index.js';
import type { LocalService, ServiceCall } from '../../src/local/service.js';
import { ServiceError } from '../../src/local/service-error.js';
import { createRuntimeService, MAX_PAYLOAD_BYTES } from '../../src/local/services/runtime/index.js';
import { ACCOUNT, createFixture, INFERENCE_ROW, pipelineEndpoint, REGION, type Fixture } from './helpers.js';

interface Seen {
  action: string;
  resource: string;
  context?: Record<string, string | string[] | undefined>;
}

function call(
  endpoint: string,
  headers: Record<string, string>,
  body: Buffer | string,
  seen: Seen[],
  deny = false,
): ServiceCall {
  const request: LocalRequest = {
    method: 'POST',
    rawPath: `/endpoints/${endpoint}/invocations`,
    rawQuery: '',
    query: {},
    headers: { host: '127.0.0.1', ...headers },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body),
    receivedAt: new Date(),
  };
  return {
    request,
    region: REGION,
    requestId: 'req-7',
    principal: {
      kind: 'assumed-role',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Invoker/s`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIA',
      userId: 'AROA:s',
    },
    authorize(action, resource, context) {
      seen.push({ action, resource, context });
      if (deny)
        throw accessDeniedError(
          'sagemaker-runtime',
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/Invoker/s is not authorized to perform: ${action} on resource: ${resource}`,
        );
    },
  };
}

async function send(
  service: LocalService,
  c: ServiceCall,
): Promise<LocalResponse & { text: string; json?: Record<string, unknown> }> {
  let response: LocalResponse;
  try {
    response = await service.handle(c);
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    response = service.protocol.formatError(err, c.requestId, c.request);
  }
  const text = Buffer.isBuffer(response.body) ? response.body.toString('utf8') : String(response.body ?? '');
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { ...response, text, json };
}

let fx: Fixture;
let host: EndpointHost;
let service: LocalService;
beforeEach(async () => {
  fx = await createFixture();
  await fx.putModel('NewYork_NY/NewYork_NY.tar.gz');
  host = fx.host();
  await host.deploy(pipelineEndpoint('mme-ep'));
  service = createRuntimeService(host);
});
afterEach(async () => fx.cleanup());

const csv = (target?: string, extra: Record<string, string> = {}) => ({
  'content-type': 'text/csv',
  ...(target !== undefined ? { 'x-amzn-sagemaker-target-model': target } : {}),
  ...extra,
});

describe('SageMaker Runtime InvokeEndpoint', () => {
  it('answers raw, with the variant and custom attributes headers', async () => {
    const seen: Seen[] = [];
    const res = await send(
      service,
      call(
        'mme-ep',
        csv('NewYork_NY/NewYork_NY.tar.gz', { 'x-amzn-sagemaker-custom-attributes': 'a=b' }),
        INFERENCE_ROW,
        seen,
      ),
    );
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/json',
      'x-amzn-invoked-production-variant': 'AllTraffic',
      'x-amzn-sagemaker-custom-attributes': 'a=b',
    });
    expect((res.json!.predictions as unknown[]).length).toBe(1);
    expect(seen).toEqual([
      {
        action: 'sagemaker:InvokeEndpoint',
        resource: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:endpoint/mme-ep`,
        context: { 'sagemaker:TargetModel': 'NewYork_NY/NewYork_NY.tar.gz' },
      },
    ]);
  });

  it('authorises before revealing anything: a denied caller cannot tell whether the endpoint exists', async () => {
    for (const name of ['mme-ep', 'no-such-endpoint']) {
      const res = await send(service, call(name, csv('Chicago_IL/Chicago_IL.tar.gz'), INFERENCE_ROW, [], true));
      expect(res.status).toBe(403);
      expect(res.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    }
  });

  it.each([
    [
      'unknown endpoint',
      'ghost',
      csv('x.tar.gz'),
      INFERENCE_ROW,
      400,
      'ValidationError',
      `Endpoint ghost of account ${ACCOUNT} not found.`,
    ],
    [
      'missing target model',
      'mme-ep',
      csv(),
      INFERENCE_ROW,
      400,
      'ValidationError',
      'Request req-7 is missing a target model header',
    ],
    [
      'unknown target model',
      'mme-ep',
      csv('Nope/Nope.tar.gz'),
      INFERENCE_ROW,
      400,
      'ValidationError',
      'Failed to download model data(bucket: hosting-test, key: DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/Nope/Nope.tar.gz).',
    ],
    [
      'body over 6 MiB',
      'mme-ep',
      csv('NewYork_NY/NewYork_NY.tar.gz'),
      Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x31),
      413,
      'ValidationError',
      'Request req-7 has oversize body.',
    ],
    [
      'container refuses the body',
      'mme-ep',
      csv('NewYork_NY/NewYork_NY.tar.gz'),
      'a,b',
      424,
      'ModelError',
      'Received client error (400) from container_1 with message',
    ],
  ])('%s', async (_what, endpoint, headers, body, status, type, message) => {
    const res = await send(service, call(endpoint, headers, body, []));
    expect(res.status).toBe(status);
    expect(res.headers['x-amzn-errortype']).toBe(type);
    expect(res.json!.message).toContain(message);
    if (type === 'ModelError') {
      expect(res.json).toMatchObject({
        OriginalStatusCode: 400,
        LogStreamArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/mme-ep`,
      });
    }
  });

  it('a body of exactly 6 MiB is not refused for its size', async () => {
    const res = await send(
      service,
      call('mme-ep', csv('NewYork_NY/NewYork_NY.tar.gz'), Buffer.alloc(MAX_PAYLOAD_BYTES, 0x31), []),
    );
    expect(res.headers['x-amzn-errortype']).toBe('ModelError');
  });

  it('refuses hostile target models with 400 and stays healthy', async () => {
    const hostile = [
      '../NewYork_NY/NewYork_NY.tar.gz',
      '/etc/passwd',
      '%2e%2e/%2e%2e/etc/passwd',
      'N'.repeat(1025),
      'bad\u0007bell',
      ' x',
    ];
    for (const target of hostile) {
      const res = await send(service, call('mme-ep', csv(target), INFERENCE_ROW, []));
      expect([res.status, res.headers['x-amzn-errortype']]).toEqual([400, 'ValidationError']);
    }
    const ok = await send(service, call('mme-ep', csv('NewYork_NY/NewYork_NY.tar.gz'), INFERENCE_ROW, []));
    expect(ok.status).toBe(200);
  });

  it('refuses a target model on a single-model endpoint', async () => {
    await host.deploy({
      ...pipelineEndpoint('single'),
      variants: [
        {
          ...pipelineEndpoint().variants[0]!,
          model: { containers: [pipelineEndpoint().variants[0]!.model.containers[0]!] },
        },
      ],
    });
    const res = await send(service, call('single', csv('NewYork_NY/NewYork_NY.tar.gz'), INFERENCE_ROW, []));
    expect(res.json!.message).toBe(
      'Endpoint single is not a multi-model endpoint and does not support target model header.',
    );
  });

  it('serves only InvokeEndpoint', async () => {
    const c = call('mme-ep', csv(), '', []);
    c.request.rawPath = '/endpoints/mme-ep/async-invocations';
    const res = await send(service, c);
    expect(res.headers['x-amzn-errortype']).toBe('UnknownOperationException');
  });
});
