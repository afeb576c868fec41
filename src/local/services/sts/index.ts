/**
 * The local cloud's STS (Query protocol, API version 2011-06-15): GetCallerIdentity and
 * AssumeRole. Issued credentials live in the SessionStore, which the app consults for every
 * request: expired ones are refused with ExpiredToken, and the session token must be signed.
 */
import { randomBytes } from 'node:crypto';
import { awsId, newSecretAccessKey } from '../../auth/credentials.js';
import type { SessionStore } from '../../auth/sessions.js';
import type { LocalResponse } from '../../http.js';
import { STS_XMLNS } from '../../protocols/index.js';
import { parseQueryParams, queryProtocol } from '../../protocols/query.js';
import { ServiceError } from '../../service-error.js';
import type { LocalService } from '../../service.js';
import type { IamState } from '../iam/state.js';
import { assumeRole } from './assume-role.js';
import { getCallerIdentity } from './caller-identity.js';
import type { StsContext } from './context.js';

export interface StsServiceOptions {
  iam: IamState;
  sessions: SessionStore;
  now?: () => Date;
  newId?: (prefix: string) => string;
  newSecret?: () => string;
  newSessionToken?: () => string;
}

/**
 * An opaque token: 256 random bytes, base64 (AWS's are several hundred characters too, and
 * tools must treat them as opaque). It is only ever compared, never decoded.
 */
const newSessionToken = (): string => randomBytes(256).toString('base64');

const ACTIONS: Readonly<Record<string, (ctx: StsContext) => Promise<LocalResponse>>> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: getCallerIdentity,
};

export function createStsService(options: StsServiceOptions): LocalService {
  return {
    id: 'sts',
    protocol: queryProtocol(STS_XMLNS),
    async handle(call) {
      const params = parseQueryParams(call.request);
      const action = params.Action;
      if (!action) throw new ServiceError('MissingAction', 'Missing Action');
      const handler = Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
      if (!handler)
        throw new ServiceError(
          'InvalidAction',
          `The action ${action} is not valid for this web service (the mme local cloud implements: ${Object.keys(ACTIONS).join(', ')}).`,
        );
      return handler({
        call,
        params,
        iam: options.iam,
        sessions: options.sessions,
        now: options.now ?? (() => new Date()),
        newId: options.newId ?? awsId,
        newSecret: options.newSecret ?? newSecretAccessKey,
        newSessionToken: options.newSessionToken ?? newSessionToken,
      });
    },
  };
}
