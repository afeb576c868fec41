import { describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/errors.js';
import { algorithmForImage } from '../../src/local/jobs/images.js';
import {
  DEFAULT_SKLEARN_VERSION,
  imageUri,
  sklearnImages,
  sklearnVersions,
  supportedRegions,
} from '../../src/workflow/image-uris.js';

describe('imageUri', () => {
  it('builds linear-learner URIs from the SDK table', () => {
    expect(imageUri('linear-learner', 'us-east-1')).toBe(
      '382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1',
    );
    expect(imageUri('linear-learner', 'eu-west-1')).toBe(
      '438346466558.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1',
    );
    expect(imageUri('linear-learner', 'ap-southeast-2')).toBe(
      '712309505854.dkr.ecr.ap-southeast-2.amazonaws.com/linear-learner:1',
    );
  });

  it('builds scikit-learn URIs with the {version}-cpu-py3 tag, default 1.2-1', () => {
    expect(DEFAULT_SKLEARN_VERSION).toBe('1.2-1');
    expect(imageUri('sklearn', 'us-east-1')).toBe(
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
    );
    expect(imageUri('sklearn', 'us-west-2', '1.0-1')).toBe(
      '246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.0-1-cpu-py3',
    );
  });

  it('uses the .amazonaws.com.cn domain in China', () => {
    expect(imageUri('linear-learner', 'cn-north-1')).toBe(
      '390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/linear-learner:1',
    );
    expect(imageUri('sklearn', 'cn-northwest-1')).toBe(
      '451049120500.dkr.ecr.cn-northwest-1.amazonaws.com.cn/sagemaker-scikit-learn:1.2-1-cpu-py3',
    );
  });

  it('refuses an unknown region, naming the supported ones', () => {
    const err = (() => {
      try {
        imageUri('linear-learner', 'mars-north-1');
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toContain('mars-north-1');
    expect(err!.hint).toContain('us-east-1');
    expect(err!.hint).toContain('eu-central-1');
    expect(supportedRegions('sklearn')).toContain('il-central-1');
  });

  it('refuses a version without an image for the scope', () => {
    expect(() => imageUri('sklearn', 'us-east-1', '9.9-9')).toThrow(UsageError);
    // 1.4-2 trains but has no inference image: the preprocessor could not serve.
    expect(imageUri('sklearn', 'us-east-1', '1.4-2', 'training')).toContain(':1.4-2-cpu-py3');
    expect(() => imageUri('sklearn', 'us-east-1', '1.4-2', 'inference')).toThrow(/no inference image/);
    expect(() => sklearnImages('us-east-1', '1.4-2')).toThrow(UsageError);
    expect(sklearnVersions('inference')).toContain(DEFAULT_SKLEARN_VERSION);
    expect(sklearnVersions('training')).toContain(DEFAULT_SKLEARN_VERSION);
  });

  it('gives URIs the local cloud runs natively', () => {
    expect(algorithmForImage(imageUri('linear-learner', 'eu-west-1'))).toBe('linear-learner');
    expect(algorithmForImage(imageUri('sklearn', 'cn-north-1'))).toBe('sklearn-preprocessor');
    for (const v of sklearnVersions('training'))
      expect(algorithmForImage(imageUri('sklearn', 'us-east-1', v))).toBe('sklearn-preprocessor');
  });
});
