import { describe, expect, it } from 'vitest';
import { callerPolicy, executionRolePolicy, policySize } from '../../src/workflow/permissions.js';

const scope = {
  region: 'us-east-1',
  account: '123456789012',
  bucket: 'my-bucket',
  prefix: 'DEMO_MME_LINEAR_LEARNER',
  endpoint: 'mme-linear-learner',
  executionRoleArn: 'arn:aws:iam::123456789012:role/mme-sagemaker-execution',
};

describe('permissions', () => {
  it('prints', () => {
    const p = callerPolicy([], scope);
    console.log(JSON.stringify(p, null, 1), policySize(p));
    console.log(JSON.stringify(executionRolePolicy(scope), null, 1));
    expect(p.Statement.length).toBeGreaterThan(0);
  });
});
