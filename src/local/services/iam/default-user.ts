/**
 * The local cloud's default identity: an IAM user with AdministratorAccess, as a real account's
 * daily credentials should be (the root's are for the few tasks only the root may do, and the
 * root may not assume roles: docs/aws-behaviour.md#root-and-users). Its access key is generated
 * with the account (cloud.ts, default-user.json) so the CLI can read it without asking the
 * daemon; here the user is created in IAM with that key, once per state directory. A user who
 * later deletes it, or its key, gets what AWS would give: the key stops working.
 */
import { awsId } from '../../auth/credentials.js';
import { userArn } from './principal-kinds.js';
import type { IamState } from './state.js';
import type { UserRecord } from './types.js';

export const DEFAULT_USER_NAME = 'mme-admin';
const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface DefaultUserKey {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** Create the default user with its key and AdministratorAccess, unless done before for this key. */
export async function seedDefaultUser(state: IamState, key: DefaultUserKey, now: Date): Promise<void> {
  if (state.defaultUserSeeded === key.accessKeyId) return;
  const existing = state.user(key.userName);
  const user: UserRecord = existing ?? {
    userName: key.userName,
    userId: awsId('AIDA'),
    path: '/',
    arn: userArn(state.accountId, '/', key.userName),
    createDate: now.toISOString(),
    tags: [],
    attachedPolicyArns: [],
    inlinePolicies: {},
    accessKeys: [],
  };
  state.putUser({
    ...user,
    attachedPolicyArns: user.attachedPolicyArns.includes(ADMINISTRATOR_ACCESS_ARN)
      ? user.attachedPolicyArns
      : [...user.attachedPolicyArns, ADMINISTRATOR_ACCESS_ARN],
    accessKeys: user.accessKeys.some((k) => k.accessKeyId === key.accessKeyId)
      ? user.accessKeys
      : [
          ...user.accessKeys,
          {
            accessKeyId: key.accessKeyId,
            secretAccessKey: key.secretAccessKey,
            status: 'Active',
            createDate: now.toISOString(),
          },
        ],
  });
  state.defaultUserSeeded = key.accessKeyId;
  await state.save();
}
