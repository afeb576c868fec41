/**
 * The protocol kit: a service of the local cloud is a table of operations and a wire protocol.
 * The protocol finds the operation a request names, decodes its input, encodes its output and its
 * errors; the table says, per operation, which IAM action it is authorized as, on which resource,
 * what its input checks are and which handler runs. `serveOperations` is the one dispatcher every
 * service uses (docs/architecture.md, "Adding an operation to the local cloud").
 *
 * Order of work, the same for every service: operation → input → input checks → authorization →
 * handler → encoded output. An operation whose resource needs its handler's lookups (an IAM role's
 * own ARN and tags, each key of a DeleteObjects) leaves `resource` out and calls
 * `call.authorizeOperation` itself.
 */
import type { LocalRequest, LocalResponse } from '../http.js';
import type { ServiceError } from '../service-error.js';
import type { ErrorFormatter, LocalService, Principal, ServiceCall, ServiceId } from '../service.js';

export type ConditionKeys = Record<string, string | string[] | undefined>;

/** What an operation is authorized on: an ARN (or '*'), with the request's condition keys. */
interface Resource {
  arn: string;
  context?: ConditionKeys;
}

/**
 * One operation. `Raw` is what the protocol decodes (JSON object, Query parameters, the S3 path),
 * `In` what the input checks make of it, `Out` what the protocol encodes, `Ctx` what the service
 * hands every handler. Written as methods so that a table holds operations of different inputs.
 */
export interface Operation<Ctx, Raw, In, Out, Binding = never> {
  /** The IAM action, e.g. `iam:GetRole`; undefined for the few operations AWS never authorizes. */
  readonly action: string | undefined;
  /** REST protocols: the HTTP request that names this operation (method, path, query, header). */
  readonly http?: Binding;
  /** The input checks: what the handler takes, or the service's validation error. */
  input?(ctx: Ctx, raw: Raw): In;
  /** The resource the action is on, known from the checked input; absent: the handler authorizes. */
  resource?(ctx: Ctx, input: In): string | Resource;
  /** The handler: the checked input in, the output the protocol encodes out. */
  run(ctx: Ctx, input: In): Out | Promise<Out>;
}

/** A service's operations by their AWS names. */
export type OperationTable<Ctx, Raw, Out, Binding = never> = Readonly<
  Record<string, Operation<Ctx, Raw, unknown, Out, Binding>>
>;

/** A wire protocol, as the kit drives it. */
export interface Protocol<Raw, Out, Binding = never> extends ErrorFormatter {
  /**
   * The operation a request names: its name in the table, or the protocol's own error (the
   * service's `unknownOperation` for a well-formed name the table lacks).
   */
  operationOf: (request: LocalRequest, table: OperationTable<never, Raw, Out, Binding>) => string;
  /** Decode the operation's input (after the operation is known: its errors come second). */
  inputOf: (request: LocalRequest, operation: Operation<never, Raw, unknown, Out, Binding>) => Raw;
  /** The successful reply. */
  encode: (operation: string, output: Out, call: ServiceCall) => LocalResponse;
}

/** The call a handler gets: the request's, with the operation's own action bound. */
export class OperationCall implements ServiceCall {
  constructor(
    private readonly call: ServiceCall,
    /** The operation's AWS name. */
    readonly operation: string,
    private readonly action: string | undefined,
  ) {}

  get request(): LocalRequest {
    return this.call.request;
  }
  get principal(): Principal {
    return this.call.principal;
  }
  get region(): string {
    return this.call.region;
  }
  get requestId(): string {
    return this.call.requestId;
  }

  authorize(action: string, resource: string, context?: ConditionKeys): void {
    this.call.authorize(action, resource, context);
  }

  /** Authorize the operation's own action (the table's) on a resource its handler found. */
  authorizeOperation(resource: string, context?: ConditionKeys): void {
    if (this.action === undefined) throw new Error(`${this.operation} has no IAM action to authorize`);
    this.authorize(this.action, resource, context);
  }
}

export interface ServiceDefinition<Ctx, Raw, Out, Binding = never> {
  id: ServiceId;
  /** The protocol, or how to choose it per request (CloudWatch speaks JSON 1.0 and Query). */
  protocol: Protocol<Raw, Out, Binding> | ((request: LocalRequest) => Protocol<Raw, Out, Binding>);
  operations: OperationTable<Ctx, Raw, Out, Binding>;
  /** What a handler gets, built once per request (with the decoded input, for handlers that read it there). */
  context(call: OperationCall, raw: Raw): Ctx;
  /** The error for an operation the table lacks, as the service answers it today. */
  unknownOperation(name: string, implemented: string[]): ServiceError;
  /** Awaited before each request (state loaded, recovery done). */
  ready?(): Promise<void>;
}

export type OperationService = Pick<LocalService, 'id' | 'protocol' | 'handle'>;

/** The one dispatcher: a service definition served over its protocol. */
export function serveOperations<Ctx, Raw, Out, Binding>(
  def: ServiceDefinition<Ctx, Raw, Out, Binding>,
): OperationService {
  const { operations } = def;
  const choose = typeof def.protocol === 'function' ? def.protocol : undefined;
  const fixed = typeof def.protocol === 'function' ? undefined : def.protocol;
  const protocolOf = (request: LocalRequest): Protocol<Raw, Out, Binding> => fixed ?? choose!(request);
  const names = Object.keys(operations);
  const formatter: ErrorFormatter = fixed ?? {
    formatError: (err, requestId, request) => protocolOf(request).formatError(err, requestId, request),
  };

  // Not async: a warm InvokeEndpoint is answered without a promise from here to the socket.
  function dispatch(call: ServiceCall): LocalResponse | Promise<LocalResponse> {
    const protocol = protocolOf(call.request);
    const name = protocol.operationOf(call.request, operations);
    const operation = Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!operation) throw def.unknownOperation(name, names);
    const raw = protocol.inputOf(call.request, operation);
    const opCall = new OperationCall(call, name, operation.action);
    const ctx = def.context(opCall, raw);
    const input = operation.input ? operation.input(ctx, raw) : raw;
    if (operation.action !== undefined && operation.resource) {
      const resource = operation.resource(ctx, input);
      if (typeof resource === 'string') opCall.authorize(operation.action, resource);
      else opCall.authorize(operation.action, resource.arn, resource.context);
    }
    const pending = operation.run(ctx, input);
    return pending instanceof Promise
      ? pending.then((output) => protocol.encode(name, output, opCall))
      : protocol.encode(name, pending, opCall);
  }

  return {
    id: def.id,
    protocol: formatter,
    handle: def.ready ? async (call) => (await def.ready!(), dispatch(call)) : dispatch,
  };
}
