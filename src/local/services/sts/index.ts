/**
 * The local cloud's STS (Query protocol, API version 2011-06-15): GetCallerIdentity and
 * AssumeRole. Issued credentials live in the SessionStore, which the app consults for every
 * request: expired ones are refused with ExpiredToken, and the session token must be signed.
 */
import { randomBytes } from 'node:crypto';
import { awsId, newSecretAccessKey } from '../../auth/credentials.js';
import type { SessionStore } from '../../auth/sessions.js';
import { invalidAction, STS_XMLNS } from '../../protocols/index.js';
import { serveOperations, type Operation } from '../../protocols/operations.js';
import { queryProtocol } from '../../protocols/query.js';
import type { XmlNode } from '../../protocols/xml.js';
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

/** STS's operations: each its Query Action, the IAM action it is authorized as, its handler. */
const STS_OPERATIONS: Readonly<Record<string, Operation<StsContext, Record<string, string>, unknown, XmlNode>>> = {
  // AssumeRole is authorized on the RoleArn it names, with the sts:… condition keys, after its input checks.
  AssumeRole: { action: 'sts:AssumeRole', run: assumeRole },
  // "No permissions are required to perform this operation" (see caller-identity.ts).
  GetCallerIdentity: { action: undefined, run: getCallerIdentity },
};

export function createStsService(options: StsServiceOptions): LocalService {
  const deps = {
    iam: options.iam,
    sessions: options.sessions,
    now: options.now ?? (() => new Date()),
    newId: options.newId ?? awsId,
    newSecret: options.newSecret ?? newSecretAccessKey,
    newSessionToken: options.newSessionToken ?? newSessionToken,
  };
  return serveOperations({
    id: 'sts',
    protocol: queryProtocol(STS_XMLNS),
    operations: STS_OPERATIONS,
    context: (call, params): StsContext => ({ call, params, ...deps }),
    unknownOperation: invalidAction,
  });
}
