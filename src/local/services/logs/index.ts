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
import { jsonProtocol } from '../../protocols/json.js';
import { notImplementedError } from '../../protocols/index.js';
import { serveOperations, type OperationTable } from '../../protocols/operations.js';
import type { LocalService } from '../../service.js';
import { LogEventStore } from '../../store/log-events.js';
import type { Json } from '../sagemaker/validation.js';
import {
  describeLogGroups,
  describeLogStreams,
  filterLogEvents,
  getLogEvents,
  type LogsContext,
} from './operations.js';

export interface LogsService extends LocalService {
  readonly events: LogEventStore;
  /** Load what earlier runs wrote (no-op in memory). */
  open(): Promise<void>;
  /** Finish pending writes. */
  close(): Promise<void>;
}

/** CloudWatch Logs' operations by their X-Amz-Target names (each says its action and resource: operations.ts). */
const OPERATIONS: OperationTable<LogsContext, Json, object> = {
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
};

export function createLogsService(events: LogEventStore): LogsService {
  return {
    ...serveOperations({
      id: 'logs',
      protocol: jsonProtocol('1.1', { target: 'Logs_20140328' }),
      operations: OPERATIONS,
      context: (call): LogsContext => ({ store: events, region: call.region, accountId: call.principal.accountId }),
      unknownOperation: (name) => notImplementedError('logs', `the CloudWatch Logs operation ${name}`),
    }),
    events,
    open: () => events.open(),
    close: () => events.flush(),
  };
}
