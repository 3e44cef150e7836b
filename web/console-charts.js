// Small SVG line charts for the metrics view: no library, no CDN. Each chart is a <figure> with a
// caption, an SVG marked role="img" with a text summary, and the points as a visually hidden table
// so the figures are readable without seeing the lines.

import { el } from './console-api.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 120;
const PAD = { l: 44, r: 8, t: 8, b: 18 };

function svg(tag, attrs) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  return n;
}

const fmt = (v) => (v === null || v === undefined ? '—' : Math.abs(v) >= 100 || Number.isInteger(v) ? String(Math.round(v)) : Math.abs(v) < 0.01 ? v.toPrecision(2) : v.toFixed(2));

/**
 * One chart: `series` is [{ label, values }] over the same `times`; null values leave gaps.
 * Returns the <figure>.
 */
export function lineChart({ id, title, times, series, unit = '' }) {
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const peak = Math.max(0, ...all);
  const max = peak > 0 ? peak : 1;
  const x = (i) => PAD.l + (times.length > 1 ? (i * (W - PAD.l - PAD.r)) / (times.length - 1) : 0);
  const y = (v) => PAD.t + (H - PAD.t - PAD.b) * (1 - v / max);
  const last = series.map((s) => `${s.label} ${fmt([...s.values].reverse().find((v) => v !== null && v !== undefined))}${unit}`).join(', ');
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}: ${all.length ? `latest ${last}; peak ${fmt(peak)}${unit}` : 'no data yet'}`, class: 'chart' });
  chart.append(svg('line', { x1: PAD.l, y1: y(0), x2: W - PAD.r, y2: y(0), class: 'axis' }), svg('line', { x1: PAD.l, y1: PAD.t, x2: PAD.l, y2: y(0), class: 'axis' }));
  const top = svg('text', { x: PAD.l - 4, y: PAD.t + 8, class: 'tick', 'text-anchor': 'end' });
  top.textContent = fmt(max);
  const zero = svg('text', { x: PAD.l - 4, y: y(0), class: 'tick', 'text-anchor': 'end' });
  zero.textContent = '0';
  const t0 = svg('text', { x: PAD.l, y: H - 4, class: 'tick' });
  t0.textContent = times.length ? new Date(times[0]).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
  const t1 = svg('text', { x: W - PAD.r, y: H - 4, class: 'tick', 'text-anchor': 'end' });
  t1.textContent = times.length ? new Date(times.at(-1)).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : '';
  chart.append(top, zero, t0, t1);
  series.forEach((s, k) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) return void (pen = false);
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    chart.append(svg('path', { d, class: `line s${k}`, 'data-series': s.label }));
    s.values.forEach((v, i) => {
      if (v !== null && v !== undefined && v > 0) chart.append(svg('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2, class: `dot s${k}` }));
    });
  });
  const legend = el('p', { class: 'legend' }, ...series.map((s, k) => el('span', { class: `key s${k}` }, s.label)));
  const table = el(
    'table',
    { class: 'sr-only' },
    el('caption', {}, title),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Time'), ...series.map((s) => el('th', { scope: 'col' }, s.label)))),
    el('tbody', {}, ...times.map((t, i) => el('tr', {}, el('th', { scope: 'row' }, new Date(t).toLocaleString()), ...series.map((s) => el('td', {}, fmt(s.values[i])))))),
  );
  return el('figure', { class: 'chart-card', 'data-testid': `chart-${id}`, 'data-points': String(all.length) }, el('figcaption', {}, title), chart, series.length > 1 ? legend : '', table);
}
