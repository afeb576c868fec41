/**
 * Other AWS tools for the interop tests: whether boto3 and the AWS CLI are installed, and the
 * environment that points them at a local cloud (nothing but environment variables, as
 * `mme local env` prints them, and a HOME of the test's own so no user config is read).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestCloud } from './local-cloud.js';

export const run = promisify(execFile);

async function works(cmd: string, args: string[]): Promise<boolean> {
  try {
    await run(cmd, args, { timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** The first of `pythons` that imports boto3, or undefined. */
export async function findPythonWithBoto3(pythons: string[] = ['python3']): Promise<string | undefined> {
  for (const py of pythons) if (await works(py, ['-c', 'import boto3'])) return py;
  return undefined;
}

/** `aws` if the AWS CLI runs, or undefined. */
export async function findAwsCli(): Promise<string | undefined> {
  return (await works('aws', ['--version'])) ? 'aws' : undefined;
}

/** The environment boto3 and the AWS CLI need to reach `cloud`, with `home` as HOME. */
export function awsToolEnv(cloud: TestCloud, home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ENDPOINT_URL: cloud.endpoint,
    AWS_ACCESS_KEY_ID: cloud.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: cloud.credentials.secretAccessKey,
    AWS_REGION: cloud.region,
    AWS_DEFAULT_REGION: cloud.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}
