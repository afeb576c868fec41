/**
 * What a hosting instance has to offer: memory and disk. The memory figures are the published
 * sizes of the ml.* instance types (the same as their EC2 twins, in GiB). Disk is the ML storage
 * volume SageMaker attaches to hosting instances without instance storage; it is about 30 GiB
 * for the common CPU types (the exact size is not published per type, so one figure serves all).
 *
 * Experiments (the cache behaviour of docs/aws-behaviour.md#multi-model-caching on a small
 * machine) override both through EndpointHostOptions.instance, so that a handful of small models
 * fill an instance.
 */
const GIB = 1024 ** 3;

/** Memory in GiB and vCPUs of the hosting instance types a user of this tool is likely to name. */
const INSTANCE_TYPES: Record<string, { memoryGiB: number; vcpus: number }> = {
  'ml.t2.medium': { memoryGiB: 4, vcpus: 2 },
  'ml.t2.large': { memoryGiB: 8, vcpus: 2 },
  'ml.t2.xlarge': { memoryGiB: 16, vcpus: 4 },
  'ml.t2.2xlarge': { memoryGiB: 32, vcpus: 8 },
  'ml.m4.xlarge': { memoryGiB: 16, vcpus: 4 },
  'ml.m4.2xlarge': { memoryGiB: 32, vcpus: 8 },
  'ml.m4.4xlarge': { memoryGiB: 64, vcpus: 16 },
  'ml.m4.10xlarge': { memoryGiB: 160, vcpus: 40 },
  'ml.m4.16xlarge': { memoryGiB: 256, vcpus: 64 },
  'ml.m5.large': { memoryGiB: 8, vcpus: 2 },
  'ml.m5.xlarge': { memoryGiB: 16, vcpus: 4 },
  'ml.m5.2xlarge': { memoryGiB: 32, vcpus: 8 },
  'ml.m5.4xlarge': { memoryGiB: 64, vcpus: 16 },
  'ml.m5.12xlarge': { memoryGiB: 192, vcpus: 48 },
  'ml.m5.24xlarge': { memoryGiB: 384, vcpus: 96 },
  'ml.c4.large': { memoryGiB: 3.75, vcpus: 2 },
  'ml.c4.xlarge': { memoryGiB: 7.5, vcpus: 4 },
  'ml.c4.2xlarge': { memoryGiB: 15, vcpus: 8 },
  'ml.c4.4xlarge': { memoryGiB: 30, vcpus: 16 },
  'ml.c4.8xlarge': { memoryGiB: 60, vcpus: 36 },
  'ml.c5.large': { memoryGiB: 4, vcpus: 2 },
  'ml.c5.xlarge': { memoryGiB: 8, vcpus: 4 },
  'ml.c5.2xlarge': { memoryGiB: 16, vcpus: 8 },
  'ml.c5.4xlarge': { memoryGiB: 32, vcpus: 16 },
  'ml.c5.9xlarge': { memoryGiB: 72, vcpus: 36 },
  'ml.c5.18xlarge': { memoryGiB: 144, vcpus: 72 },
  'ml.r5.large': { memoryGiB: 16, vcpus: 2 },
  'ml.r5.xlarge': { memoryGiB: 32, vcpus: 4 },
  'ml.r5.2xlarge': { memoryGiB: 64, vcpus: 8 },
  'ml.r5.4xlarge': { memoryGiB: 128, vcpus: 16 },
  'ml.r5.12xlarge': { memoryGiB: 384, vcpus: 48 },
  'ml.r5.24xlarge': { memoryGiB: 768, vcpus: 96 },
  'ml.g4dn.xlarge': { memoryGiB: 16, vcpus: 4 },
  'ml.g4dn.2xlarge': { memoryGiB: 32, vcpus: 8 },
  'ml.p3.2xlarge': { memoryGiB: 61, vcpus: 8 },
};

/** The ML storage volume of a hosting instance without instance storage (approximate). */
const DEFAULT_DISK_BYTES = 30 * GIB;
/** Used for a type missing from the table (the host logs a warning). */
const FALLBACK = { memoryGiB: 8, vcpus: 2 };

export interface InstanceResources {
  instanceType: string;
  memoryBytes: number;
  diskBytes: number;
  vcpus: number;
  /** False when the type was not in the table and defaults were used. */
  known: boolean;
}

export interface InstanceOverrides {
  memoryBytes?: number;
  diskBytes?: number;
}

export function knownInstanceTypes(): string[] {
  return Object.keys(INSTANCE_TYPES);
}

export function instanceResources(instanceType: string, overrides: InstanceOverrides = {}): InstanceResources {
  const spec = INSTANCE_TYPES[instanceType];
  const { memoryGiB, vcpus } = spec ?? FALLBACK;
  for (const [what, bytes] of Object.entries(overrides)) {
    if (bytes !== undefined && !(Number.isSafeInteger(bytes) && bytes > 0))
      throw new RangeError(`instance ${what} must be a positive whole number of bytes, not ${bytes}`);
  }
  return {
    instanceType,
    memoryBytes: overrides.memoryBytes ?? Math.round(memoryGiB * GIB),
    diskBytes: overrides.diskBytes ?? DEFAULT_DISK_BYTES,
    vcpus,
    known: spec !== undefined,
  };
}
