import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { preprocessRequests, renderRequests, trainRequests } from '../../src/workflow/dry-run.js';
import { POLL } from '../../src/workflow/jobs.js';
import { planPreprocess } from '../../src/workflow/preprocess.js';
import { layout } from '../../src/workflow/requests.js';
import { packSourcedir } from '../../src/workflow/sourcedir.js';
import { planTrain } from '../../src/workflow/train.js';

const target = {
  bucket: 'b',
  prefix: 'P',
  region: 'us-east-1',
  roleArn: 'arn:aws:iam::<local-account-id>:role/mme-local-sagemaker-execution',
  runId: '20250301-000000-abcd',
};
const locations = ['NewYork_NY', 'Chicago_IL'];

describe('dry run', () => {
  it('lists the preprocess requests in the order the step sends them', () => {
    const o = {
      ...target,
      locations,
      instanceType: 'ml.c4.xlarge',
      transformInstanceType: 'ml.c4.xlarge',
      seed: 42,
      validationFraction: 0.3,
      parallel: 4,
      poll: POLL.local,
    };
    const plan = planPreprocess(o);
    const requests = preprocessRequests(plan, o, 1234);
    expect(requests.map((r) => `${r.service} ${r.operation}`)).toEqual([
      'S3 PutObject',
      'SageMaker CreateTrainingJob',
      'SageMaker DescribeTrainingJob',
      'SageMaker CreateModel',
      ...locations.flatMap(() => [
        'SageMaker CreateTransformJob',
        'SageMaker DescribeTransformJob',
        'S3 GetObject',
        'S3 PutObject',
        'S3 PutObject',
      ]),
    ]);
    // The very inputs the run sends.
    expect(requests[1]!.input).toEqual(plan.fit);
    expect(requests[3]!.input).toEqual(plan.model(plan.expectedModelDataUrl));
    expect(requests[4]!.input).toEqual(plan.transforms[0]!.request);
    expect(requests[0]!.input).toMatchObject({
      Key: `${plan.fit.TrainingJobName}/source/sourcedir.tar.gz`,
      Body: '<sourcedir.tar.gz: 1234 bytes>',
    });
    expect(requests[7]!.input).toMatchObject({
      Key: 'P/preprocessed/NewYork_NY/train/train.csv',
      Metadata: { 'mme-preprocess-job': plan.fit.TrainingJobName },
    });
    // --json prints them as they are: plain JSON values.
    expect(JSON.parse(JSON.stringify(requests))).toEqual(requests);
  });

  it('lists the train requests: the data checks, then each job', () => {
    const plan = planTrain({ ...target, locations, instanceType: 'ml.c4.xlarge' });
    const keys = Object.fromEntries(locations.map((l) => [l, layout.preprocessedKey('P', l, 'train')]));
    const requests = trainRequests(plan, { bucket: 'b', parallel: 4, wait: true }, keys);
    expect(requests.map((r) => r.operation)).toEqual([
      'HeadObject',
      'HeadObject',
      'CreateTrainingJob',
      'DescribeTrainingJob',
      'CreateTrainingJob',
      'DescribeTrainingJob',
    ]);
    expect(requests[2]!.input).toEqual(plan.jobs[0]!.request);
    expect(requests[0]!.input).toEqual({ Bucket: 'b', Key: 'P/preprocessed/NewYork_NY/train/train.csv' });
  });

  it('renders a numbered list with each input as JSON', () => {
    const text = renderRequests([
      { service: 'S3', operation: 'HeadObject', input: { Bucket: 'b', Key: 'k' }, note: 'why' },
      { service: 'SageMaker', operation: 'DescribeTrainingJob', input: { TrainingJobName: 'j' } },
    ]);
    expect(text).toBe(
      [
        '1. S3 HeadObject  (why)',
        '   {',
        '     "Bucket": "b",',
        '     "Key": "k"',
        '   }',
        '',
        '2. SageMaker DescribeTrainingJob',
        '   {',
        '     "TrainingJobName": "j"',
        '   }',
      ].join('\n'),
    );
  });
});

describe('sourcedir.tar.gz', () => {
  it('packs the preprocessor script at the archive root, the same bytes every time', async () => {
    const a = await packSourcedir();
    expect(a.equals(await packSourcedir())).toBe(true);
    const tar = gunzipSync(a);
    expect(tar.subarray(0, 100).toString('utf8').replace(/\0+$/, '')).toBe('sklearn_preprocessor.py');
    expect(tar.toString('utf8')).toContain('def model_fn(model_dir)');
  });
});
