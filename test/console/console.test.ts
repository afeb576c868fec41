/// <reference lib="dom" />
/**
 * `mme console` as a user runs it: the built CLI serving the page against a local cloud daemon
 * with the reference endpoint (preprocessor → multi-model linear learner), opened in Debian's
 * chromium through playwright-core (no browser download; resolution of every name but 127.0.0.1
 * refused, so the page cannot reach the network). The page must find the endpoint and its
 * models, invoke one through its form, follow the counters as `mme invoke` moves them, and the
 * server must refuse whatever lacks the token or names a foreign Host. The screenshots in
 * docs/images/ are made here, light and dark, at 1280×800 (MME_UPDATE_SCREENSHOTS=1 writes them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, startCliDaemon, type CliDaemon } from '../cli/helpers.js';
import { createPipelineEndpoint } from '../helpers/pipeline-endpoint.js';
import { linearCsv, seededRole, putObjects, trainingJobInput, waitForTrainingJob } from '../sagemaker/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
/** Debian's chromium (.ci/run installs it); without it the browser tests skip, visibly. */
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ENDPOINT = 'mme-linear-learner';
const CHICAGO = 'Chicago_IL/Chicago_IL.tar.gz';
const NEW_YORK = 'NewYork_NY/NewYork_NY.tar.gz';
const JOB = 'console-train';
/** How long the page may take to show a change: its polls run every 2 s on the local target. */
const SOON = { timeout: 10_000 };
const IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));

let daemon: CliDaemon;
let consoleProcess: ChildProcess | undefined;
let consoleExit: Promise<{ code: number | null; stdout: string }>;
let url: string;
let browser: Browser | false | undefined;
let page: Page;
/** Script errors of the page: none are expected. */
const pageErrors: string[] = [];
const run = (args: string[]) => daemon.run(args);

/** `mme console --json`, resolved with its first stdout line (the URL) once it serves. */
function startConsole(): Promise<string> {
  const child = spawn(process.execPath, [BIN, 'console', '--json'], {
    cwd: daemon.cwd,
    env: cleanEnv({ MME_LOCAL_STATE: daemon.state }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  consoleProcess = child;
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  consoleExit = new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) resolve((JSON.parse(stdout.split('\n')[0]!) as { url: string }).url);
    });
    void consoleExit.then(({ code }) => reject(new Error(`mme console exited (${code}): ${stderr}`)));
  });
}

/** A plain HTTP request to the console, with the headers given (Host included) and nothing else. */
function raw(
  pathAndQuery: string,
  headers: Record<string, string>,
  method = 'GET',
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathAndQuery, method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  daemon = await startCliDaemon('console');
  const { clients, info } = daemon;
  const trained = async () => {
    const sm = await clients.sageMaker();
    await putObjects(await clients.s3(), { 'linear/train/part-1.csv': linearCsv(40) });
    await sm.send(
      new CreateTrainingJobCommand(
        trainingJobInput(seededRole(info.accountId), JOB, {
          Tags: [{ Key: 'mme:location', Value: 'Chicago_IL' }],
        }),
      ),
    );
    return waitForTrainingJob(sm, JOB);
  };
  const [granted, job] = await Promise.all([
    run(['grant', '--prefix', 'NewYork_NY', '--endpoint', ENDPOINT, '--json']),
    trained(),
    createPipelineEndpoint(clients, {
      accountId: info.accountId,
      endpoint: ENDPOINT,
      cities: { NewYork_NY: 450, Chicago_IL: 190 },
    }),
  ]);
  expect(granted.code, granted.stderr).toBe(0);
  expect(job.TrainingJobStatus).toBe('Completed');
  [url, browser] = await Promise.all([
    startConsole(),
    HAVE_CHROMIUM &&
      chromium.launch({
        executablePath: CHROMIUM,
        // Off the network: every name but the console's address fails to resolve, and none of
        // chromium's own background traffic (updates, safe browsing, metrics) starts.
        args: [
          '--no-sandbox',
          '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-domain-reliability',
          '--disable-sync',
          '--no-pings',
          '--disable-gpu',
        ],
      }),
  ]);
  if (!browser) return;
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 90_000);

afterAll(async () => {
  if (browser) await browser.close();
  consoleProcess?.kill('SIGINT');
  await consoleExit?.catch(() => undefined);
  await daemon?.stop();
});

describe('mme console refuses', () => {
  const host = () => new URL(url).host;
  const token = () => new URL(url).searchParams.get('token')!;

  it('a request without the token, with 401 and nothing of the console', async () => {
    for (const p of ['/', '/api/overview', '/assets/app.js']) {
      const r = await raw(p, { host: host() });
      expect(r.status).toBe(401);
      expect(r.body).toBe('401 Unauthorized\n');
    }
    const wrong = await raw(`/api/overview?token=${'x'.repeat(43)}`, { host: host() });
    expect(wrong.status).toBe(403);
    expect(wrong.body).not.toContain(ENDPOINT);
  });

  it('a foreign Host (DNS rebinding), even with the token', async () => {
    const r = await raw(`/api/overview?token=${token()}`, { host: `evil.example:${new URL(url).port}` });
    expect(r.status).toBe(403);
    expect(r.body).toBe('403 Forbidden\n');
  });

  it('an action without the token in its header, and sends no CORS headers', async () => {
    const cookie = `mme_console=${token()}`;
    const body = JSON.stringify({ endpoint: ENDPOINT, model: CHICAGO, features: '1993,2728,6,3.0,0.7,1,y,y' });
    const posted = await raw('/api/invoke', { host: host(), cookie, origin: 'http://evil.example' }, 'POST', body);
    expect(posted.status).toBe(401);
    const read = await raw('/api/overview', { host: host(), cookie, origin: 'http://evil.example' });
    expect(read.status).toBe(200);
    expect(Object.keys(read.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
    // The page's data holds no credential of the target.
    expect(read.body).not.toContain(daemon.info.accessKeyId);
    expect(read.body).not.toContain(daemon.info.secretAccessKey);
  });
});

describe.skipIf(!HAVE_CHROMIUM)(`mme console in a browser (${CHROMIUM})`, () => {
  it('trades the token in the URL for an HttpOnly SameSite=Strict cookie', async () => {
    await page.goto(url);
    expect(new URL(page.url()).search).toBe('');
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'mme_console', httpOnly: true, sameSite: 'Strict' });
  });

  it('shows the endpoint, its pipeline and its models', async () => {
    const endpoint = page.locator(`[data-endpoint="${ENDPOINT}"]`);
    await expect.poll(() => endpoint.locator('[data-status]').first().textContent(), SOON).toBe('InService');
    expect(await endpoint.textContent()).toContain('ml.m4.xlarge');
    const modes = await endpoint
      .locator('ol.pipeline li')
      .evaluateAll((li) => li.map((e) => e.getAttribute('data-mode')));
    expect(modes).toEqual(['SingleModel', 'MultiModel']);
    expect(await endpoint.locator('ol.pipeline').textContent()).toMatch(/sklearn 1\.2-1.*linear-learner 1/s);
    for (const model of [CHICAGO, NEW_YORK]) expect(await page.locator(`tr[data-model="${model}"]`).count()).toBe(1);
    await expect.poll(() => page.locator('tr[data-role]').textContent(), SOON).toContain('NewYork_NY/*');
  });

  it('invokes a model through the form: the prediction, its time, cold then warm', async () => {
    await page.selectOption('#invoke-model', CHICAGO);
    await page.fill('#invoke-features', '1993,2728,6,3.0,0.7,1,y,y');
    await page.click('#invoke-submit');
    const prediction = page.locator('[data-prediction]');
    await expect.poll(() => prediction.textContent(), { timeout: 15_000 }).toMatch(/^\$\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(await page.locator('[data-latency]').textContent()).toMatch(/^\d+\.\d ms$/);
    expect(await page.locator('[data-cold]').getAttribute('data-cold')).toBe('true');
    await page.click('#invoke-submit');
    await expect.poll(() => page.locator('[data-cold]').getAttribute('data-cold'), SOON).toBe('false');
    // A bad row is refused with the CLI's own message, and nothing is sent.
    await page.fill('#invoke-features', '1993,2728');
    await page.click('#invoke-submit');
    await expect.poll(() => page.locator('[data-error]').textContent(), SOON).toContain('it needs 8');
  });

  it('follows the counters as `mme invoke` moves them', async () => {
    const cell = (field: string) => page.locator(`tr[data-model="${NEW_YORK}"] [data-field="${field}"]`);
    expect(await cell('invocations').textContent()).toBe('0');
    const r = await run(['invoke', '--model', 'NewYork_NY', '--random', '3', '--endpoint', ENDPOINT]);
    expect(r.code, r.stderr).toBe(0);
    await expect.poll(() => cell('invocations').textContent(), { timeout: 10_000 }).toBe('3');
    expect(await cell('loads').textContent()).toBe('1');
    expect(await cell('hits').textContent()).toBe('2');
    expect(await page.locator(`tr[data-loaded="${NEW_YORK}"]`).count()).toBe(1);
    // The local cloud forwards its metrics every 5 s: the invocations reach the chart.
    await expect
      .poll(() => page.locator('[data-metric="Invocations"] canvas').count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
  });

  it("lists the jobs with their final metrics, and the end of a job's log on a click", async () => {
    const row = page.locator(`tr[data-job="${JOB}"]`);
    await expect.poll(() => row.locator('[data-status]').textContent(), { timeout: 20_000 }).toBe('Completed');
    expect(await row.textContent()).toMatch(/Chicago_IL.*objective_loss \d/);
    await row.click();
    await expect.poll(() => page.locator('#job-log').textContent(), SOON).toMatch(/last \d+ lines/);
  });

  it('is usable on a narrow window, and leaves its screenshots in docs/images', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    // Nothing sticks out once the charts have followed the window's width (wide tables scroll in their box).
    const wide = () =>
      page.evaluate(() =>
        Array.from(document.querySelectorAll('body *'))
          .filter((e) => e.getBoundingClientRect().right > 420 || e.scrollWidth > e.clientWidth + 1)
          .filter((e) => !e.parentElement?.closest('.scroll') && !e.matches('.scroll'))
          .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className}`)
          .slice(0, 5),
      );
    await expect.poll(wide, SOON).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await page.setViewportSize({ width: 1280, height: 800 });
    // The pictures show a prediction, from the top of the page.
    await page.fill('#invoke-features', '1993,2728,6,3.0,0.7,1,y,y');
    await page.click('#invoke-submit');
    await expect.poll(() => page.locator('[data-prediction]').count(), SOON).toBe(1);
    await page.selectOption('#chart-window', '300');
    await expect.poll(() => page.locator('#chart-note').textContent(), SOON).toContain('one point per 5 s');
    mkdirSync(IMAGES, { recursive: true });
    // Light: the endpoint and the charts; dark: the models, the cache and the invoke form.
    for (const [scheme, top] of [
      ['light', '#endpoints'],
      ['dark', '#models'],
    ] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate((selector) => {
        const y = document.querySelector(selector)!.getBoundingClientRect().top + window.scrollY;
        window.scrollTo(0, y - 60);
      }, top);
      await page.waitForTimeout(300); // the charts redraw in the scheme's colours
      // Taken every run (so a broken page shows); written over the committed ones only when asked,
      // so that `npm test` leaves the checkout as it found it.
      const shot = await page.screenshot();
      expect(shot.byteLength).toBeGreaterThan(10_000);
      if (process.env.MME_UPDATE_SCREENSHOTS === '1') writeFileSync(path.join(IMAGES, `console-${scheme}.png`), shot);
    }
  });

  it('ran without a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('mme console, at the end', () => {
  it('ends on Ctrl-C as any command does, saying what it served', async () => {
    consoleProcess!.kill('SIGINT');
    const { code, stdout } = await consoleExit;
    expect(code).toBe(130);
    // With --json: the URL line, then the interrupt as one JSON document with what was served.
    const [first, ...rest] = stdout.split('\n');
    expect(JSON.parse(first!)).toEqual({ url });
    const ended = JSON.parse(rest.join('\n'));
    expect(ended.error).toMatchObject({ code: 'Interrupted' });
    expect(ended.error.detail.partial.requests).toBeGreaterThan(10);
    consoleProcess = undefined;
  });
});
