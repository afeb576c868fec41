// mme console, the page: polls the console's JSON routes (src/console/server.ts) and draws them.
// Plain DOM and uPlot, no framework: a few tables, a form and six charts. Text from the server
// goes into the page as text nodes only, never as HTML.
/* global document, window, uPlot, getComputedStyle */
'use strict';

const TOKEN = document.querySelector('meta[name="mme-console-token"]').content;
const $ = (id) => document.getElementById(id);

/** An element: h('td', { class: 'num' }, 'text', child). */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    // Through CSSOM: the page's Content-Security-Policy refuses style attributes.
    else if (k === 'style') Object.assign(el.style, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}
const { Node } = window;

async function api(path, init) {
  const res = await fetch(path, {
    ...init,
    headers: { 'x-mme-console-token': TOKEN, ...(init?.body ? { 'content-type': 'application/json' } : {}) },
    credentials: 'same-origin',
  });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${res.status} ${text.slice(0, 200)}`);
  }
  if (!res.ok)
    throw new Error(
      body?.error ? `${body.error.message}${body.error.hint ? ` (${body.error.hint})` : ''}` : res.status,
    );
  return body;
}

// ── formatting ───────────────────────────────────────────────────────────────────────────
const number = new Intl.NumberFormat('en-US');
const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
function size(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
const time = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');
const when = (iso) => (iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 19) : '–');
const statusClass = (s) =>
  /^(InService|Completed|ready)$/.test(s) ? 'ok' : /^(Failed|Stopped|OutOfService)$/.test(s) ? 'bad' : 'warn';
const badge = (s) => h('span', { class: `badge ${statusClass(s)}`, 'data-status': s }, s);
const table = (head, rows, attrs) =>
  h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      attrs,
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((c) => h('th', { class: c.endsWith('#') ? 'num' : '' }, c.replace(/#$/, ''))),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
const num = (field, v) => h('td', { class: 'num', 'data-field': field }, v);

function problem(text) {
  const el = $('problem');
  el.hidden = !text;
  el.textContent = text ?? '';
}

// ── endpoints and models ─────────────────────────────────────────────────────────────────
let overview;

function renderEndpoints(o) {
  const body = $('endpoints').querySelector('.body');
  if (o.endpoints.length === 0) {
    body.replaceChildren(h('p', { class: 'dim' }, `No endpoint in ${o.region}. Create one with 'mme deploy'.`));
    return;
  }
  body.replaceChildren(
    ...o.endpoints.map((e) => {
      const variants = table(
        ['variant', 'instance type', 'instances#', 'model'],
        e.variants.map((v) =>
          h(
            'tr',
            {},
            h('td', {}, v.name),
            h('td', {}, v.instanceType ?? '?'),
            num('instances', v.currentInstanceCount ?? v.desiredInstanceCount ?? '?'),
            h('td', { class: 'mono' }, v.modelName ?? '?'),
          ),
        ),
      );
      const containers = e.variants.flatMap((v) => o.pipelines[v.modelName] ?? []);
      const pipeline = h(
        'ol',
        { class: 'pipeline' },
        containers.map((c) =>
          h(
            'li',
            { 'data-mode': c.mode },
            h('strong', {}, c.algorithm ? `${c.algorithm} ${c.version}` : 'custom image'),
            ' ',
            h('span', { class: 'badge' }, c.mode),
            h('div', { class: 'dim mono' }, c.image),
            c.modelDataUrl ? h('div', { class: 'dim mono' }, c.modelDataUrl) : null,
          ),
        ),
      );
      return h(
        'div',
        { class: 'endpoint', 'data-endpoint': e.name },
        h(
          'div',
          { class: 'title' },
          h('strong', {}, e.name),
          badge(e.status),
          h('span', { class: 'dim' }, `config ${e.configName ?? '?'} · created ${when(e.creationTime)}`),
        ),
        h('div', {}, h('h3', {}, 'Variants'), variants),
        h(
          'div',
          {},
          h('h3', {}, `Pipeline (${containers.length} container${containers.length === 1 ? '' : 's'})`),
          pipeline,
        ),
        e.failureReason ? h('p', { class: 'bad' }, e.failureReason) : null,
        ...e.errors.map((err) => h('p', { class: 'warn' }, err)),
      );
    }),
  );
}

function renderModels(o) {
  const body = $('models').querySelector('.body');
  const parts = [];
  for (const e of o.endpoints) {
    const mm = e.multiModel;
    if (!mm) continue;
    const figures = new Map((e.local?.models ?? []).map((m) => [m.targetModel, m]));
    const loadedOn = new Map();
    for (const v of e.local?.variants ?? [])
      for (const i of v.instances)
        for (const m of i.loadedModels) loadedOn.set(m.key, [...(loadedOn.get(m.key) ?? []), i.instanceId]);
    const local = !!e.local;
    const head = local
      ? ['model', 'size#', 'invocations#', 'hits#', 'misses#', 'loads#', 'evictions#', 'avg ms#', 'loaded on']
      : ['model', 'size#', 'stored'];
    const rows = mm.models.map((m) => {
      const f = figures.get(m.targetModel);
      const cells = local
        ? [
            num('invocations', f?.invocations ?? 0),
            num('hits', f?.cacheHits ?? 0),
            num('misses', f?.cacheMisses ?? 0),
            num('loads', f?.loads ?? 0),
            num('evictions', f?.evictions ?? 0),
            num(
              'latency',
              f && f.invocations > f.errors
                ? (f.latencyMicrosTotal / (f.invocations - f.errors) / 1000).toFixed(1)
                : '–',
            ),
            h('td', { 'data-field': 'loaded' }, (loadedOn.get(m.targetModel) ?? []).join(', ') || '–'),
          ]
        : [h('td', { class: 'time' }, when(m.lastModified))];
      return h(
        'tr',
        { 'data-model': m.targetModel },
        h('td', { class: 'mono' }, m.targetModel),
        num('size', size(m.sizeBytes)),
        cells,
      );
    });
    parts.push(
      h(
        'div',
        { 'data-models-of': e.name },
        h(
          'h3',
          {},
          `${e.name}: ${mm.models.length} model${mm.models.length === 1 ? '' : 's'} under `,
          h('code', {}, mm.modelDataUrl),
        ),
        table(head, rows),
        mm.error ? h('p', { class: 'warn' }, mm.error) : null,
        local
          ? instances(e.local)
          : h(
              'p',
              { class: 'dim' },
              'Which models are loaded where, and per-model hits and loads, only the local target can show: see the charts for the endpoint totals.',
            ),
      ),
    );
  }
  if (parts.length === 0) parts.push(h('p', { class: 'dim' }, 'No multi-model endpoint.'));
  // What `mme deploy` and `mme add-model` would serve: the newest Completed job per location.
  parts.push(
    h('h3', {}, `Trained models (latest per location, prefix ${o.prefix})`),
    o.trainedModels.length
      ? table(
          ['location', 'training job', 'artifact', 'created'],
          o.trainedModels.map((t) =>
            h(
              'tr',
              { 'data-trained': t.location },
              h('td', {}, t.location),
              h('td', { class: 'mono' }, t.jobName),
              h('td', { class: 'mono' }, t.artifact),
              h('td', { class: 'time' }, when(t.creationTime)),
            ),
          ),
        )
      : h('p', { class: 'dim' }, "none yet: 'mme train' makes them"),
  );
  body.replaceChildren(...parts);
}

function instances(local) {
  return local.variants.flatMap((v) => [
    v.multiModel
      ? h(
          'p',
          { class: 'dim', 'data-cache': v.variantName },
          `cache of ${v.variantName}: ${v.cache.hits} hits, ${v.cache.misses} misses, ${v.cache.loads} loads, ${v.cache.evictions} evictions`,
        )
      : null,
    ...v.instances.map((i) =>
      h(
        'div',
        { class: 'instance', 'data-instance': i.instanceId },
        h('strong', {}, i.instanceId),
        h(
          'span',
          { class: 'dim' },
          ` ${i.instanceType} · ${i.invocations} invocations · memory ${size(i.memory.usedBytes)} (${i.memory.utilization.toFixed(1)}%) of budget ${size(i.memory.cacheBudgetBytes)}`,
        ),
        h(
          'div',
          { class: 'meter' },
          h('span', { style: { width: `${Math.min(100, i.memory.utilization).toFixed(1)}%` } }),
        ),
        i.loadedModels.length
          ? table(
              ['loaded model', 'state', 'size#', 'hits#', 'loaded at', 'last used'],
              i.loadedModels.map((m) =>
                h(
                  'tr',
                  { 'data-loaded': m.key },
                  h('td', { class: 'mono' }, m.key),
                  h('td', {}, badge(m.state)),
                  num('size', size(m.sizeBytes)),
                  num('hits', m.hits),
                  h('td', { class: 'time' }, time(m.loadedAt)),
                  h('td', { class: 'time' }, time(m.lastUsedAt)),
                ),
              ),
            )
          : h('p', { class: 'dim' }, 'no model loaded'),
      ),
    ),
  ]);
}

/** Keep a select's choice across refreshes. */
function fillSelect(select, values, label = (v) => v) {
  const current = select.value;
  const same = [...select.options].map((o) => o.value).join('\n') === values.join('\n');
  if (!same) select.replaceChildren(...values.map((v) => h('option', { value: v }, label(v))));
  if (values.includes(current)) select.value = current;
}

function fillForms(o) {
  const names = o.endpoints.map((e) => e.name);
  fillSelect($('chart-endpoint'), names);
  const withModels = o.endpoints.filter((e) => e.multiModel).map((e) => e.name);
  fillSelect($('invoke-endpoint'), withModels);
  const e = o.endpoints.find((x) => x.name === $('invoke-endpoint').value);
  fillSelect(
    $('invoke-model'),
    (e?.multiModel?.models ?? []).map((m) => m.targetModel),
  );
}

// ── charts ───────────────────────────────────────────────────────────────────────────────
const CHARTS = {
  LoadedModelCount: { unit: '', scale: 1 },
  MemoryUtilization: { unit: '%', scale: 1 },
  ModelCacheHit: { unit: ' hit ratio', scale: 1 },
  Invocations: { unit: '/period', scale: 1 },
  ModelLatency: { unit: ' ms', scale: 1 / 1000 },
  ModelLoadingWaitTime: { unit: ' ms', scale: 1 / 1000 },
};
const charts = new Map();

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** The window asked for, in seconds: the x axis spans it even when few periods hold data. */
let span = [0, 1];

function chartOptions(name, width) {
  const axis = { stroke: css('--dim'), grid: { stroke: css('--line'), width: 1 }, ticks: { stroke: css('--line') } };
  return {
    width,
    height: 150,
    legend: { show: false },
    cursor: { points: { size: 6 } },
    scales: {
      x: { time: true, range: () => span },
      y: { range: (_u, min, max) => [Math.min(0, min), max > min ? max * 1.1 : max + 1] },
    },
    axes: [axis, { ...axis, size: 50 }],
    series: [
      {},
      { label: name, stroke: css('--series'), width: 2, points: { show: true, size: 4, fill: css('--series') } },
    ],
  };
}

function drawCharts(result) {
  const grid = $('chart-grid');
  span = [new Date(result.start).getTime() / 1000, new Date(result.end).getTime() / 1000];
  $('chart-note').textContent =
    `${result.endpoint} / ${result.variant}, one point per ${result.period} s, ${when(result.start)} to ${when(result.end)} UTC`;
  for (const s of result.series) {
    const spec = CHARTS[s.name] ?? { unit: '', scale: 1 };
    let c = charts.get(s.name);
    if (!c) {
      const box = h(
        'div',
        { class: 'chart', 'data-metric': s.name },
        h('span', { class: 'last' }),
        h('div', { class: 'name' }, s.name),
        h('div', { class: 'plot' }),
      );
      grid.append(box);
      c = { box, plot: undefined };
      charts.set(s.name, c);
    }
    const xs = s.points.map((p) => new Date(p.timestamp).getTime() / 1000);
    const ys = s.points.map((p) => p.value * spec.scale);
    const last = ys.at(-1);
    c.box.querySelector('.last').textContent =
      last === undefined
        ? ''
        : `${s.stat} ${Number.isInteger(last) ? number.format(last) : last.toFixed(2)}${spec.unit}`;
    const area = c.box.querySelector('.plot');
    if (xs.length === 0) {
      c.plot?.destroy();
      c.plot = undefined;
      area.replaceChildren(h('div', { class: 'empty' }, 'no datapoints in this window'));
      continue;
    }
    if (!c.plot) {
      area.replaceChildren();
      c.plot = new uPlot(chartOptions(s.name, Math.max(200, area.clientWidth)), [xs, ys], area);
    } else c.plot.setData([xs, ys]);
  }
}

function resizeCharts(rebuild) {
  for (const c of charts.values()) {
    if (!c.plot) continue;
    const area = c.box.querySelector('.plot');
    if (rebuild) {
      const data = c.plot.data;
      c.plot.destroy();
      area.replaceChildren();
      c.plot = new uPlot(chartOptions(c.box.dataset.metric, Math.max(200, area.clientWidth)), data, area);
    } else c.plot.setSize({ width: Math.max(200, area.clientWidth), height: 150 });
  }
}

// ── jobs and grants ──────────────────────────────────────────────────────────────────────
let selectedJob;

function renderJobs(jobs) {
  const body = $('jobs').querySelector('.body');
  if (jobs.length === 0) {
    body.replaceChildren(h('p', { class: 'dim' }, "No training or transform job. 'mme train' makes some."));
    return;
  }
  const rows = jobs.map((j) =>
    h(
      'tr',
      {
        class: `job${selectedJob === j.name ? ' selected' : ''}`,
        'data-job': j.name,
        tabindex: 0,
        title: 'show the end of its log',
        onclick: () => showLog(j),
        onkeydown: (ev) => ev.key === 'Enter' && showLog(j),
      },
      h('td', {}, j.kind === 'training-job' ? 'training' : 'transform'),
      h('td', { class: 'mono' }, j.name),
      h('td', {}, j.location),
      h('td', {}, badge(j.status), j.failureReason ? h('div', { class: 'bad' }, j.failureReason) : null),
      num('duration', j.durationSeconds !== undefined ? `${j.durationSeconds} s` : '–'),
      h(
        'td',
        { class: 'mono' },
        Object.entries(j.metrics ?? {})
          .map(([k, v]) => `${k} ${Number(v).toPrecision(4)}`)
          .join(' · ') || '–',
      ),
      h('td', { class: 'time' }, when(j.creationTime)),
    ),
  );
  body.replaceChildren(table(['kind', 'name', 'location', 'status', 'duration#', 'final metrics', 'created'], rows));
}

async function showLog(job) {
  selectedJob = job.name;
  for (const tr of document.querySelectorAll('tr.job')) tr.classList.toggle('selected', tr.dataset.job === job.name);
  const pre = $('job-log');
  pre.hidden = false;
  pre.textContent = `${job.name}: reading its log…`;
  try {
    const q = new URLSearchParams({ kind: job.kind, name: job.name });
    const { lines } = await api(`/api/job-log?${q}`);
    pre.textContent = lines.length
      ? `${job.name} (last ${lines.length} lines)\n${lines.join('\n')}`
      : `${job.name}: no log lines`;
  } catch (err) {
    pre.textContent = `${job.name}: ${err.message}`;
  }
}

function renderGrants(grants) {
  const body = $('grants').querySelector('.body');
  if (grants.length === 0) {
    body.replaceChildren(h('p', { class: 'dim' }, "No role made by 'mme grant'."));
    return;
  }
  body.replaceChildren(
    table(
      ['role', 'endpoint', 'may invoke (sagemaker:TargetModel)', 'created'],
      grants.map((g) =>
        h(
          'tr',
          { 'data-role': g.roleName },
          h('td', {}, h('div', {}, g.roleName), h('div', { class: 'dim mono' }, g.roleArn)),
          h('td', {}, g.endpoint ?? '–'),
          h('td', { class: 'mono' }, (g.targetModels ?? g.prefixes.map((p) => `${p}/*`)).join(', ')),
          h('td', { class: 'time' }, when(g.createDate)),
        ),
      ),
    ),
  );
}

// ── invoke ───────────────────────────────────────────────────────────────────────────────
async function randomHouse() {
  const model = $('invoke-model').value;
  if (!model) return;
  const { features } = await api(`/api/sample?${new URLSearchParams({ model })}`);
  $('invoke-features').value = features;
}

async function invoke(ev) {
  ev.preventDefault();
  const out = $('invoke-result');
  const button = $('invoke-submit');
  button.disabled = true;
  out.replaceChildren(h('p', { class: 'dim' }, 'Invoking…'));
  try {
    const r = await api('/api/invoke', {
      method: 'POST',
      body: JSON.stringify({
        endpoint: $('invoke-endpoint').value,
        model: $('invoke-model').value,
        features: $('invoke-features').value,
      }),
    });
    const inv = r.invocations[0];
    const call =
      r.cold === null
        ? 'AWS does not say whether it loaded the model'
        : r.cold
          ? 'cold: the model was loaded for it'
          : 'warm: the model was loaded already';
    out.replaceChildren(
      h(
        'div',
        { class: 'prediction', 'data-prediction': inv.prediction ?? '' },
        inv.prediction === null ? inv.raw : dollars.format(inv.prediction),
      ),
      h(
        'p',
        {},
        h('span', { 'data-latency': inv.latencyMs }, `${inv.latencyMs.toFixed(1)} ms`),
        ' · ',
        h('span', { 'data-cold': String(r.cold) }, call),
      ),
      h(
        'p',
        { class: 'dim mono' },
        `${r.targetModel} on ${r.endpoint}${inv.invokedProductionVariant ? ` (${inv.invokedProductionVariant})` : ''}: ${inv.features}`,
      ),
    );
    void refreshOverview();
  } catch (err) {
    out.replaceChildren(h('p', { class: 'bad', 'data-error': '' }, err.message));
  } finally {
    button.disabled = false;
  }
}

// ── polling ──────────────────────────────────────────────────────────────────────────────
const timers = {};
function every(name, fn, ms) {
  clearTimeout(timers[name]);
  const run = async () => {
    await fn();
    timers[name] = setTimeout(run, typeof ms === 'function' ? ms() : ms);
  };
  return run();
}

async function refreshOverview() {
  try {
    overview = await api('/api/overview');
    $('target').textContent =
      `${overview.target}, ${overview.region}${overview.bucket ? ` · s3://${overview.bucket}/${overview.prefix}` : ''}`;
    renderEndpoints(overview);
    renderModels(overview);
    fillForms(overview);
    $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
    problem([...overview.errors].join('; ') || undefined);
  } catch (err) {
    problem(`Could not read the target: ${err.message}`);
  }
}

async function refreshCharts() {
  const endpoint = $('chart-endpoint').value;
  if (!endpoint) return;
  try {
    drawCharts(await api(`/api/metrics?${new URLSearchParams({ endpoint, since: $('chart-window').value })}`));
  } catch (err) {
    $('chart-note').textContent = `metrics: ${err.message}`;
  }
}

const guard = (fn, where) => async () => {
  try {
    await fn();
  } catch (err) {
    $(where)
      .querySelector('.body')
      .replaceChildren(h('p', { class: 'warn' }, err.message));
  }
};

async function start() {
  $('invoke-form').addEventListener('submit', invoke);
  $('invoke-random').addEventListener('click', () => void randomHouse().catch((err) => problem(err.message)));
  $('invoke-endpoint').addEventListener('change', () => overview && fillForms(overview));
  $('invoke-model').addEventListener('change', () => void randomHouse());
  $('chart-endpoint').addEventListener('change', () => void every('charts', refreshCharts, 5000));
  $('chart-window').addEventListener('change', () => void every('charts', refreshCharts, 5000));
  let resizing;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => resizeCharts(false), 100);
  });
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => resizeCharts(true));
  await every('overview', refreshOverview, () => overview?.refreshMs ?? 5000);
  if (!$('invoke-features').value) void randomHouse().catch(() => {});
  void every('charts', refreshCharts, () => Math.max(5000, overview?.refreshMs ?? 5000));
  void every(
    'jobs',
    guard(async () => renderJobs(await api('/api/jobs')), 'jobs'),
    15_000,
  );
  void every(
    'grants',
    guard(async () => renderGrants(await api('/api/grants')), 'grants'),
    15_000,
  );
}

void start();
