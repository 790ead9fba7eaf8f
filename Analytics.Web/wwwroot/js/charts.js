// ECharts interop for the EChart Razor component (Components/Dashboards/EChart.razor).
// The option JSON comes from ChartOptionsBuilder (.NET). Formatters cannot travel as JSON, so the builder writes marker
// strings ("$fmt:currency", "$axis:percent", "$date:day") that hydrate() swaps for the functions below; the root "drill"
// key says which dimension a click filters by and is removed before ECharts sees the option.
// Charts are kept by id; a chart whose element has left the document (a component torn down without a dispose call,
// e.g. after a lost circuit) is disposed on the next create, so re-renders and reconnects leak nothing.

const echartsUrl = new URL('../lib/echarts/echarts.min.js', import.meta.url).href;
let echartsLoading = null;

/** Loads ECharts once (a classic script that defines window.echarts). */
export function ensureEcharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!echartsLoading) {
    echartsLoading = new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = echartsUrl;
      script.async = true;
      script.onload = () => resolve(window.echarts);
      script.onerror = () => { echartsLoading = null; reject(new Error('Could not load ' + echartsUrl)); };
      document.head.appendChild(script);
    });
  }
  return echartsLoading;
}

// ---- formatting (keyed by the metric format names of Analytics.Domain/Metrics: number, integer, currency, percent, ratio)

const numberFormats = new Map();
function nf(key, options) {
  let f = numberFormats.get(key);
  if (!f) { f = new Intl.NumberFormat('en-US', options); numberFormats.set(key, f); }
  return f;
}

/** The number a formatter was given: a value, a [time, value] or [x, y, value] point, or ECharts' params object. */
function numberOf(arg) {
  let v = arg;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v) v = v.value;
  if (Array.isArray(v)) v = v[v.length - 1];
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

// Mirrors Analytics.Domain/Metrics/MetricFormat.cs: both are tested against Analytics.Tests/Shared/metric-format-cases.json.
const currencySymbols = { USD: '$', CAD: 'CA$', AUD: 'A$', EUR: '€', GBP: '£', JPY: '¥', INR: '₹' };
function currencySymbol(currency) {
  const code = String(currency || 'USD').toUpperCase();
  return currencySymbols[code] ?? code + ' ';
}

/** A value by its metric format; compact is the axis and data-label form (MetricFormat.Compact). */
export function formatValue(value, format, currency = 'USD', compact = false) {
  const v = numberOf(value);
  if (v === null) return '–';
  const c = compact && Math.abs(v) >= 10000;
  switch (format) {
    case 'integer':
      return c ? nf('ic', { notation: 'compact', maximumFractionDigits: 1 }).format(v) : nf('i', { maximumFractionDigits: 0 }).format(v);
    case 'currency': {
      if (c) return (v < 0 ? '-' : '') + currencySymbol(currency) + nf('ic', { notation: 'compact', maximumFractionDigits: 1 }).format(Math.abs(v));
      const digits = String(currency).toUpperCase() === 'JPY' ? 0 : 2;
      return (v < 0 ? '-' : '') + currencySymbol(currency) + nf('f' + digits, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Math.abs(v));
    }
    case 'percent':
      return compact
        ? nf('pc', { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: 1 }).format(v)
        : nf('f2', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v * 100) + '%';
    case 'ratio':
      return nf('f2', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v);
    case 'compact':
      return nf('nc', { notation: 'compact', maximumFractionDigits: 1 }).format(v);
    default:
      return c ? nf('nc', { notation: 'compact', maximumFractionDigits: 1 }).format(v) : nf('n', { maximumFractionDigits: 2 }).format(v);
  }
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = n => String(n).padStart(2, '0');

/** A bucket start by granularity. Times are the query zone's wall clock written as UTC (charts run with useUTC). */
export function formatDate(value, granularity) {
  let v = value;
  if (v !== null && typeof v === 'object' && 'value' in v) v = v.value;
  if (Array.isArray(v)) v = v[0];
  const d = v instanceof Date ? v : new Date(typeof v === 'string' || typeof v === 'number' ? v : NaN);
  if (isNaN(d.getTime())) return String(value ?? '');
  const y = d.getUTCFullYear(), m = d.getUTCMonth(), day = d.getUTCDate();
  switch (granularity) {
    case 'hour':
    case 'minute': return `${months[m]} ${day}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    case 'week': return `Week of ${months[m]} ${day}, ${y}`;
    case 'month': return `${months[m]} ${y}`;
    case 'quarter': return `Q${Math.floor(m / 3) + 1} ${y}`;
    case 'year': return String(y);
    default: return `${months[m]} ${day}, ${y}`;
  }
}

/** Replaces marker strings by formatter functions, in place. */
function hydrate(node, currency) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      if (typeof item === 'string') node[i] = markerFunction(item, currency) ?? item;
      else if (item && typeof item === 'object') hydrate(item, currency);
    });
    return node;
  }
  for (const key of Object.keys(node)) {
    const item = node[key];
    if (typeof item === 'string') {
      const fn = markerFunction(item, currency);
      if (fn) node[key] = fn;
    } else if (item && typeof item === 'object') {
      hydrate(item, currency);
    }
  }
  return node;
}

function markerFunction(text, currency) {
  if (text.charCodeAt(0) !== 36 /* $ */) return null;
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const kind = text.slice(0, colon), arg = text.slice(colon + 1);
  switch (kind) {
    case '$fmt': return v => formatValue(v, arg, currency, false);
    case '$axis': return v => formatValue(v, arg, currency, true);
    case '$date': return v => formatDate(v, arg);
    default: return null;
  }
}

// ---- charts

const charts = new Map();
let nextId = 1;

function sweep() {
  for (const [id, entry] of charts) {
    if (!entry.el.isConnected) dispose(id);
  }
}

/** An option built by ChartOptionsBuilder, ready for ECharts: markers hydrated, the drill-down description removed. */
export function hydrateOption(optionJson, currency = 'USD') {
  return prepare(optionJson, { currency }).option;
}

function prepare(optionJson, settings) {
  const option = typeof optionJson === 'string' ? JSON.parse(optionJson) : optionJson;
  const drill = option.drill ?? {};
  delete option.drill;
  hydrate(option, settings?.currency || 'USD');
  return { option, drill };
}

/** What a click on a point, bar, slice or cell means: its series, name, value and the filters it implies. */
function describeClick(entry, params) {
  const drill = entry.drill ?? {};
  const filters = {};
  const seriesId = typeof params.seriesId === 'string' ? params.seriesId : '';
  const sep = seriesId.indexOf('\u001f');
  const seriesKey = sep > 0 ? seriesId.slice(0, sep) : null;
  const metric = sep >= 0 ? seriesId.slice(sep + 1) : null;
  let name = params.name ?? '';
  if (params.seriesType === 'heatmap' && Array.isArray(params.value)) {
    const option = entry.chart.getOption();
    const xs = option.xAxis?.[0]?.data ?? [], ys = option.yAxis?.[0]?.data ?? [];
    const x = xs[params.value[0]], y = ys[params.value[1]];
    if (drill.x && x !== undefined) filters[drill.x] = String(x);
    if (drill.y && y !== undefined) filters[drill.y] = String(y);
    name = `${x ?? ''} × ${y ?? ''}`;
  } else {
    if (!name && Array.isArray(params.value)) name = String(params.value.find(v => typeof v === 'string') ?? '');
    if (drill.category && params.name) filters[drill.category] = params.name;
    if (drill.series && seriesKey !== null) filters[drill.series] = seriesKey;
  }
  return { seriesName: params.seriesName ?? '', name: String(name), value: numberOf(params), metric, filters };
}

/**
 * Draws a chart in el. dotnet (a DotNetObjectReference) receives OnChartClick(click) when clickable is true.
 * settings: { currency, clickable, renderer: 'canvas'|'svg' }. Returns the chart's id.
 *
 * A dashboard asks for a dozen charts at once. Drawing each as its call arrives makes every echarts.init read its
 * container's size right after the previous chart changed the page — a style and layout pass per chart, which on a
 * big page costs more than the drawing. So creations are queued and drawn together on the next frame: every size is
 * read in one layout pass first, then each chart is initialised at that size without touching layout again.
 */
export function create(el, dotnet, optionJson, settings) {
  return new Promise((resolve, reject) => {
    pending.push({ el, dotnet, optionJson, settings, resolve, reject });
    schedule();
  });
}

const pending = [];
let scheduled = false;

function schedule() {
  if (scheduled) return;
  scheduled = true;
  // requestAnimationFrame does not run in a hidden tab; a timer still does.
  const run = () => { if (scheduled) { scheduled = false; ensureEcharts().then(flush, fail); } };
  if (document.hidden) setTimeout(run, 0);
  else { requestAnimationFrame(run); setTimeout(run, 100); }
}

function fail(error) {
  for (const job of pending.splice(0)) job.reject(error);
}

function flush() {
  sweep();
  const jobs = pending.splice(0).filter(job => job.el.isConnected || (job.resolve(0), false));
  const sizes = jobs.map(job => ({ width: job.el.clientWidth, height: job.el.clientHeight }));
  drawSlice(jobs, sizes, 0);
}

/**
 * Draws the batch in slices of about 40 ms, yielding between them, so a screenful of charts never blocks input for
 * long (the sizes stay those read in the one layout pass; a container that changed since is fixed by its observer).
 */
function drawSlice(jobs, sizes, from) {
  const started = performance.now();
  let i = from;
  for (; i < jobs.length; i++) {
    if (i > from && performance.now() - started > 40) break;
    const job = jobs[i];
    if (!job.el.isConnected) { job.resolve(0); continue; }
    try { job.resolve(draw(job, sizes[i])); } catch (error) { job.reject(error); }
  }
  if (i < jobs.length) setTimeout(() => drawSlice(jobs, sizes, i), 0);
}

function draw({ el, dotnet, optionJson, settings }, size) {
  const previous = window.echarts.getInstanceByDom(el);
  if (previous) {
    for (const [id, entry] of charts) if (entry.el === el) dispose(id);
    if (!previous.isDisposed()) previous.dispose();
  }
  const init = { renderer: settings?.renderer || 'canvas' };
  if (size.width > 0 && size.height > 0) Object.assign(init, size);
  const chart = window.echarts.init(el, currentTheme(), init);
  const id = nextId++;
  const entry = { el, chart, dotnet, settings: settings ?? {}, drill: {}, observer: null, frame: 0, size, optionJson };
  charts.set(id, entry);
  const { option, drill } = prepare(optionJson, settings);
  entry.drill = drill;
  // A short entrance: a dashboard draws many charts at once, and every animation frame of every chart costs.
  option.animationDuration ??= 300;
  chart.setOption(themed(option), { notMerge: true });
  listen(entry);
  entry.observer = new ResizeObserver(([observed]) => {
    const box = observed?.contentRect;
    // The observer reports once at the start: nothing to redraw when the chart was drawn at that size.
    if (box && entry.size && Math.round(box.width) === entry.size.width && Math.round(box.height) === entry.size.height) return;
    entry.size = null;
    cancelAnimationFrame(entry.frame);
    entry.frame = requestAnimationFrame(() => fit(entry.chart));
  });
  entry.observer.observe(el);
  el.dataset.chartId = String(id);
  return id;
}

function listen(entry) {
  entry.chart.on('click', params => {
    if (!entry.settings.clickable || !entry.dotnet) return;
    const click = describeClick(entry, params);
    entry.dotnet.invokeMethodAsync('OnChartClick', click).catch(() => { /* circuit gone: nothing to tell */ });
  });
}

/** ECharts' dark theme when the page is dark (<html data-theme="dark">, set by the layout's colour scheme), else the default. */
function currentTheme() {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : null;
}

/** The dark theme paints its own background; the card behind the chart already has the page's colour. */
function themed(option) {
  if (currentTheme() === 'dark') option.backgroundColor ??= 'transparent';
  return option;
}

/** The colour scheme changed: redraw every live chart with the other theme (ECharts takes a theme only at init). */
document.addEventListener('analytics:themechange', () => {
  if (!window.echarts) return;
  for (const [, entry] of charts) {
    if (!entry.el.isConnected) continue;
    const renderer = entry.settings?.renderer || 'canvas';
    if (!entry.chart.isDisposed()) entry.chart.dispose();
    entry.chart = window.echarts.init(entry.el, currentTheme(), { renderer });
    const { option, drill } = prepare(entry.optionJson, entry.settings);
    entry.drill = drill;
    option.animation = false;
    entry.chart.setOption(themed(option), { notMerge: true });
    listen(entry);
  }
});

/** Follows the container again (a chart initialised at a measured size keeps that size until told otherwise). */
function fit(chart) {
  if (!chart.isDisposed()) chart.resize({ width: 'auto', height: 'auto' });
}

/** Replaces the chart's option (not merged, so removed series disappear). */
export function update(id, optionJson, settings) {
  const entry = charts.get(id);
  if (!entry) return false;
  if (settings) entry.settings = settings;
  entry.optionJson = optionJson;
  const { option, drill } = prepare(optionJson, entry.settings);
  entry.drill = drill;
  entry.chart.setOption(themed(option), { notMerge: true, lazyUpdate: true });
  return true;
}

export function resize(id) {
  const entry = charts.get(id);
  if (entry) fit(entry.chart);
}

/** The chart as a PNG data URL (for "download as image"). */
export function toDataUrl(id, pixelRatio = 2) {
  const entry = charts.get(id);
  if (!entry) return null;
  return entry.chart.getDataURL({ type: 'png', pixelRatio, backgroundColor: currentTheme() === 'dark' ? '#1c1f2b' : '#fff' });
}

export function dispose(id) {
  const entry = charts.get(id);
  if (!entry) return false;
  charts.delete(id);
  cancelAnimationFrame(entry.frame);
  entry.observer?.disconnect();
  if (!entry.chart.isDisposed()) entry.chart.dispose();
  entry.dotnet = null;
  if (entry.el.dataset) delete entry.el.dataset.chartId;
  return true;
}

/** How many charts are alive (tests check nothing leaks). */
export function count() {
  sweep();
  return charts.size;
}

/** Test and diagnostics hook: the ECharts instance of a chart id. */
export function instance(id) {
  return charts.get(id)?.chart ?? null;
}
