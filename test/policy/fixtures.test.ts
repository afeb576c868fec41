import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildGlobalContext,
  evaluate,
  evaluateTrust,
  formatAccessDenied,
  parsePolicyDocument,
} from '../../src/local/auth/policy/index.js';
import { ACCOUNT, ENDPOINT, SESSION } from './helpers.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/policy/${name}`, import.meta.url), 'utf8');

describe('the reference workflow, end to end through the policy layer', () => {
  const trust = parsePolicyDocument(fixture('trust-caller-account.json'), 'trust');
  const policy = parsePolicyDocument(fixture('invoke-new-york-models.json'));
  const context = buildGlobalContext(SESSION, new Date('2024-06-01T00:00:00Z'), 'us-east-1', true, '127.0.0.1');
  const invoke = (targetModel: string) =>
    evaluate(
      {
        action: 'sagemaker:InvokeEndpoint',
        resource: ENDPOINT,
        principalArn: SESSION,
        accountId: ACCOUNT,
        context: { ...context, 'sagemaker:TargetModel': targetModel },
      },
      [{ id: `arn:aws:iam::${ACCOUNT}:policy/InvokeNY`, document: policy }],
    );

  it('lets the caller assume the role', () => {
    expect(evaluateTrust(trust, `arn:aws:iam::${ACCOUNT}:user/admin`).decision).toBe('Allow');
  });
  it('answers New York and refuses Chicago with the workflow message', () => {
    expect(invoke('NewYork_NY/NewYork_NY.tar.gz')).toEqual({
      decision: 'Allow',
      matchedStatements: [
        {
          policyId: `arn:aws:iam::${ACCOUNT}:policy/InvokeNY`,
          statementIndex: 0,
          sid: 'InvokeNewYorkModelsOnly',
          effect: 'Allow',
        },
      ],
    });
    const chicago = invoke('Chicago_IL/Chicago_IL.tar.gz');
    expect(chicago.decision).toBe('ImplicitDeny');
    expect(formatAccessDenied(SESSION, 'sagemaker:InvokeEndpoint', ENDPOINT)).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/MME_Invoke_NY/MME_Invoke_NY_Model is not authorized to perform: sagemaker:InvokeEndpoint on resource: arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/houses`,
    );
  });
});
