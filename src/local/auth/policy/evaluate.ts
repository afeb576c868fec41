/**
 * The decision for one request against the identity-based policies of one principal, and the
 * trust check behind sts:AssumeRole. The rule (reference_policies_evaluation-logic.html): "An
 * explicit deny in any policy overrides any allows"; otherwise an Allow statement that matches
 * allows; otherwise the request is implicitly denied.
 */
import { conditionsMatch } from './conditions.js';
import { RequestContext } from './context.js';
import { principalMatches } from './principal.js';
import type {
  AuthorizationRequest,
  ContextValues,
  EvaluationResult,
  MatchedStatement,
  PolicyDocument,
  PolicyStatement,
} from './types.js';
import { actionMatches, resourceMatches, type VariableLookup } from './wildcard.js';

/** A policy to evaluate, optionally with an id (its ARN or name) to report in matchedStatements. */
export type PolicyInput = PolicyDocument | { readonly id: string; readonly document: PolicyDocument };

/**
 * Action matches: any entry of Action, or none of NotAction ("NotAction … matches everything
 * except the specified list of actions", reference_policies_elements_notaction.html).
 */
function statementActionMatches(statement: PolicyStatement, action: string): boolean {
  if (statement.action) return statement.action.some((p) => actionMatches(p, action));
  if (statement.notAction) return !statement.notAction.some((p) => actionMatches(p, action));
  return false;
}

/**
 * Resource/NotResource the same way; a statement with neither (trust policies) applies to the
 * role itself. An entry with an unresolvable policy variable never matches; in NotResource it
 * makes the statement inapplicable instead of "not listed", since matching it failed and IAM
 * then treats the statement as invalid (reference_policies_variables.html) — otherwise a
 * missing aws:username would widen an Allow with NotResource to every resource.
 */
function statementResourceMatches(
  statement: PolicyStatement,
  resource: string,
  lookup: VariableLookup | undefined,
): boolean {
  if (statement.resource) return statement.resource.some((p) => resourceMatches(p, resource, lookup) === true);
  if (statement.notResource) {
    const results = statement.notResource.map((p) => resourceMatches(p, resource, lookup));
    return !results.includes(null) && !results.includes(true);
  }
  return true;
}

function decide(matched: MatchedStatement[]): EvaluationResult {
  const denies = matched.filter((s) => s.effect === 'Deny');
  if (denies.length > 0) return { decision: 'ExplicitDeny', matchedStatements: denies };
  if (matched.length > 0) return { decision: 'Allow', matchedStatements: matched };
  return { decision: 'ImplicitDeny', matchedStatements: [] };
}

function describe(policyId: string | undefined, statementIndex: number, statement: PolicyStatement): MatchedStatement {
  return {
    ...(policyId !== undefined ? { policyId } : {}),
    statementIndex,
    ...(statement.sid !== undefined ? { sid: statement.sid } : {}),
    effect: statement.effect,
  };
}

/** Identity-based policies of one principal: explicit Deny beats Allow beats implicit deny. */
export function evaluate(request: AuthorizationRequest, policies: readonly PolicyInput[]): EvaluationResult {
  const context = new RequestContext(request.context);
  const matched: MatchedStatement[] = [];
  for (const input of policies) {
    const [policyId, document] = 'document' in input ? [input.id, input.document] : [undefined, input];
    // Policy variables exist only in Version 2012-10-17; before it `${…}` is literal text
    // (reference_policies_variables.html).
    const variables = document.version === '2012-10-17';
    const lookup = variables ? context.variable : undefined;
    document.statements.forEach((statement, index) => {
      if (
        statementActionMatches(statement, request.action) &&
        statementResourceMatches(statement, request.resource, lookup) &&
        conditionsMatch(statement.condition, context, variables)
      ) {
        matched.push(describe(policyId, index, statement));
      }
    });
  }
  return decide(matched);
}

/**
 * May `principal` (an ARN, or a service principal like `sagemaker.amazonaws.com`) perform
 * `action` on the role whose trust policy this is? Principal / NotPrincipal, Action / NotAction
 * and Condition are checked; `context` carries keys like sts:ExternalId or aws:SourceAccount.
 */
export function evaluateTrust(
  trustPolicy: PolicyDocument,
  principal: string,
  action = 'sts:AssumeRole',
  context: ContextValues = {},
): EvaluationResult {
  const requestContext = new RequestContext(context);
  const variables = trustPolicy.version === '2012-10-17';
  const matched: MatchedStatement[] = [];
  trustPolicy.statements.forEach((statement, index) => {
    const principalOk = statement.principal
      ? principalMatches(statement.principal, principal)
      : statement.notPrincipal
        ? !principalMatches(statement.notPrincipal, principal)
        : false;
    if (
      principalOk &&
      statementActionMatches(statement, action) &&
      conditionsMatch(statement.condition, requestContext, variables)
    ) {
      matched.push(describe(undefined, index, statement));
    }
  });
  return decide(matched);
}
