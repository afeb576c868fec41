import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigFile, withBootstrapDefaults } from '../../src/config/file.js';
import { ConfigError } from '../../src/errors.js';

describe('parseConfigFile', () => {
  it('keeps the known keys and ignores $schema, comments and nulls', () => {
    const text = JSON.stringify({
      $schema: './schema.json',
      '//': 'note',
      target: 'aws',
      region: 'eu-west-1',
      localPort: 4566,
      profile: null,
    });
    expect(parseConfigFile(text)).toEqual({ target: 'aws', region: 'eu-west-1', localPort: 4566 });
  });

  it.each([
    ['{ not json', 'mme.config.json is not valid JSON'],
    ['[1, 2]', 'must contain a JSON object'],
    ['"aws"', 'must contain a JSON object'],
    ['{"regoin": "eu-west-1"}', 'unknown key "regoin" (did you mean "region"?)'],
    ['{"rolearn": "x"}', 'unknown key "rolearn" (did you mean "roleArn"?)'],
    ['{"endpointName": "x"}', 'unknown key "endpointName"'],
    ['{"target": 1}', '"target" must be a string, got 1'],
    ['{"localPort": "4566"}', '"localPort" must be a number, got "4566"'],
    ['{"bucket": " "}', '"bucket" must not be empty'],
  ])('%s → %s', (text, message) => {
    expect(() => parseConfigFile(text)).toThrow(ConfigError);
    expect(() => parseConfigFile(text)).toThrow(message);
  });
});

describe('loadConfigFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mme-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is undefined without a file', () => {
    expect(loadConfigFile(dir)).toBeUndefined();
  });

  it('reads mme.config.json from the directory', () => {
    writeFileSync(path.join(dir, 'mme.config.json'), '{"bucket": "team-bucket"}');
    expect(loadConfigFile(dir)).toEqual({ bucket: 'team-bucket' });
  });
});

describe('bootstrap defaults', () => {
  it('parses them per target and rejects unknown targets and keys', async () => {
    expect(
      parseConfigFile('{"bootstrap":{"aws":{"bucket":"b","roleArn":"arn:aws:iam::123456789012:role/r"}}}'),
    ).toEqual({
      bootstrap: { aws: { bucket: 'b', roleArn: 'arn:aws:iam::123456789012:role/r' } },
    });
    expect(() => parseConfigFile('{"bootstrap":{"gcp":{}}}')).toThrow(/unknown target "gcp"/);
    expect(() => parseConfigFile('{"bootstrap":{"aws":{"prefix":"x"}}}')).toThrow(/unknown key "prefix"/);
  });

  it('records them under bootstrap.TARGET, keeping every other key', () => {
    const text = withBootstrapDefaults('{"prefix":"P","bootstrap":{"local":{"bucket":"l"}}}', 'aws', { bucket: 'a' });
    expect(JSON.parse(text)).toEqual({ prefix: 'P', bootstrap: { local: { bucket: 'l' }, aws: { bucket: 'a' } } });
    expect(JSON.parse(withBootstrapDefaults(undefined, 'local', { bucket: 'x' }))).toEqual({
      bootstrap: { local: { bucket: 'x' } },
    });
  });
});
