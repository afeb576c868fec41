/** IAM / STS clients against a test cloud, and the documents the tests share. */
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import type { TestCloud } from '../helpers/local-cloud.js';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const clients: { destroy(): void }[] = [];

export function iam(cloud: TestCloud, credentials?: Creds): IAMClient {
  const client = new IAMClient({ ...cloud.clientConfig(), ...(credentials ? { credentials } : {}), maxAttempts: 1 });
  clients.push(client);
  return client;
}

export function sts(cloud: TestCloud, credentials?: Creds): STSClient {
  const client = new STSClient({ ...cloud.clientConfig(), ...(credentials ? { credentials } : {}), maxAttempts: 1 });
  clients.push(client);
  return client;
}

export function destroyClients(): void {
  for (const c of clients.splice(0)) c.destroy();
}

/** A trust policy letting the account (its root and, through their policies, its principals) assume the role. */
export const trustAccount = (accountId: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
  });

export const allow = (action: string | string[], resource: string | string[] = '*', condition?: object): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: action, Resource: resource, ...(condition ? { Condition: condition } : {}) },
    ],
  });

/** The error an SDK call rejects with (fails the test if it resolves). */
export { rejection as failure } from '../helpers/rejection.js';

/** Credentials from an AssumeRole answer. */
export function credsOf(out: {
  Credentials?: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string };
}): Creds {
  return {
    accessKeyId: out.Credentials!.AccessKeyId!,
    secretAccessKey: out.Credentials!.SecretAccessKey!,
    sessionToken: out.Credentials!.SessionToken!,
  };
}
