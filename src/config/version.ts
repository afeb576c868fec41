/**
 * The package version, for `mme --version` and the SDK user agent. Read from package.json with
 * fs rather than a JSON import: no import-attribute syntax, no parse of anything at startup
 * unless asked. The path is the same from src/config (vitest) and dist/config (the build).
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function packageVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    cached = (JSON.parse(text) as { version: string }).version;
  }
  return cached;
}
