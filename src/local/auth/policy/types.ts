/**
 * The shapes the policy evaluator works on. A PolicyDocument is the normalised form of the JSON
 * (every element that may be a string or an array is an array here), so evaluation never has to
 * ask "one value or many?" again. Produced by parsePolicyDocument (document.ts).
 */

export type Effect = 'Allow' | 'Deny';

/** The two versions IAM accepts. 2008-10-17 is the default when Version is absent. */
export type PolicyVersion = '2012-10-17' | '2008-10-17';

/** Principal kinds as IAM spells them: AWS, Service, Federated, CanonicalUser. */
type PrincipalMap = Readonly<Record<string, readonly string[]>>;

/** `"Principal": "*"` stays the string '*'; every other form becomes a PrincipalMap. */
export type PrincipalSpec = '*' | PrincipalMap;

/** operator (as written, e.g. `ForAnyValue:StringLike`) → condition key → values (strings). */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

export interface PolicyStatement {
  readonly sid?: string;
  readonly effect: Effect;
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  readonly condition?: ConditionBlock;
}

export interface PolicyDocument {
  readonly version: PolicyVersion;
  readonly id?: string;
  readonly statements: readonly PolicyStatement[];
}

/**
 * A value in the request context. Arrays are multivalued keys (aws:TagKeys, …); numbers and
 * booleans are compared through their string form, as IAM does; undefined means "absent".
 */
export type ContextValue = string | readonly string[] | number | boolean | undefined;
export type ContextValues = Readonly<Record<string, ContextValue>>;

/** One request to authorise: who does what to which resource, with its condition keys. */
export interface AuthorizationRequest {
  /** e.g. `sagemaker:InvokeEndpoint` */
  readonly action: string;
  /** e.g. `arn:aws:sagemaker:us-east-1:123456789012:endpoint/houses` */
  readonly resource: string;
  /** The caller as AWS names it in errors (an assumed-role session ARN for role sessions). */
  readonly principalArn: string;
  readonly accountId: string;
  /** Global keys (see buildGlobalContext) and service keys like `sagemaker:TargetModel`. */
  readonly context: ContextValues;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Which statement decided: the policy's id (if given), its position and Sid. */
export interface MatchedStatement {
  readonly policyId?: string;
  readonly statementIndex: number;
  readonly sid?: string;
  readonly effect: Effect;
}

export interface EvaluationResult {
  readonly decision: Decision;
  /** The Deny statements that matched for ExplicitDeny, the Allow ones for Allow, else empty. */
  readonly matchedStatements: readonly MatchedStatement[];
}
