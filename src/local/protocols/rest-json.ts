/**
 * REST-JSON, the protocol of SageMaker Runtime: the operation named by its method and path
 * (`POST /endpoints/{EndpointName}/invocations`), raw payloads in and out, errors named by the
 * `x-amzn-errortype` header with a JSON body.
 */
import { safeDecode, type LocalResponse } from '../http.js';
import type { ErrorFormatter } from '../service.js';
import type { Operation, OperationTable, Protocol } from './operations.js';

/** The HTTP request that names a REST-JSON operation: its method and its path, one group per label. */
export interface RestJsonBinding {
  method: string;
  path: RegExp;
}

/** An operation's answer: its headers (the protocol adds the request id) and its raw payload. */
export interface RestJsonOutput {
  status?: number;
  headers: Record<string, string>;
  body?: LocalResponse['body'];
}

const restJsonErrors: ErrorFormatter = {
  formatError(err, requestId) {
    return {
      status: err.status,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
      body: JSON.stringify({ message: err.message, ...err.extra }),
    };
  },
};

type Table = OperationTable<never, string[], RestJsonOutput, RestJsonBinding>;

/** The table's bindings in order, listed once per table (the runtime's hot path looks them up per request). */
const BINDINGS = new WeakMap<Table, [string, RestJsonBinding][]>();

function bindings(table: Table): [string, RestJsonBinding][] {
  let list = BINDINGS.get(table);
  if (!list) {
    list = Object.entries(table).flatMap(([name, op]) =>
      op.http ? [[name, op.http] as [string, RestJsonBinding]] : [],
    );
    BINDINGS.set(table, list);
  }
  return list;
}

/**
 * The input is the path's labels, decoded; the operation reads headers and body from the
 * request. A request no binding matches is named by its method and path (for the service's
 * unknown-operation error).
 */
export const restJson: Protocol<string[], RestJsonOutput, RestJsonBinding> = {
  ...restJsonErrors,
  operationOf(request, table) {
    for (const [name, http] of bindings(table)) {
      if (http.method === request.method && http.path.test(request.rawPath)) return name;
    }
    return `${request.method} ${request.rawPath}`;
  },
  inputOf(request, operation: Operation<never, string[], unknown, RestJsonOutput, RestJsonBinding>) {
    const match = operation.http!.path.exec(request.rawPath)!;
    const labels: string[] = [];
    // decodeURIComponent leaves a label without '%' as it is: skip the call (and its try) then.
    for (let i = 1; i < match.length; i++) labels.push(match[i]!.includes('%') ? safeDecode(match[i]!) : match[i]!);
    return labels;
  },
  encode(_operation, output, call) {
    output.headers['x-amzn-requestid'] = call.requestId;
    return { status: output.status ?? 200, headers: output.headers, body: output.body };
  },
};
