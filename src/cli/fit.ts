/**
 * Fit human output to a terminal's width: S3 URIs lose their middle segments first
 * (`s3://bucket/…/Chicago_IL/Chicago_IL.tar.gz`: the bucket and the file name are what a reader
 * needs), then a line still too long wraps at spaces, its continuation indented under the
 * line's text. Words longer than the width are left whole (a broken ARN is worse than a long
 * line). Colour codes count for nothing.
 */

const ANSI = /\u001b\[[0-9;]*m/g;
const S3_URI = /s3:\/\/[^\s)'",]+/g;

/** Columns a string takes on a terminal (every character of ours is one column wide). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

/** The columns of a terminal stream; undefined when it is not one (a pipe, a file). */
export function terminalColumns(stream: { isTTY?: boolean; columns?: number }): number | undefined {
  return stream.isTTY && stream.columns ? stream.columns : undefined;
}

export function fitToWidth(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => fitLine(line, width))
    .join('\n');
}

function fitLine(line: string, width: number): string {
  let fitted = line;
  while (visibleWidth(fitted) > width) {
    const shorter = shortenLongestUri(fitted);
    if (shorter === fitted) break;
    fitted = shorter;
  }
  return visibleWidth(fitted) > width ? wrap(fitted, width) : fitted;
}

/** Drop one more middle segment of the longest S3 URI in the line; the line itself when none can go. */
function shortenLongestUri(line: string): string {
  const uris = [...line.matchAll(S3_URI)].map((m) => m[0]).sort((a, b) => b.length - a.length);
  for (const uri of uris) {
    const shorter = shortenS3Uri(uri);
    if (shorter !== uri) return line.replace(uri, shorter);
  }
  return line;
}

/** `s3://b/x/y/z/f` → `s3://b/…/z/f` → `s3://b/…/f`: the segment after the ellipsis goes first. */
export function shortenS3Uri(uri: string): string {
  const body = uri.slice('s3://'.length);
  const trailingSlash = body.endsWith('/');
  const parts = body.replace(/\/$/, '').split('/');
  const [bucket, ...rest] = parts;
  const kept = rest.filter((p) => p !== '…');
  if (kept.length <= 1) return uri;
  return `s3://${[bucket, '…', ...kept.slice(1)].join('/')}${trailingSlash ? '/' : ''}`;
}

/** Wrap at spaces; continuation lines start under the first word after the line's indentation. */
function wrap(line: string, width: number): string {
  const indent = /^ */.exec(line.replace(ANSI, ''))![0].length;
  const hang = ' '.repeat(Math.min(indent + 2, Math.floor(width / 2)));
  const words = line
    .trimStart()
    .split(' ')
    .flatMap((w) => splitLongWord(w, width - hang.length));
  const lines: string[] = [];
  let current = ' '.repeat(indent);
  for (const word of words) {
    const candidate = current.trim() === '' ? `${current}${word}` : `${current} ${word}`;
    if (visibleWidth(candidate) <= width || current.trim() === '') {
      current = candidate;
    } else {
      lines.push(current);
      current = `${hang}${word}`;
    }
  }
  lines.push(current);
  return lines.join('\n');
}

/** Pieces of a word no wider than `room`, cut after a `/` or `:`; the word whole when it cannot be. */
function splitLongWord(word: string, room: number): string[] {
  if (visibleWidth(word) <= room || room < 10) return [word];
  // One colour around the whole word: cut the text inside and colour each piece the same.
  const painted = /^(\u001b\[[0-9;]*m)([^\u001b]*)(\u001b\[[0-9;]*m)$/.exec(word);
  if (painted) return splitLongWord(painted[2]!, room).map((piece) => `${painted[1]}${piece}${painted[3]}`);
  if (word.replace(ANSI, '') !== word) return [word]; // codes inside: cutting could split one
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > room) {
    const cut = Math.max(rest.lastIndexOf('/', room - 1), rest.lastIndexOf(':', room - 1));
    if (cut <= 0) break;
    pieces.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  return [...pieces, rest];
}
