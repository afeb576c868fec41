/**
 * The protocol kit (src/local/protocols/operations.ts): a service is a table of operations over a
 * wire protocol. These tests build small services the way the real ones are built and check the
 * kit's contract: one entry and one handler serve an operation; input checks come before
 * authorization, authorization before the handler; unknown operations get the service's error;
 * REST bindings are matched in table order.
 */
import { describe, expect, it } from 'vitest';
import { parseQuery, type LocalRequest, type LocalResponse } from '../../src/local/http.js';
import { invalidAction, notImplementedError } from '../../src/local/protocols/index.js';
import { jsonProtocol } from '../../src/local/protocols/json.js';
import { serveOperations, type OperationCall } from '../../src/local/protocols/operations.js';
import { queryProtocol } from '../../src/local/protocols/query.js';
import { restJson } from '../../src/local/protocols/rest-json.js';
import type { XmlNode } from '../../src/local/protocols/xml.js';
import { ServiceError } from '../../src/local/service-error.js';
import type { LocalService, ServiceCall } from '../../src/local/service.js';

interface Asked {
  action: string;
  resource: string;
  context?: Record<string, string | string[] | undefined>;
}

function call(
  request: Partial<LocalRequest> & { method: string; rawPath: string },
  asked: Asked[],
  deny = false,
): ServiceCall {
  const rawQuery = request.rawQuery ?? '';
  return {
    request: {
      rawQuery,
      query: parseQuery(rawQuery),
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
      ...request,
    },
    principal: {
      kind: 'root',
      arn: 'arn:aws:iam::123456789012:root',
      accountId: '123456789012',
      accessKeyId: 'AKID',
      userId: '123456789012',
    },
    region: 'eu-west-1',
    requestId: 'REQ-1',
    authorize(action, resource, context) {
      asked.push({ action, resource, context });
      if (deny) throw new ServiceError('AccessDenied', `not ${action}`, 403);
    },
  };
}

async function send(service: Pick<LocalService, 'handle' | 'protocol'>, c: ServiceCall): Promise<LocalResponse> {
  try {
    return await service.handle(c);
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    return service.protocol.formatError(err, c.requestId, c.request);
  }
}

const form = (body: string) => ({
  method: 'POST',
  rawPath: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: Buffer.from(body),
});

describe('the protocol kit', () => {
  const XMLNS = 'https://example.amazonaws.com/doc/2020-01-01/';
  const queryService = serveOperations({
    id: 'iam',
    protocol: queryProtocol(XMLNS),
    operations: {
      // One entry and one handler: the whole of an operation.
      GetThing: {
        action: 'iam:GetThing',
        input: (_ctx: OperationCall, p: Record<string, string>) => {
          if (!p.ThingName) throw new ServiceError('ValidationError', 'ThingName is required');
          return p.ThingName;
        },
        resource: (c: OperationCall, name: string) => `arn:aws:iam::${c.principal.accountId}:thing/${name}`,
        run: (_ctx: OperationCall, name: string): XmlNode => ({ Thing: { Name: name } }),
      },
      Forget: { action: undefined, run: () => undefined },
    },
    context: (c) => c,
    unknownOperation: invalidAction,
  });

  it('serves an operation from its entry: input, authorization on its resource, handler, Query XML', async () => {
    const asked: Asked[] = [];
    const res = await send(queryService, call(form('Action=GetThing&Version=2020-01-01&ThingName=t1'), asked));
    expect(res.status).toBe(200);
    expect(res.headers['x-amzn-requestid']).toBe('REQ-1');
    expect(res.body).toBe(
      `<?xml version="1.0" encoding="UTF-8"?><GetThingResponse xmlns="${XMLNS}"><GetThingResult><Thing><Name>t1</Name></Thing></GetThingResult><ResponseMetadata><RequestId>REQ-1</RequestId></ResponseMetadata></GetThingResponse>`,
    );
    expect(asked).toEqual([
      { action: 'iam:GetThing', resource: 'arn:aws:iam::123456789012:thing/t1', context: undefined },
    ]);
  });

  it('checks the input before asking the authorizer, and runs no handler when denied', async () => {
    const asked: Asked[] = [];
    const invalid = await send(queryService, call(form('Action=GetThing'), asked));
    expect(invalid.status).toBe(400);
    expect(String(invalid.body)).toContain('<Code>ValidationError</Code>');
    expect(asked).toEqual([]);
    const denied = await send(queryService, call(form('Action=GetThing&ThingName=t1'), asked, true));
    expect(denied.status).toBe(403);
    expect(String(denied.body)).toContain('<Code>AccessDenied</Code>');
  });

  it('answers an operation without an action unauthorized, with an empty result', async () => {
    const asked: Asked[] = [];
    const res = await send(queryService, call(form('Action=Forget'), asked));
    expect(res.body).toContain('<ForgetResponse');
    expect(res.body).not.toContain('<ForgetResult>');
    expect(asked).toEqual([]);
  });

  it('gives an unknown Action the service error, and a missing one MissingAction', async () => {
    const unknown = await send(queryService, call(form('Action=Nope'), []));
    expect(String(unknown.body)).toContain('<Code>InvalidAction</Code>');
    expect(String(unknown.body)).toContain('implements: GetThing, Forget');
    const missing = await send(queryService, call(form('Version=2020-01-01'), []));
    expect(String(missing.body)).toContain('<Code>MissingAction</Code>');
  });

  it('JSON: the operation from X-Amz-Target, JSON in and out, the unknown one refused before the body is read', async () => {
    const json = serveOperations({
      id: 'sagemaker',
      protocol: jsonProtocol('1.1', { target: 'Thing_2020' }),
      operations: {
        Echo: { action: 'sagemaker:Echo', resource: () => '*', run: (_c: OperationCall, input: unknown) => input },
      },
      context: (c) => c,
      unknownOperation: (name) => notImplementedError('sagemaker', `the Thing operation ${name}`),
    });
    const asked: Asked[] = [];
    const headers = (target: string) => ({ 'x-amz-target': target, 'content-type': 'application/x-amz-json-1.1' });
    const ok = await send(
      json,
      call({ method: 'POST', rawPath: '/', headers: headers('Thing_2020.Echo'), body: Buffer.from('{"a":1}') }, asked),
    );
    expect(ok.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(String(ok.body))).toEqual({ a: 1 });
    expect(asked.map((a) => a.action)).toEqual(['sagemaker:Echo']);
    const unknown = await send(
      json,
      call({ method: 'POST', rawPath: '/', headers: headers('Thing_2020.Nope'), body: Buffer.from('not json') }, []),
    );
    expect(JSON.parse(String(unknown.body))).toEqual({
      __type: 'UnknownOperationException',
      message: 'The mme local cloud does not implement the Thing operation Nope.',
    });
  });

  it('REST-JSON: the first binding that matches names the operation; its path labels are the input, decoded', async () => {
    const rest = serveOperations({
      id: 'sagemaker-runtime',
      protocol: restJson,
      operations: {
        Special: {
          action: undefined,
          http: { method: 'POST', path: /^\/things\/(special)$/ },
          run: () => ({ headers: {}, body: 'special' }),
        },
        Named: {
          action: 'thing:Post',
          http: { method: 'POST', path: /^\/things\/([^/]+)$/ },
          resource: (_c: OperationCall, [name]: string[]) => `thing/${name}`,
          run: (_c: OperationCall, [name]: string[]) => ({ headers: { 'content-type': 'text/plain' }, body: name }),
        },
      },
      context: (c) => c,
      unknownOperation: (name) => notImplementedError('sagemaker-runtime', name),
    });
    const asked: Asked[] = [];
    expect((await send(rest, call({ method: 'POST', rawPath: '/things/special' }, asked))).body).toBe('special');
    const named = await send(rest, call({ method: 'POST', rawPath: '/things/a%20b' }, asked));
    expect(named.body).toBe('a b');
    expect(named.headers['x-amzn-requestid']).toBe('REQ-1');
    expect(asked).toEqual([{ action: 'thing:Post', resource: 'thing/a b', context: undefined }]);
    const none = await send(rest, call({ method: 'GET', rawPath: '/things/x' }, []));
    expect(none.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(String(none.body)).toContain('GET /things/x');
  });
});
