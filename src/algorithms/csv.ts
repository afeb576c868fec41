/**
 * Headerless CSV as the SageMaker containers read and write it.
 *
 * Reading follows what `pandas.read_csv(header=None)` accepts for our data: comma separated,
 * LF or CRLF line ends, blank lines skipped (pandas' skip_blank_lines=True), RFC 4180 double
 * quotes honoured. Fields are trimmed of surrounding spaces (pandas tolerates them around
 * numbers; for categories it would keep them, which no file we produce contains).
 *
 * Writing uses JavaScript's Number#toString, the shortest string that round-trips to the same
 * double. It differs from the scikit-learn container only in spelling, never in value:
 * numpy's `%s` writes `1.0` and `1e-05` where we write `1` and `0.00001`.
 */
import { InferenceError } from './errors.js';

export interface CsvRow {
  /** 1-based line number in the body, for error messages. */
  line: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let sawContent = false;
  const endRow = () => {
    fields.push(field);
    if (sawContent || fields.length > 1) rows.push({ line: rowLine, fields: fields.map((f) => f.trim()) });
    fields = [];
    field = '';
    sawContent = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      sawContent = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      sawContent = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (sawContent || field.trim() !== '') {
        sawContent = true;
        endRow();
      } else {
        field = '';
      }
      line++;
      rowLine = line;
    } else {
      field += c;
      if (c !== ' ' && c !== '\t') sawContent = true;
    }
  }
  if (quoted) throw new InferenceError('BadInput', `CSV line ${rowLine}: unterminated quoted field`);
  if (sawContent || field.trim() !== '') {
    sawContent = true;
    endRow();
  }
  return rows;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Strict number parse: unlike Number(''), an empty or non-numeric field is an error. */
export function parseNumberField(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** Shortest round-trip spelling (see the note at the top of this file). */
export function formatNumber(x: number): string {
  return String(x);
}

export function formatCsvRows(rows: ArrayLike<number>[]): string {
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let j = 0; j < row.length; j++) line += (j === 0 ? '' : ',') + formatNumber(row[j]!);
    out += line + '\n';
  }
  return out;
}
