/**
 * The local cloud's CloudWatch Logs (service id and SigV4 name `logs`; AWS JSON 1.1,
 * `X-Amz-Target: Logs_20140328.<Op>`): DescribeLogGroups, DescribeLogStreams, GetLogEvents and
 * FilterLogEvents over the log-event store that jobs and endpoints write to
 * (docs/aws-behaviour.md#logs). The store is reachable directly (`service.events`), as AWS
 * services write their logs without going through PutLogEvents; callers cannot write (the
 * local cloud serves the reading half of the API).
 *
 * Authorization: `logs:<Op>` on the log group (`…:log-group:NAME:*`), the stream for
 * GetLogEvents, and `…:log-group::log-stream:` for DescribeLogGroups, as AWS checks them.
 */
import { jsonProtocol, jsonResponse, operationFromTarget, parseJsonBody } from '../../protocols/json.js';
import { notImplementedError } from '../../protocols/index.js';
import type { LocalService } from '../../service.js';
import { LogEventStore } from '../../store/log-events.js';
import { describeLogGroups, describeLogStreams, filterLogEvents, getLogEvents, type Operation } from './operations.js';

export interface LogsService extends LocalService {
  readonly events: LogEventStore;
  /** Load what earlier runs wrote (no-op in memory). */
  open(): Promise<void>;
  /** Finish pending writes. */
  close(): Promise<void>;
}

const OPERATIONS: Readonly<Record<string, Operation<never>>> = {
  DescribeLogGroups: describeLogGroups as Operation<never>,
  DescribeLogStreams: describeLogStreams as Operation<never>,
  GetLogEvents: getLogEvents as Operation<never>,
  FilterLogEvents: filterLogEvents as Operation<never>,
};

export function createLogsService(events: LogEventStore): LogsService {
  return {
    id: 'logs',
    protocol: jsonProtocol('1.1'),
    events,
    async handle(call) {
      const operation = operationFromTarget(call.request, 'Logs_20140328');
      const op = Object.hasOwn(OPERATIONS, operation) ? OPERATIONS[operation] : undefined;
      if (!op) throw notImplementedError('logs', `the CloudWatch Logs operation ${operation}`);
      const scope = { region: call.region, accountId: call.principal.accountId };
      const request = op.read(parseJsonBody(call.request));
      call.authorize(`logs:${operation}`, op.resource(request, scope));
      return jsonResponse('1.1', op.run(request, events, scope), call.requestId);
    },
    open: () => events.open(),
    close: () => events.flush(),
  };
}
