/**
 * Who holds which keys. The account root's access key is generated at the local cloud's first
 * start (never a well-known pair: anything on this machine that can read the 0600 file can act as
 * root, nothing else can). IAM users' access keys live in IAM's state and are looked up there on
 * every request, so a deleted key stops working at once. Temporary credentials from STS are
 * layered over these (sessions.ts).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Principal } from '../service.js';

export interface CredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary (STS) credentials: the request must sign it as x-amz-security-token. */
  sessionToken?: string;
  expiresAt?: Date;
  principal: Principal;
}

export interface CredentialStore {
  lookup(accessKeyId: string): CredentialRecord | undefined;
}

export interface RootAccount {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** An id in AWS's shape: a 4-letter type prefix (AKIA, ASIA, AROA, ANPA…) + 16 base32 characters. */
export function awsId(prefix: string): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

/** 40 characters from the alphabet AWS secret keys use. */
export function newSecretAccessKey(): string {
  return randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
}

export function newRootAccount(): RootAccount {
  // Twelve digits, not starting with 0 so it never reads as a shorter number in a JSON tool.
  const accountId = String(randomInt(1, 10)) + String(randomInt(0, 1e11)).padStart(11, '0');
  return { accountId, accessKeyId: awsId('AKIA'), secretAccessKey: newSecretAccessKey() };
}

export function rootPrincipal(account: RootAccount): Principal {
  return {
    kind: 'root',
    arn: `arn:aws:iam::${account.accountId}:root`,
    accountId: account.accountId,
    accessKeyId: account.accessKeyId,
    userId: account.accountId,
  };
}

/** What the credential store needs of IAM: the user holding an access key (IamState.accessKey). */
export interface UserKeyLookup {
  accessKey(
    accessKeyId: string,
  ):
    | { user: { userName: string; userId: string; arn: string }; key: { accessKeyId: string; secretAccessKey: string } }
    | undefined;
}

function userPrincipal(
  accountId: string,
  user: { userName: string; userId: string; arn: string },
  accessKeyId: string,
): Principal {
  return { kind: 'user', arn: user.arn, accountId, accessKeyId, userId: user.userId, userName: user.userName };
}

/** The account's long-term keys: the root's, then those of its IAM users. */
export class AccountCredentialStore implements CredentialStore {
  private readonly root: CredentialRecord;

  constructor(
    private readonly account: RootAccount,
    private readonly users: UserKeyLookup,
  ) {
    this.root = {
      accessKeyId: account.accessKeyId,
      secretAccessKey: account.secretAccessKey,
      principal: rootPrincipal(account),
    };
  }

  lookup(accessKeyId: string): CredentialRecord | undefined {
    if (accessKeyId === this.root.accessKeyId) return this.root;
    const found = this.users.accessKey(accessKeyId);
    if (!found) return undefined;
    return {
      accessKeyId,
      secretAccessKey: found.key.secretAccessKey,
      principal: userPrincipal(this.account.accountId, found.user, accessKeyId),
    };
  }
}

/** The root key plus any temporary credentials issued since start. */
export class InMemoryCredentialStore implements CredentialStore {
  private readonly records = new Map<string, CredentialRecord>();

  constructor(root: RootAccount) {
    this.add({ accessKeyId: root.accessKeyId, secretAccessKey: root.secretAccessKey, principal: rootPrincipal(root) });
  }

  add(record: CredentialRecord): void {
    this.records.set(record.accessKeyId, record);
  }

  lookup(accessKeyId: string): CredentialRecord | undefined {
    return this.records.get(accessKeyId);
  }
}
