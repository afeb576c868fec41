/**
 * The local cloud's IAM (Query protocol, API version 2010-05-08): roles, users with access keys,
 * customer managed policies with versions, attachments and inline policies of roles and users,
 * and role tags, over IamState. Every operation is authorized as its table entry says
 * (operations.ts), on the entity's ARN, before it looks anything up, so a role session can do in
 * IAM only what its own policies allow (no widening itself).
 */
import { awsId } from '../../auth/credentials.js';
import { IAM_XMLNS, invalidAction } from '../../protocols/index.js';
import { serveOperations } from '../../protocols/operations.js';
import { queryProtocol } from '../../protocols/query.js';
import type { LocalService } from '../../service.js';
import { IAM_OPERATIONS } from './operations.js';
import type { IamState } from './state.js';

export { IamState } from './state.js';
export type { RoleRecord, UserRecord } from './types.js';

export interface IamServiceOptions {
  state: IamState;
  now?: () => Date;
  newId?: (prefix: string) => string;
}

export function createIamService(options: IamServiceOptions): LocalService {
  const now = options.now ?? (() => new Date());
  const newId = options.newId ?? awsId;
  return serveOperations({
    id: 'iam',
    protocol: queryProtocol(IAM_XMLNS),
    operations: IAM_OPERATIONS,
    context: (call, params) => ({ call, params, state: options.state, now, newId }),
    unknownOperation: invalidAction,
  });
}
