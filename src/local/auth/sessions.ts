/**
 * Temporary credentials issued by STS AssumeRole, as a CredentialStore layered over the account's
 * long-term keys. Sessions are saved to {stateDir}/sts/sessions.json (mode 0600: the file holds
 * live secrets) so that a daemon restart does not invalidate credentials a workflow still holds,
 * as AWS's do not vanish when a server restarts.
 *
 * Expired sessions are kept for a while before being pruned, so that a late caller hears
 * ExpiredToken (which SDK credential providers react to by refreshing) rather than
 * InvalidClientTokenId; AWS likewise keeps recognising its expired tokens.
 */
import { join } from 'node:path';
import { readJsonFile, writeFileAtomic } from '../../util/fs.js';
import type { Principal } from '../service.js';
import type { CredentialRecord, CredentialStore } from './credentials.js';

/** How long an expired session is still recognised (then it is unknown). */
const EXPIRED_RETENTION_MS = 6 * 60 * 60 * 1000;

export interface SessionRecord {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO 8601. */
  expiresAt: string;
  issuedAt: string;
  accountId: string;
  roleArn: string;
  /** The role's AROA… id at issue time: a role deleted and re-created under the same name is a different role. */
  roleId: string;
  roleName: string;
  sessionName: string;
  /** Session policies (inline Policy, then the documents of PolicyArns), as text, snapshotted at issue. */
  sessionPolicies: string[];
  /** Issued to a role session (role chaining): AWS caps such sessions at one hour. */
  chained: boolean;
  sourceIdentity?: string;
}

interface SessionsFile {
  format: 1;
  sessions: SessionRecord[];
}

export function sessionPrincipal(s: SessionRecord): Principal {
  return {
    kind: 'assumed-role',
    arn: `arn:aws:sts::${s.accountId}:assumed-role/${s.roleName}/${s.sessionName}`,
    accountId: s.accountId,
    accessKeyId: s.accessKeyId,
    userId: `${s.roleId}:${s.sessionName}`,
    roleName: s.roleName,
    sessionName: s.sessionName,
  };
}

export interface SessionStoreOptions {
  /** The long-term keys (the account root); looked up first. */
  base: CredentialStore;
  /** Directory for sessions.json; undefined keeps sessions in memory only. */
  dir?: string;
  now?: () => Date;
}

export class SessionStore implements CredentialStore {
  private readonly base: CredentialStore;
  private readonly file: string | undefined;
  private readonly now: () => Date;
  private readonly sessions = new Map<string, { session: SessionRecord; credential: CredentialRecord }>();
  private saving: Promise<void> = Promise.resolve();

  private constructor(options: SessionStoreOptions) {
    this.base = options.base;
    this.file = options.dir === undefined ? undefined : join(options.dir, 'sessions.json');
    this.now = options.now ?? (() => new Date());
  }

  static async open(options: SessionStoreOptions): Promise<SessionStore> {
    const store = new SessionStore(options);
    if (store.file) {
      const saved = await readJsonFile<SessionsFile>(store.file);
      if (saved && (saved.format !== 1 || !Array.isArray(saved.sessions)))
        throw new Error(`${store.file} is not a sessions file this version understands`);
      for (const session of saved?.sessions ?? []) store.index(session);
      store.prune();
    }
    return store;
  }

  lookup(accessKeyId: string): CredentialRecord | undefined {
    return this.base.lookup(accessKeyId) ?? this.sessions.get(accessKeyId)?.credential;
  }

  /** The session behind temporary credentials, for the authorizer (session policies, role id). */
  session(accessKeyId: string): SessionRecord | undefined {
    return this.sessions.get(accessKeyId)?.session;
  }

  /** Register new temporary credentials and save them before they are handed out. */
  async add(session: SessionRecord): Promise<void> {
    this.index(session);
    this.prune();
    await this.save();
  }

  private index(session: SessionRecord): void {
    const credential: CredentialRecord = {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiresAt: new Date(session.expiresAt),
      principal: sessionPrincipal(session),
    };
    this.sessions.set(session.accessKeyId, { session, credential });
  }

  /** Drop sessions expired longer than EXPIRED_RETENTION_MS ago. */
  private prune(): void {
    const cutoff = this.now().getTime() - EXPIRED_RETENTION_MS;
    for (const [id, { credential }] of this.sessions) {
      if (credential.expiresAt!.getTime() <= cutoff) this.sessions.delete(id);
    }
  }

  /** Saves run one after another, each writing the sessions as they are when it starts. */
  private save(): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const run = this.saving
      .catch(() => {})
      .then(() => {
        const data: SessionsFile = { format: 1, sessions: [...this.sessions.values()].map((s) => s.session) };
        return writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n', 0o600);
      });
    this.saving = run;
    return run;
  }
}
