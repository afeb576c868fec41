/** What every STS handler gets. */
import type { OperationCall } from '../../protocols/operations.js';
import type { SessionStore } from '../../auth/sessions.js';
import type { IamState } from '../iam/state.js';

export interface StsContext {
  /** The request, with the operation's IAM action bound (`authorizeOperation`). */
  call: OperationCall;
  params: Record<string, string>;
  iam: IamState;
  sessions: SessionStore;
  now: () => Date;
  /** ASIA… access key ids. */
  newId: (prefix: string) => string;
  newSecret: () => string;
  newSessionToken: () => string;
}
