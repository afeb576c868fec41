/** What every STS handler gets. */
import type { LocalResponse } from '../../http.js';
import { STS_XMLNS } from '../../protocols/index.js';
import { queryResponse } from '../../protocols/query.js';
import type { XmlNode } from '../../protocols/xml.js';
import type { ServiceCall } from '../../service.js';
import type { SessionStore } from '../../auth/sessions.js';
import type { IamState } from '../iam/state.js';

export interface StsContext {
  call: ServiceCall;
  params: Record<string, string>;
  iam: IamState;
  sessions: SessionStore;
  now: () => Date;
  /** ASIA… access key ids. */
  newId: (prefix: string) => string;
  newSecret: () => string;
  newSessionToken: () => string;
}

export function reply(ctx: StsContext, result?: XmlNode): LocalResponse {
  return queryResponse(ctx.params.Action!, result, STS_XMLNS, ctx.call.requestId);
}
