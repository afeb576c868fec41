import { parsePolicyDocument, type PolicyDocument } from '../../src/local/auth/policy/index.js';

/** An identity policy from plain statements, validated the way IAM's CreatePolicy would. */
export function identityPolicy(...statements: object[]): PolicyDocument {
  return parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
}

export const ACCOUNT = '123456789012';
export const ENDPOINT = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:endpoint/houses`;
export const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/MME_Invoke_NY/MME_Invoke_NY_Model`;
