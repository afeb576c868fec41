/**
 * A few AWS managed policies (arn:aws:iam::aws:policy/…), so that the usual "attach
 * AmazonSageMakerFullAccess to the execution role" or "AmazonS3ReadOnlyAccess to a reader" works
 * locally and ListPolicies --scope AWS is not empty. They are read-only: DeletePolicy refuses
 * them, as IAM does for every AWS managed policy.
 *
 * AdministratorAccess, AmazonS3FullAccess and AmazonS3ReadOnlyAccess carry AWS's documents.
 * AmazonSageMakerFullAccess is ABRIDGED: AWS's document is several hundred lines over dozens of
 * services; this keeps its core (sagemaker:*, S3 on buckets whose name says SageMaker, PassRole
 * only to SageMaker) and says so in its Description.
 */
import { createHash } from 'node:crypto';
import type { ManagedPolicyRecord } from './types.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A stable ANPA… id derived from the name (the real ids are not ours to copy). */
function stableId(name: string): string {
  const digest = createHash('sha256').update(name).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += BASE32[digest[i]! & 31];
  return id;
}

const SAGEMAKER_BUCKETS = ['arn:aws:s3:::*SageMaker*', 'arn:aws:s3:::*Sagemaker*', 'arn:aws:s3:::*sagemaker*'];

const CATALOG: { name: string; path: string; created: string; description: string; document: object }[] = [
  {
    name: 'AdministratorAccess',
    path: '/',
    created: '2015-02-06T18:39:46Z',
    description: 'Provides full access to AWS services and resources.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  {
    name: 'AmazonS3FullAccess',
    path: '/',
    created: '2015-02-06T18:40:58Z',
    description: 'Provides full access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
    },
  },
  {
    name: 'AmazonS3ReadOnlyAccess',
    path: '/',
    created: '2015-02-06T18:40:59Z',
    description: 'Provides read only access to all buckets via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'AmazonSageMakerFullAccess',
    path: '/',
    created: '2017-11-29T23:23:50Z',
    description:
      'Provides full access to Amazon SageMaker (abridged by the mme local cloud: sagemaker:*, SageMaker-named buckets, PassRole to SageMaker).',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['sagemaker:*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
          Resource: SAGEMAKER_BUCKETS.map((b) => `${b}/*`),
        },
        {
          Effect: 'Allow',
          Action: ['s3:CreateBucket', 's3:GetBucketLocation', 's3:ListBucket'],
          Resource: SAGEMAKER_BUCKETS,
        },
        { Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 'cloudwatch:*', 'logs:*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: 'arn:aws:iam::*:role/*',
          Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        },
      ],
    },
  },
];

export const AWS_MANAGED_POLICIES: readonly ManagedPolicyRecord[] = CATALOG.map((p) => ({
  policyName: p.name,
  policyId: stableId(p.name),
  path: p.path,
  arn: `arn:aws:iam::aws:policy${p.path}${p.name}`,
  description: p.description,
  createDate: p.created,
  updateDate: p.created,
  defaultVersionId: 'v1',
  versions: [{ versionId: 'v1', document: JSON.stringify(p.document), createDate: p.created }],
  tags: [],
  nextVersion: 2,
  awsManaged: true,
}));
