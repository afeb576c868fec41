/**
 * What an endpoint's model runs: its containers in order (an inference pipeline calls them one
 * after the other, docs/architecture.md) and, for each, its image, its mode and the algorithm the
 * image is (src/aws-names/image-uris.ts). `mme status` names the multi-model prefix; the console
 * shows the whole pipeline. The mapping is pure; describePipeline is the one DescribeModel call.
 */
import { DescribeModelCommand, type DescribeModelOutput, type SageMakerClient } from '@aws-sdk/client-sagemaker';
import { parseImageUri } from '../aws-names/image-uris.js';

export interface ContainerReport {
  image: string;
  /** SingleModel (the default) or MultiModel. */
  mode: string;
  modelDataUrl?: string;
  /** The algorithm and version the image is, when it is one of the images mme knows. */
  algorithm?: string;
  version?: string;
}

/** The containers of a DescribeModel answer: `Containers` (a pipeline) or the `PrimaryContainer`. */
export function containerReports(
  model: Pick<DescribeModelOutput, 'Containers' | 'PrimaryContainer'>,
): ContainerReport[] {
  const containers = model.Containers?.length
    ? model.Containers
    : model.PrimaryContainer
      ? [model.PrimaryContainer]
      : [];
  return containers.map((c) => {
    const image = c.Image ?? '';
    const parsed = parseImageUri(image);
    return {
      image,
      mode: c.Mode ?? 'SingleModel',
      ...(c.ModelDataUrl ? { modelDataUrl: c.ModelDataUrl } : {}),
      ...(parsed ? { algorithm: parsed.algorithm, version: parsed.version } : {}),
    };
  });
}

export async function describePipeline(
  sm: Pick<SageMakerClient, 'send'>,
  modelName: string,
): Promise<ContainerReport[]> {
  return containerReports(await sm.send(new DescribeModelCommand({ ModelName: modelName })));
}
