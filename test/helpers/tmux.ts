/**
 * Run a command on a real terminal of a given size (a tmux pane on its own tmux server), to see
 * what a user sees: spinners, wrapping, prompts. The screen is read with wrapped lines joined
 * (capture-pane -J), so a line too wide for the pane shows as one long line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const HAVE_TMUX = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

export interface TmuxSession {
  /** The whole history, wrapped lines joined. */
  screen(): string;
  sendKeys(...keys: string[]): void;
  /** Wait until the screen matches, or throw with the screen so far. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Wait for the command to end; its exit code. */
  exitCode(timeoutMs: number): Promise<number>;
  kill(): void;
}

const EXIT = /__EXIT=(\d+)/;

export function startInTmux(
  command: string[],
  o: { width: number; height?: number; cwd: string; env: Record<string, string> },
): TmuxSession {
  const dir = mkdtempSync(path.join(tmpdir(), 'mme-tmux-'));
  const socket = path.join(dir, 'socket');
  const config = path.join(dir, 'tmux.conf');
  writeFileSync(config, 'set -g history-limit 100000\nset -g status off\n');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, '-f', config, ...args], { encoding: 'utf8' });
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries({ TERM: 'xterm-256color', ...o.env })
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  // The pane stays after the command ends, so its output can be read.
  const script = `env -i ${env} ${command.map(quote).join(' ')}; echo __EXIT=$?; sleep 3600`;
  tmux('new-session', '-d', '-s', 'test', '-x', String(o.width), '-y', String(o.height ?? 40), '-c', o.cwd, script);

  const self: TmuxSession = {
    screen: () => tmux('capture-pane', '-p', '-J', '-t', 'test', '-S', '-', '-E', '-'),
    sendKeys: (...keys) => void tmux('send-keys', '-t', 'test', ...keys),
    async waitFor(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = self.screen();
        if (pattern.test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the screen:\n${screen}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async exitCode(timeoutMs) {
      return Number(EXIT.exec(await self.waitFor(EXIT, timeoutMs))![1]);
    },
    kill() {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** The screen without the exit marker and the blank rows tmux pads it with. */
export function shown(screen: string): string[] {
  return screen
    .split('\n')
    .filter((l) => !EXIT.test(l))
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l, i, all) => l !== '' || all.slice(i).some((x) => x.trim() !== ''));
}
