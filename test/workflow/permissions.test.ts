/** The policies `mme permissions` prints, as pure values: scoped to the workflow's own names. */
import { describe, expect, it } from 'vitest';
import { callerPolicy, executionRolePolicy, policySize } from '../../src/workflow/permissions.js';

const scope = {
  region: 'eu-west-1',
  account: '123456789012',
  bucket: 'my-bucket',
  prefix: 'DEMO_MME_LINEAR_LEARNER',
  endpoint: 'houses',
  executionRoleArn: 'arn:aws:iam::123456789012:role/mme-sagemaker-execution',
};

describe('permissions', () => {
  it("the caller's policy names only the workflow's resources, and passes the role to SageMaker only", () => {
    const p = callerPolicy([], scope);
    const resources = p.Statement.flatMap((s) => s.Resource);
    expect(resources).toContain('arn:aws:sagemaker:eu-west-1:123456789012:endpoint/houses');
    expect(resources).toContain('arn:aws:sagemaker:eu-west-1:123456789012:training-job/mme-train-*');
    expect(resources).toContain('arn:aws:s3:::my-bucket/*');
    for (const r of resources) expect(r === '*' || r.includes('123456789012') || r.includes('my-bucket')).toBe(true);
    const pass = p.Statement.find((s) => s.Action.includes('iam:PassRole'))!;
    expect(pass.Resource).toEqual([scope.executionRoleArn]);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } });
    // Only List* and GetMetricData go on '*'.
    const anywhere = p.Statement.filter((s) => s.Resource.includes('*')).flatMap((s) => s.Action);
    for (const a of anywhere) expect(a).toMatch(/^sagemaker:(List|Search$)|^cloudwatch:GetMetricData$/);
    expect(policySize(p)).toBeLessThanOrEqual(6144);
    expect(new Set(p.Statement.map((s) => s.Sid)).size).toBe(p.Statement.length);
  });

  it("without --endpoint: every algorithm's own endpoint, and the images of all of them for the role", () => {
    const { endpoint: _one, ...every } = scope;
    const resources = callerPolicy(['deploy', 'invoke'], every).Statement.flatMap((s) => s.Resource);
    for (const e of ['mme-linear-learner', 'mme-xgboost', 'mme-knn', 'mme-rcf']) {
      expect(resources).toContain(`arn:aws:sagemaker:eu-west-1:123456789012:endpoint/${e}`);
      expect(resources).toContain(`arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config/${e}-*`);
    }
    const repositories = executionRolePolicy(every).Statement.find((s) => s.Sid === 'EcrPull')!.Resource;
    expect(repositories.map((r) => r.split('/').at(-1)).sort()).toEqual([
      'knn',
      'linear-learner',
      'randomcutforest',
      'sagemaker-scikit-learn',
      'sagemaker-xgboost',
    ]);
    expect(policySize(callerPolicy([], every))).toBeLessThanOrEqual(6144);
  });

  it('per command: invoke needs InvokeEndpoint (and AssumeRole for --role-arn), nothing of S3', () => {
    const actions = callerPolicy(['invoke'], scope).Statement.flatMap((s) => s.Action);
    expect(actions.sort()).toEqual(['sagemaker:InvokeEndpoint', 'sts:AssumeRole']);
  });

  it("the execution role's policy: the bucket, the images' repositories in the region, SageMaker's logs", () => {
    const doc = JSON.stringify(executionRolePolicy(scope));
    expect(doc).toContain('arn:aws:s3:::my-bucket/*');
    expect(doc).toMatch(/arn:aws:ecr:eu-west-1:\d{12}:repository\/linear-learner/);
    expect(doc).toMatch(/arn:aws:ecr:eu-west-1:\d{12}:repository\/sagemaker-scikit-learn/);
    expect(doc).toContain('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/sagemaker/*');
  });
});
