import { describe, expect, it } from 'vitest';
import { timeRange } from '../../src/cli/commands/metrics.js';
import { fitToWidth, shortenS3Uri, visibleWidth } from '../../src/cli/fit.js';

describe('fitToWidth', () => {
  it('shortens S3 URIs from the middle, keeping the bucket and the file', () => {
    expect(shortenS3Uri('s3://b/x/y/z/f.tar.gz')).toBe('s3://b/…/y/z/f.tar.gz');
    expect(shortenS3Uri('s3://b/…/y/z/f.tar.gz')).toBe('s3://b/…/z/f.tar.gz');
    expect(shortenS3Uri('s3://b/…/f.tar.gz')).toBe('s3://b/…/f.tar.gz');
    expect(shortenS3Uri('s3://b/p/q/')).toBe('s3://b/…/q/');
    const line =
      '  Chicago_IL  s3://mme-local/DEMO_MME_LINEAR_LEARNER/multi_model_artifacts/Chicago_IL/Chicago_IL.tar.gz';
    const fitted = fitToWidth(line, 60);
    expect(fitted).toBe('  Chicago_IL  s3://mme-local/…/Chicago_IL/Chicago_IL.tar.gz');
  });

  it('wraps prose at spaces under its indentation, and ignores colour codes', () => {
    const red = (t: string) => `\u001b[31m${t}\u001b[39m`;
    const text = `  ${red('✖')} the quick brown fox jumps over the lazy dog and keeps running`;
    const lines = fitToWidth(text, 30).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
    expect(lines.slice(1).every((l) => l.startsWith('    '))).toBe(true);
    const word = 'supercalifragilisticexpialidocious';
    expect(fitToWidth(word, 20)).toBe(word);
  });

  it('leaves lines that fit alone', () => {
    expect(fitToWidth('short\n  also short', 80)).toBe('short\n  also short');
  });
});

describe('metrics time range', () => {
  const point = (iso: string) => ({ timestamp: new Date(iso), value: 1 });
  it('to the second under a minute, with the datapoints found', () => {
    const r = {
      start: new Date('2026-12-02T14:08:05.5Z'),
      end: new Date('2026-12-02T14:08:35Z'),
      period: 1,
      series: [{ points: [point('2026-12-02T14:08:19Z'), point('2026-12-02T14:08:24Z')] }],
    };
    expect(timeRange(r as never)).toBe(
      '2026-12-02 14:08:05 to 2026-12-02 14:08:35 UTC (datapoints 14:08:19 to 14:08:24)',
    );
  });
  it('to the minute for periods of a minute or more', () => {
    const r = {
      start: new Date('2026-12-02T12:00:30Z'),
      end: new Date('2026-12-02T14:00:30Z'),
      period: 300,
      series: [{ points: [] }],
    };
    expect(timeRange(r as never)).toBe('2026-12-02 12:00 to 2026-12-02 14:00 UTC');
  });
});

describe('a word wider than the line', () => {
  it('breaks after a / or :, and only then', () => {
    const arn = 'arn:aws:sts::925404013419:assumed-role/mme-invoke-NewYork_NY/MME_Invoke_NY_Model';
    const lines = fitToWidth(`  as ${arn}: NewYork_NY answered`, 60).split('\n');
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(60);
    expect(
      lines
        .map((l) => l.trim())
        .join('')
        .replace(/\s/g, ''),
    ).toBe(`as${arn}:NewYork_NYanswered`);
  });
});

it('a coloured long word is cut inside its colour', () => {
  const arn = 'arn:aws:sts::925404013419:assumed-role/mme-invoke-NewYork_NY/MME_Invoke_NY_Model';
  const lines = fitToWidth(`  as \u001b[36m${arn}\u001b[39m`, 50).split('\n');
  for (const l of lines) {
    expect(visibleWidth(l)).toBeLessThanOrEqual(50);
    expect(l).toMatch(/\u001b\[36m.*\u001b\[39m/);
  }
});

describe('long lists', () => {
  it('show their first lines and a count of the rest', async () => {
    const { summarised } = await import('../../src/cli/commands/status.js');
    const { createOutput } = await import('../../src/cli/output.js');
    const ctx = { output: createOutput({ json: false, color: 'off' }) };
    const lines = Array.from({ length: 200 }, (_, i) => `      Houston_TX/${i}_Houston_TX.tar.gz`);
    const shown = summarised(lines, 'model', ctx);
    expect(shown).toHaveLength(11);
    expect(shown.at(-1)).toBe('      … and 190 more models (--json lists them all)');
    expect(summarised(lines.slice(0, 12), 'model', ctx)).toHaveLength(12);
  });
});
