/**
 * The training log lines and final metrics of the SageMaker XGBoost container
 * (docs/aws-behaviour.md#xgboost). xgboost's EvaluationMonitor prints one line a round,
 * `[round]` then for each watched data set and metric `\t<data>-<metric>:<value>` with five
 * decimals; CloudWatch shows the tab as `#011`, and the container's metric definitions are
 * regular expressions over that text (`.*\[[0-9]+\].*#011validation-rmse:(\S+)`), so the
 * values SageMaker reports — FinalMetricDataList, `train:rmse`, `validation:rmse` — are the
 * last printed ones, to five decimals.
 */
export interface MetricValue {
  data: 'train' | 'validation';
  metric: string;
  value: number;
}

export interface EvaluationRound {
  round: number;
  values: MetricValue[];
}

/** `[0]#011train-rmse:1.23457#011validation-rmse:1.34568` (tab = '\t' for the raw stdout form). */
export function formatEvaluationLine(round: EvaluationRound, tab = '#011'): string {
  return `[${round.round}]${round.values.map((v) => `${tab}${v.data}-${v.metric}:${formatScore(v.value)}`).join('')}`;
}

/** Python's f"{score:.5f}". */
function formatScore(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(5);
}

/** `train:rmse` → value, as SageMaker's regexes would read them from the last printed round. */
export function finalMetrics(history: readonly EvaluationRound[]): Record<string, number> {
  const last = history[history.length - 1];
  const out: Record<string, number> = {};
  for (const v of last?.values ?? []) out[`${v.data}:${v.metric}`] = Number(formatScore(v.value));
  return out;
}
