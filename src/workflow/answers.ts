/**
 * What the endpoints answer, read and shown: the built-in algorithms' response bodies decoded
 * into numbers, and prices in dollars. Pure and SDK-free, so the CLI's shared helpers can use it
 * without loading a client (src/cli/algorithm.ts is loaded for every command's --help).
 */

import type { AlgorithmSpec } from '../algorithms/registry.js';

const DOLLARS = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** `$439,972.62`, as the reference prints a prediction. */
export function formatDollars(value: number): string {
  return DOLLARS.format(value);
}

/** An answer as a user reads it: a price in dollars, RCF's anomaly score as a number (about 1 for a house that fits its city). */
export function formatAnswer(predicts: AlgorithmSpec['predicts']): (value: number) => string {
  return predicts === 'price' ? formatDollars : (v) => `score ${v.toFixed(3)}`;
}

/** One of k-NN's nearest neighbours, from its verbose answer: the distance and the neighbour's label. */
export interface Neighbour {
  distance: number;
  label: number;
}

export interface Answer {
  /** The prediction (a price, or RCF's anomaly score); null when it was not understood. */
  value: number | null;
  /** k-NN with `Accept: application/json; verbose=true`: the neighbours, nearest first. */
  neighbours?: Neighbour[];
}

/**
 * The answers in a response, whichever built-in algorithm gave it (src/algorithms/registry.ts
 * lists their shapes): the linear learner's `{"predictions":[{"score":…}]}`, k-NN's
 * `{"predictions":[{"predicted_label":…, "distances":[…], "labels":[…]}]}`, RCF's
 * `{"scores":[{"score":…}]}`, the same one object per line as application/jsonlines, the XGBoost
 * multi-model handler's bare `[439972.62]`, or plain CSV numbers. A value that is not understood
 * is null; the raw body is always kept beside it.
 */
export function parseAnswers(body: string, contentType: string | undefined): Answer[] {
  const answerOf = (p: unknown): Answer => {
    if (typeof p === 'number') return { value: p };
    const o = (p ?? {}) as { score?: unknown; predicted_label?: unknown; distances?: unknown; labels?: unknown };
    const v = o.score ?? o.predicted_label;
    const answer: Answer = { value: typeof v === 'number' ? v : null };
    if (Array.isArray(o.distances) && Array.isArray(o.labels) && o.distances.length === o.labels.length) {
      answer.neighbours = o.distances.map((d, i) => ({
        distance: Number(d),
        label: Number((o.labels as unknown[])[i]),
      }));
    }
    return answer;
  };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  try {
    if (type === 'application/jsonlines' || type === 'application/x-jsonlines') {
      return body
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => answerOf(JSON.parse(l)));
    }
    if (type === 'application/json' || body.trimStart().startsWith('{') || body.trimStart().startsWith('[')) {
      const doc = JSON.parse(body) as unknown;
      const list = Array.isArray(doc)
        ? doc
        : ((doc as { predictions?: unknown; scores?: unknown })?.predictions ?? (doc as { scores?: unknown })?.scores);
      return Array.isArray(list) ? list.map(answerOf) : [answerOf(doc)];
    }
  } catch {
    return [{ value: null }];
  }
  return body
    .split(/[\n,]/)
    .filter((c) => c.trim())
    .map((c) => ({ value: Number.isFinite(Number(c)) ? Number(c) : null }));
}

/** The numbers in a response (parseAnswers without the neighbours). */
export function parsePredictions(body: string, contentType: string | undefined): (number | null)[] {
  return parseAnswers(body, contentType).map((a) => a.value);
}
