/**
 * ECR repositories, tags and registry accounts of the images mme runs, per region, transcribed from
 * the SageMaker Python SDK's image URI configuration (update it from a newer SDK's table):
 *   source: aws/sagemaker-python-sdk@v2.257.6 src/sagemaker/image_uri_config/{linear-learner,sklearn}.json
 *   and src/sagemaker/image_uri_config/xgboost.json (the sagemaker-xgboost framework versions);
 *   knn.json and randomcutforest.json for the other first-party algorithms.
 * A TS table rather than a JSON import: tsc emits no JSON to dist/ without resolveJsonModule.
 *
 * Each image is one entry of IMAGES, data only: another built-in algorithm or framework version
 * is one more entry, and both
 * the URIs the workflow builds and the ones the local cloud recognises follow from it
 * (image-uris.ts).
 */

export interface ImageEntry {
  /** The ECR repository: what identifies the image whatever the account and region. */
  readonly repository: string;
  /** The tag of a version: `{version}` stands for it. */
  readonly tagFormat: string;
  /** Versions whose tag is written otherwise (the oldest XGBoost images carry `-cpu-py3`). */
  readonly tagFormats?: Readonly<Record<string, string>>;
  /** Versions with an image, for training jobs and for models (hosting, batch transform). */
  readonly versions: { readonly training: readonly string[]; readonly inference: readonly string[] };
  /** The version used when none is asked for. */
  readonly defaultVersion: string;
  /** Other tags the registry serves for the default version (Docker reads no tag as `latest`). */
  readonly aliasTags?: readonly string[];
  /** How messages name the versions: "scikit-learn version '9.9-9' has no training image". */
  readonly versionLabel: string;
  /** The registry account per region. */
  readonly registries: Readonly<Record<string, string>>;
}

/** linear-learner: the built-in algorithm, one tag for every region. */
const LINEAR_LEARNER: ImageEntry = {
  repository: 'linear-learner',
  tagFormat: '{version}',
  versions: { training: ['1'], inference: ['1'] },
  defaultVersion: '1',
  aliasTags: ['latest'],
  versionLabel: 'linear-learner version',
  registries: {
    'af-south-1': '455444449433',
    'ap-east-1': '286214385809',
    'ap-northeast-1': '351501993468',
    'ap-northeast-2': '835164637446',
    'ap-northeast-3': '867004704886',
    'ap-south-1': '991648021394',
    'ap-south-2': '628508329040',
    'ap-southeast-1': '475088953585',
    'ap-southeast-2': '712309505854',
    'ap-southeast-3': '951798379941',
    'ap-southeast-4': '106583098589',
    'ca-central-1': '469771592824',
    'ca-west-1': '190319476487',
    'cn-north-1': '390948362332',
    'cn-northwest-1': '387376663083',
    'eu-central-1': '664544806723',
    'eu-central-2': '680994064768',
    'eu-north-1': '669576153137',
    'eu-south-1': '257386234256',
    'eu-south-2': '104374241257',
    'eu-west-1': '438346466558',
    'eu-west-2': '644912444149',
    'eu-west-3': '749696950732',
    'il-central-1': '898809789911',
    'me-central-1': '272398656194',
    'me-south-1': '249704162688',
    'sa-east-1': '855470959533',
    'us-east-1': '382416733822',
    'us-east-2': '404615174143',
    'us-gov-east-1': '237065988967',
    'us-gov-west-1': '226302683700',
    'us-iso-east-1': '490574956308',
    'us-isob-east-1': '765400339828',
    'us-isof-east-1': '108575199400',
    'us-isof-south-1': '124985052026',
    'us-west-1': '632365934929',
    'us-west-2': '174872318107',
  },
};

/**
 * The other first-party algorithms mme runs, from the linear learner's registries: the SDK's
 * knn.json and randomcutforest.json name the same account in every region they list (they list
 * fewer regions than linear-learner.json; the first-party algorithms share one registry a region).
 */
const firstParty = (repository: string, versionLabel: string): ImageEntry => ({
  ...LINEAR_LEARNER,
  repository,
  versionLabel,
});
const KNN = firstParty('knn', 'k-NN version');
const RANDOM_CUT_FOREST = firstParty('randomcutforest', 'Random Cut Forest version');

/** sagemaker-scikit-learn: the framework container; tags are {version}-cpu-py3. */
const SKLEARN: ImageEntry = {
  repository: 'sagemaker-scikit-learn',
  tagFormat: '{version}-cpu-py3',
  versions: {
    inference: ['0.20.0', '0.23-1', '1.0-1', '1.2-1'],
    training: ['0.20.0', '0.23-1', '1.0-1', '1.2-1', '1.4-2'],
  },
  /**
   * 1.2-1: the newest version in BOTH the training and the inference lists (1.4-2 trains but
   * cannot serve), and the preprocessor's model is served by the same image it was trained with.
   */
  defaultVersion: '1.2-1',
  versionLabel: 'scikit-learn version',
  registries: {
    'af-south-1': '510948584623',
    'ap-east-1': '651117190479',
    'ap-northeast-1': '354813040037',
    'ap-northeast-2': '366743142698',
    'ap-northeast-3': '867004704886',
    'ap-south-1': '720646828776',
    'ap-south-2': '628508329040',
    'ap-southeast-1': '121021644041',
    'ap-southeast-2': '783357654285',
    'ap-southeast-3': '951798379941',
    'ap-southeast-4': '106583098589',
    'ca-central-1': '341280168497',
    'ca-west-1': '190319476487',
    'cn-north-1': '450853457545',
    'cn-northwest-1': '451049120500',
    'eu-central-1': '492215442770',
    'eu-central-2': '680994064768',
    'eu-north-1': '662702820516',
    'eu-south-1': '978288397137',
    'eu-south-2': '104374241257',
    'eu-west-1': '141502667606',
    'eu-west-2': '764974769150',
    'eu-west-3': '659782779980',
    'il-central-1': '898809789911',
    'me-central-1': '272398656194',
    'me-south-1': '801668240914',
    'sa-east-1': '737474898029',
    'us-east-1': '683313688378',
    'us-east-2': '257758044811',
    'us-gov-east-1': '237065988967',
    'us-gov-west-1': '414596584902',
    'us-iso-east-1': '833128469047',
    'us-isob-east-1': '281123927165',
    'us-isof-east-1': '108575199400',
    'us-isof-south-1': '124985052026',
    'us-west-1': '746614075791',
    'us-west-2': '246618743249',
  },
};

/**
 * sagemaker-xgboost: the XGBoost framework container (algorithm mode), in the registries of the
 * scikit-learn image (the SDK's xgboost.json lists the same account per region for every
 * version). The SDK gives 0.90-1, 0.90-2 and 1.0-1 `processors: [cpu]` and `py_versions: [py3]`,
 * so their tag is `{version}-cpu-py3`; from 1.2-1 on the tag is the version alone. The legacy
 * version "1" (repository `xgboost`, XGBoost 0.72, other accounts) is not included, nor 3.0-5 and
 * later, whose container writes UBJSON models and lives in aws/deep-learning-containers.
 */
const XGBOOST: ImageEntry = {
  repository: 'sagemaker-xgboost',
  tagFormat: '{version}',
  tagFormats: { '0.90-1': '{version}-cpu-py3', '0.90-2': '{version}-cpu-py3', '1.0-1': '{version}-cpu-py3' },
  versions: {
    training: ['0.90-1', '0.90-2', '1.0-1', '1.2-1', '1.2-2', '1.3-1', '1.5-1', '1.7-1'],
    inference: ['0.90-1', '0.90-2', '1.0-1', '1.2-1', '1.2-2', '1.3-1', '1.5-1', '1.7-1'],
  },
  /** 1.7-1: the newest of the listed versions; its xgboost (1.7.4) is the one mme's model format follows. */
  defaultVersion: '1.7-1',
  versionLabel: 'XGBoost version',
  registries: SKLEARN.registries,
};

/** The images by the name callers use for them. */
export const IMAGES = {
  'linear-learner': LINEAR_LEARNER,
  sklearn: SKLEARN,
  xgboost: XGBOOST,
  knn: KNN,
  randomcutforest: RANDOM_CUT_FOREST,
} as const satisfies Record<string, ImageEntry>;
