/**
 * What `mme --help` (and any command before it runs) loads: the static import graph of the
 * compiled entry. Commands load their modules with import() when they run, so no AWS SDK
 * package may be reachable through static imports alone: each one costs tens of milliseconds
 * of start-up (bench/startup.js measures it). Walks dist/, so it needs the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT } from './helpers.js';

const ENTRY = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
// `import … from '…'` and `export … from '…'` at the start of a line; not import().
const STATIC = /^(?:import|export)\s[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gms;

/** Every package a module statically reaches, with the chain of files that reaches it. */
function staticPackages(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) {
        const next = path.resolve(path.dirname(file), spec);
        if (existsSync(next)) walk(next, [...chain, path.relative(path.dirname(entry), next)]);
      } else if (!spec.startsWith('node:') && !packages.has(spec)) packages.set(spec, chain);
    }
  };
  walk(entry, ['main.js']);
  return packages;
}

describe.skipIf(!BUILT)('start-up', () => {
  it('the CLI entry reaches no AWS SDK package through static imports', () => {
    const packages = staticPackages(ENTRY);
    const sdk = [...packages].filter(([name]) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'));
    expect(sdk.map(([name, chain]) => `${name} via ${chain.join(' → ')}`)).toEqual([]);
    // The walk does find what the entry does import (it would pass vacuously otherwise).
    expect([...packages.keys()]).toContain('commander');
  });
});
