/**
 * The runs page (`dgr serve --runs DIR`): every run of the folder with its state and the settings that differ,
 * re-read every few seconds (a sweep's runs appear as they start); ticked runs compared — each arm's score curve
 * (mean and ± s.e.m. band over seeds), the retention / ACC table, R matrices side by side, dream grids and episode
 * GIFs. Everything it shows comes through protocol/runs.ts's schemas. `window.dgrRuns` exposes what is plotted.
 */
import { RUN_FILE_PATH, RUN_PATH, RUNS_PATH, runDetailSchema, runsListingSchema, type RunDetail, type RunsListing, type RunSummary } from '../../protocol/runs.ts';
import { SERIES_COLOURS } from './charts.ts';
import { band, type BandPoint } from './runs-compare.ts';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const LISTING_EVERY_MS = 2000;

let listing: RunsListing | null = null;
const chosen = new Set<string>();
const details = new Map<string, RunDetail>();
/** What the curves show, per series (run and arm): for tests and for people poking at the page. */
const plotted: { run: string; arm: string; game: number; points: BandPoint[] }[] = [];
(window as unknown as { dgrRuns: unknown }).dgrRuns = { plotted, listing: () => listing, chosen: () => [...chosen] };

async function getJson<T>(url: string, schema: { parse(v: unknown): T }): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
  return schema.parse(await res.json());
}

const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(digits)}`);
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text = '', attrs: Record<string, string> = {}): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};

function stateCell(run: RunSummary): HTMLTableCellElement {
  const td = el('td', run.state, { class: `state-${run.state}` });
  if (run.state === 'running' && run.progress) {
    const bar = el('span', '', { class: 'bar', title: `${run.progress.done} / ${run.progress.total} frames` });
    const fill = el('i');
    fill.style.width = `${Math.min(100, (100 * run.progress.done) / run.progress.total).toFixed(1)}%`;
    bar.append(fill);
    td.append(bar, ` ${Math.round((100 * run.progress.done) / run.progress.total)} %`);
  }
  if (run.error) td.append(el('div', run.error, { class: 'error' }));
  return td;
}

function renderListing(): void {
  if (!listing) return;
  $('root').textContent = `runs in ${listing.root}${listing.truncated ? ` (${listing.truncated} more not listed)` : ''}`;
  const table = $<HTMLTableElement>('runs');
  const head = el('tr');
  for (const h of ['', 'run', 'kind', 'state', 'arms', 'seeds', 'games', ...listing.differing, '']) head.append(el('th', h));
  const rows = listing.runs.map((run) => {
    const tr = el('tr', '', { 'data-run': run.id });
    const box = el('input', '', { type: 'checkbox', 'aria-label': `compare ${run.id}` });
    box.checked = chosen.has(run.id);
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(run.id);
      else chosen.delete(run.id);
      void refreshDetails();
    });
    const pick = el('td');
    pick.append(box);
    const open = el('button', 'open', { type: 'button' });
    open.addEventListener('click', () => {
      const dir = `${listing!.root}/${run.id}`;
      $('open-note').textContent =
        run.state === 'running' ? `${run.id} is running: its own \`dgr serve\` shows it live (or \`dgr serve --replay ${dir}\` once it stops)` : `to watch it: dgr serve --replay ${dir}`;
    });
    const openCell = el('td');
    openCell.append(open);
    tr.append(pick, el('td', run.id), el('td', run.kind), stateCell(run), el('td', run.arms.join(', ')), el('td', run.seeds.join(', ')), el('td', run.games.join(' → ')));
    for (const key of listing!.differing) tr.append(el('td', run.settings[key] ?? '–', { 'data-setting': key }));
    tr.append(openCell);
    return tr;
  });
  table.replaceChildren(head, ...rows);
}

async function refreshListing(): Promise<void> {
  try {
    listing = await getJson(RUNS_PATH, runsListingSchema);
    for (const id of chosen) if (!listing.runs.some((r) => r.id === id)) chosen.delete(id);
    renderListing();
    $('refreshed').textContent = `read ${new Date().toLocaleTimeString()}`;
    // Runs under way are compared as their files arrive.
    if ([...chosen].some((id) => listing!.runs.find((r) => r.id === id)?.state === 'running' || !details.get(id)?.arms.length)) await refreshDetails();
  } catch (error) {
    $('refreshed').textContent = `cannot read the runs: ${(error as Error).message}`;
  }
}

/** One refresh of the chosen runs at a time; a change meanwhile asks for one more after it. */
let refreshing: Promise<void> | null = null;
let again = false;

function refreshDetails(): Promise<void> {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  refreshing = (async () => {
    do {
      again = false;
      try {
        for (const id of [...chosen]) details.set(id, await getJson(`${RUN_PATH}?id=${encodeURIComponent(id)}`, runDetailSchema));
      } catch (error) {
        $('refreshed').textContent = `cannot read a run: ${(error as Error).message}`;
      }
      for (const id of [...details.keys()]) if (!chosen.has(id)) details.delete(id);
      renderCompare();
    } while (again);
    refreshing = null;
  })();
  return refreshing;
}

const compared = (): RunDetail[] => [...chosen].map((id) => details.get(id)).filter((d): d is RunDetail => d !== undefined);

function renderCompare(): void {
  const runs = compared();
  $('compare').hidden = runs.length === 0;
  if (runs.length === 0) return;
  const games = runs[0].run.games;
  const select = $<HTMLSelectElement>('game');
  if (select.options.length !== games.length || games.some((g, i) => select.options[i].text !== g)) {
    select.replaceChildren(...games.map((g, i) => new Option(g, String(i))));
  }
  renderCurves(runs, Number(select.value || 0));
  renderAcc(runs);
  renderHeatmaps(runs);
  renderPictures(runs);
}

const SVG = 'http://www.w3.org/2000/svg';
const svgEl = (tag: string, attrs: Record<string, string | number>): SVGElement => {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
};

/** One line per run and arm: the mean over seeds, a band of ± s.e.m. around it, a dot per evaluation. */
function renderCurves(runs: readonly RunDetail[], game: number): void {
  const size = { width: 900, height: 300, left: 50, right: 14, top: 12, bottom: 30 };
  plotted.length = 0;
  for (const d of runs) for (const a of d.arms) plotted.push({ run: d.run.id, arm: a.arm, game, points: band(d.curves, a.arm, game) });
  const all = plotted.flatMap((s) => s.points);
  const xMax = Math.max(1, ...runs.map((d) => d.boundaries.at(-1) ?? 0), ...all.map((p) => p.frame));
  const lo = Math.min(0, ...all.map((p) => p.mean - (p.sem ?? 0)));
  const hi = Math.max(1, ...all.map((p) => p.mean + (p.sem ?? 0)));
  const w = size.width - size.left - size.right;
  const h = size.height - size.top - size.bottom;
  const X = (x: number): number => size.left + (x / xMax) * w;
  const Y = (y: number): number => size.top + h - ((y - lo) / (hi - lo)) * h;
  const svg = svgEl('svg', { width: size.width, height: size.height, 'data-y-min': lo, 'data-y-max': hi, 'data-x-max': xMax, 'data-plot': `${size.left} ${size.top} ${w} ${h}` });
  svg.append(svgEl('rect', { x: 0, y: 0, width: size.width, height: size.height, fill: '#10131f' }));
  for (const y of [0, 1]) svg.append(svgEl('line', { x1: size.left, x2: size.left + w, y1: Y(y), y2: Y(y), stroke: '#262c40' }));
  for (const [k, b] of (runs[0].boundaries ?? []).entries()) {
    svg.append(svgEl('line', { x1: X(b), x2: X(b), y1: size.top, y2: size.top + h, stroke: '#262c40', 'stroke-dasharray': '3 3' }));
    const t = svgEl('text', { x: X(b) + 4, y: size.top + 12, fill: '#7f89a8', 'font-size': 11 });
    t.textContent = runs[0].run.games[k] ?? '';
    svg.append(t);
  }
  for (const y of [0, 1, lo, hi].filter((v, i, all) => all.findIndex((u) => Math.abs(Y(u) - Y(v)) < 12) === i)) {
    const t = svgEl('text', { x: 4, y: Y(y) + 4, fill: '#7f89a8', 'font-size': 11 });
    t.textContent = y.toFixed(2);
    svg.append(t);
  }
  const legend = plotted.map((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length];
    const withBand = s.points.filter((p) => p.sem !== null);
    if (withBand.length > 1) {
      const upper = withBand.map((p) => `${X(p.frame)},${Y(p.mean + p.sem!)}`);
      const lower = withBand.map((p) => `${X(p.frame)},${Y(p.mean - p.sem!)}`).reverse();
      svg.append(svgEl('polygon', { points: [...upper, ...lower].join(' '), fill: colour, 'fill-opacity': 0.18, class: 'band' }));
    }
    svg.append(svgEl('polyline', { points: s.points.map((p) => `${X(p.frame)},${Y(p.mean)}`).join(' '), fill: 'none', stroke: colour, 'stroke-width': 2 }));
    for (const p of s.points) {
      svg.append(svgEl('circle', { class: 'mean', cx: X(p.frame), cy: Y(p.mean), r: 3, fill: colour, 'data-series': `${s.run} ${s.arm}`, 'data-frame': p.frame, 'data-mean': p.mean, 'data-sem': p.sem ?? '', 'data-n': p.n }));
    }
    const item = el('span', `■ ${s.run} · ${s.arm}`);
    item.style.color = colour;
    return item;
  });
  $('curves').replaceChildren(svg);
  $('curves-legend').replaceChildren(...legend);
}

function renderAcc(runs: readonly RunDetail[]): void {
  const earlier = runs[0].run.games.slice(0, -1);
  const head = el('tr');
  for (const h of ['run', 'arm', 'seeds', ...earlier.map((g) => `retention ${g} (%)`), 'ACC (%)']) head.append(el('th', h));
  const rows = runs.flatMap((d) =>
    d.arms.map((a) => {
      const tr = el('tr', '', { 'data-series': `${d.run.id} ${a.arm}` });
      tr.append(el('td', d.run.id), el('td', a.arm), el('td', a.seeds.join(', ')));
      for (const g of earlier) {
        const sem = a.retentionSem?.[g];
        tr.append(el('td', `${pct(a.retention[g])}${sem != null ? ` ± ${pct(sem)}` : ''}`, { class: 'num', 'data-retention': g }));
      }
      tr.append(el('td', `${pct(a.acc)}${a.accSem !== null ? ` ± ${pct(a.accSem)}` : ''}`, { class: 'num', 'data-acc': '' }));
      return tr;
    }),
  );
  const pending = runs.filter((d) => d.arms.length === 0).map((d) => {
    const tr = el('tr');
    tr.append(el('td', d.run.id), el('td', `no result yet (${d.run.state})`, { colspan: String(3 + earlier.length) }));
    return tr;
  });
  $<HTMLTableElement>('acc').replaceChildren(head, ...rows, ...pending);
}

/** A cell's colour: dark at 0 (a random player) and below, green at 1 (the script) and above. */
function heat(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  return `rgb(${Math.round(40 + 40 * t)}, ${Math.round(50 + 170 * t)}, ${Math.round(70 + 50 * t)})`;
}

function renderHeatmaps(runs: readonly RunDetail[]): void {
  const figures = runs.flatMap((d) =>
    d.arms.map((a) => {
      const figure = el('figure', '', { 'data-series': `${d.run.id} ${a.arm}` });
      figure.append(el('figcaption', `${d.run.id} · ${a.arm}`));
      const table = el('table', '', { class: 'heatmap' });
      const head = el('tr');
      head.append(el('th', 'after'), ...d.run.games.map((g) => el('th', g)));
      table.append(head);
      a.R.forEach((row, k) => {
        const tr = el('tr');
        tr.append(el('th', k === 0 ? 'start' : d.run.games[k - 1]));
        row.forEach((v, i) => {
          const td = el('td', pct(v, 0), { 'data-r': `${k} ${i}`, 'data-value': String(v) });
          td.style.background = heat(v);
          tr.append(td);
        });
        table.append(tr);
      });
      figure.append(table);
      return figure;
    }),
  );
  $('heatmaps').replaceChildren(...figures);
}

function renderPictures(runs: readonly RunDetail[]): void {
  const figures = runs.flatMap((d) =>
    d.arms.flatMap((a) =>
      a.pictures.map((p) => {
        const figure = el('figure');
        figure.append(el('figcaption', `${d.run.id} · ${a.arm}: ${p.title}`));
        const img = el('img', '', { src: `${RUN_FILE_PATH}?id=${encodeURIComponent(d.run.id)}&path=${encodeURIComponent(p.path)}`, alt: p.title, loading: 'lazy' });
        img.style.maxWidth = '360px';
        figure.append(img);
        return figure;
      }),
    ),
  );
  $('pictures').replaceChildren(...figures);
}

$<HTMLSelectElement>('game').addEventListener('change', () => renderCompare());
void refreshListing();
setInterval(() => void refreshListing(), LISTING_EVERY_MS);
