/**
 * What a user sees on a real terminal (tmux, 80 and 100 columns): the demo prints each step once,
 * as it ends, within the width; teardown's prompt answered "n" is a cancel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_TMUX, shown, startInTmux, type TmuxSession } from '../helpers/tmux.js';
import { BIN, BUILT, mme } from './helpers.js';

if (!HAVE_TMUX) console.warn('terminal: tmux not found: skipping the terminal rendering tests');

let cwd: string;
let env: Record<string, string>;
const sessions: TmuxSession[] = [];
beforeAll(() => {
  if (!BUILT) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.json` (npm test does) before these tests');
  cwd = mkdtempSync(path.join(tmpdir(), 'mme-terminal-'));
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: cwd,
    XDG_STATE_HOME: path.join(cwd, 'xdg'),
    MME_LOCAL_STATE: path.join(cwd, 'state'),
  };
});
afterAll(async () => {
  for (const s of sessions) s.kill();
  if (cwd) {
    await mme(['local', 'stop'], { cwd, env: { MME_LOCAL_STATE: path.join(cwd, 'state') } });
    rmSync(cwd, { recursive: true, force: true });
  }
});

function run(args: string[], width: number): TmuxSession {
  const session = startInTmux([process.execPath, BIN, ...args], { width, cwd, env });
  sessions.push(session);
  return session;
}

describe.skipIf(!HAVE_TMUX)('on a terminal', () => {
  it.each([100, 80])(
    'mme demo at %i columns: each step once, as it ends, every line within the width',
    async (width) => {
      const session = run(['demo', '--rows', '100'], width);
      expect(await session.exitCode(150_000)).toBe(0);
      const lines = shown(session.screen());
      const tooWide = lines.filter((l) => [...l].length > width);
      expect(tooWide, tooWide.join('\n')).toEqual([]);
      for (const step of [
        'data',
        'preprocess',
        'train',
        'deploy',
        'invoke',
        'add-model',
        'grant',
        'as-role',
        'metrics',
      ]) {
        expect(
          lines.filter((l) => new RegExp(`^✔ ${step} \\(`).test(l)),
          step,
        ).toHaveLength(1);
      }
      // No progress lines left behind: neither the steps' nor those of the work inside them.
      expect(
        lines.filter((l) => /^. Step \d\/\d/.test(l) || /^✔ (Uploaded|Created|Copied|Generated) /.test(l)),
      ).toEqual([]);
      expect(lines.filter((l) => l === 'Steps')).toHaveLength(1);
    },
    180_000,
  );

  it('teardown: "n" at the prompt is a cancel, exit 0, nothing deleted', async () => {
    const session = run(['teardown'], 80);
    await session.waitFor(/Delete all of this\? \[y\/N\]/, 30_000);
    session.sendKeys('n', 'Enter');
    expect(await session.exitCode(30_000)).toBe(0);
    expect(session.screen()).toContain('Cancelled: nothing deleted.');
    const status = await mme(['status', '--json'], { cwd, env: { MME_LOCAL_STATE: path.join(cwd, 'state') } });
    expect(JSON.parse(status.stdout).result.endpoints.map((e: { name: string }) => e.name)).toContain(
      'mme-linear-learner',
    );
  }, 60_000);
});

describe.skipIf(!HAVE_TMUX)("interrupting a deploy (on the demo's state, above)", () => {
  const stateEnv = () => ({ MME_LOCAL_STATE: path.join(cwd, 'state') });
  // After the demo above: a new instance count is a new configuration, so each deploy has work.
  it.each([
    ['once its configuration is created', /Created endpoint configuration/, 2],
    ['while the endpoint updates', /^› Updating endpoint/m, 3],
  ])(
    'Ctrl-C %s: exit 130, what was not finished, how to go on; then a re-run finishes',
    async (_when, moment, count) => {
      const r = await mme(['deploy', '--instance-count', String(count)], {
        cwd,
        env: stateEnv(),
        onSpawn: (child) => {
          let seen = '';
          child.stderr!.on('data', (d) => {
            seen += d;
            if (moment.test(seen)) child.kill('SIGINT');
          });
        },
      });
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/✖ interrupted/);
      expect(r.stderr).toContain("'mme deploy' is safe to run again");
      expect(r.stdout).not.toContain('InService (');
      const again = await mme(['deploy', '--instance-count', String(count), '--json'], { cwd, env: stateEnv() });
      expect(again.code, again.stdout).toBe(0);
      expect(JSON.parse(again.stdout).result).toMatchObject({ status: 'InService' });
    },
    90_000,
  );
});
