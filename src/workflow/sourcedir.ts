/**
 * sourcedir.tar.gz: the scikit-learn container's code, as the SageMaker Python SDK packs and
 * uploads an estimator's entry point (`{job}/source/sourcedir.tar.gz`, the script at the archive's
 * root). The training container runs `sagemaker_program` from it; the serving container, later,
 * `SAGEMAKER_PROGRAM`. The local cloud runs its native preprocessor instead and ignores the
 * archive, but it is uploaded on both targets: one code path, and the bucket looks the same.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { packModelTar } from '../formats/model-tar.js';
import { SKLEARN_PROGRAM } from './requests.js';

/**
 * python/ ships in the npm package beside dist/ ("files" in package.json). This module is
 * dist/workflow/sourcedir.js when installed and src/workflow/sourcedir.ts under vitest: both two
 * levels below the package root.
 */
function preprocessorScriptPath(): string {
  const path = fileURLToPath(new URL(`../../python/${SKLEARN_PROGRAM}`, import.meta.url));
  if (!existsSync(path))
    throw new Error(`cannot find the preprocessor script at ${path} (is the package's python/ folder missing?)`);
  return path;
}

/**
 * The gzip tar of the script. A fixed mtime makes the archive a function of the script alone,
 * so a dry run and the real run describe the same bytes (and re-runs upload identical objects).
 * packModelTar is the model.tar.gz writer (src/formats): a generic tar.gz of named files.
 */
export async function packSourcedir(script?: Uint8Array): Promise<Buffer> {
  const data = script ?? (await readFile(preprocessorScriptPath()));
  return packModelTar([{ name: SKLEARN_PROGRAM, data }], new Date(0));
}
