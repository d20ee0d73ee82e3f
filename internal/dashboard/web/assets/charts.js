// SVG charts, drawn from plain data: a line chart over dates, a histogram,
// a tornado (bars either side of zero) and swim lanes of intervals. Each
// chart has a <title> and <desc> for screen readers, and the pages give a
// table of the same numbers next to it.

import {s} from './dom.js';
import {num, pct, isoDay, fromDay, DAY} from './format.js';

// A palette that stays distinct for colour-blind readers (Okabe–Ito, then
// Tol's muted), in order of use.
export const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#882255',
  '#117733', '#332288', '#999933', '#AA4499', '#44AA99', '#661100'];

function frame(width, height, title, desc) {
  return s('svg', {viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', class: 'chart', preserveAspectRatio: 'xMidYMid meet'},
    s('title', {}, title), s('desc', {}, desc || title));
}

function ticksOf(max, count) {
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map(m => m * mag).find(v => v >= raw) || mag * 10;
  const out = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(+v.toFixed(10));
  return out;
}

// responsive wraps a chart drawn by draw(width) in a box that redraws it
// at the box's width in CSS pixels whenever that changes: one unit of the
// viewBox is then one CSS pixel, and text set in px (pages.css) reads at
// that size on a phone and on a wide screen alike.
function responsive(cls, draw, fallback) {
  const box = document.createElement('div');
  box.className = `chart-box ${cls}`;
  let drawn = 0;
  const redraw = () => {
    const w = Math.floor(box.clientWidth);
    if (!w || w === drawn) return;
    drawn = w;
    box.replaceChildren(draw(w));
  };
  box.append(draw(fallback));
  if (typeof ResizeObserver === 'function') new ResizeObserver(redraw).observe(box);
  return box;
}

// spread places labels wanted at y (sorted by y) at least gap apart,
// within [lo, hi]: each pushed down below the one above, then the last
// ones pulled back up if they run past hi. The order is kept.
export function spread(ys, gap, lo, hi) {
  const out = ys.slice();
  for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i], lo, i ? out[i - 1] + gap : lo);
  for (let i = out.length - 1; i >= 0; i--) out[i] = Math.min(out[i], i === out.length - 1 ? hi : out[i + 1] - gap);
  return out;
}

// lineChart draws step series of {x: 'YYYY-MM-DD', y: number} over dates
// (each value holds until the next point, and the last to the axis's
// end), with the target line (y = target, dashed, drawn on top and
// labelled) and a vertical marker at the date marker. The time axis runs
// past the last point and past the marker, so that the chosen date is
// never the chart's edge. Each series ends in a label with its last
// value, the labels in the order of the values, spread so that none
// overlaps another. It returns a box that redraws the chart at its width
// in CSS pixels.
export function lineChart(opts) {
  return responsive('line-chart', w => drawLine({...opts, width: w}), opts.width || 760);
}

function drawLine({series, target = 1, marker, yFormat = pct, title, width = 760, height = 300}) {
  const narrow = width < 560;
  // Room for the longest line-end label at 12 px, bold (about 7.3 px a
  // character), and its leader; at most 45 % of the width.
  const longest = Math.max(8, ...series.map(se => `${se.name} ${yFormat(se.points.length ? se.points[se.points.length - 1].y : 0)}`.length));
  const labelW = Math.min(Math.ceil(longest * 7.3) + 14, Math.floor(width * 0.45));
  const m = {l: 48, r: labelW, t: 14, b: 34};
  const svg = frame(width, height, title);
  const xs = series.flatMap(se => se.points.map(p => fromDay(p.x).getTime()));
  if (marker) xs.push(fromDay(marker).getTime());
  if (!xs.length) xs.push(Date.now());
  const first = Math.min(...xs), last = Math.max(...xs);
  // A month's room either side, or a twentieth of the span if longer.
  const pad = Math.max(31 * DAY, (last - first) / 20);
  const x0 = first - pad, x1 = last + pad;
  const yMax = Math.max(target * 1.25, ...series.flatMap(se => se.points.map(p => Math.min(p.y, target * 2))));
  const X = t => m.l + (t - x0) / (x1 - x0) * (width - m.l - m.r);
  const Y = v => height - m.b - Math.min(v, yMax) / yMax * (height - m.t - m.b);
  for (const v of ticksOf(yMax, narrow ? 4 : 5)) {
    svg.append(s('line', {x1: m.l, x2: width - m.r, y1: Y(v), y2: Y(v), class: 'grid'}),
      s('text', {x: m.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: v === target ? 'tick target-label' : 'tick'}, yFormat(v)));
  }
  // Month ticks, as many as fit: a label is about 60 px wide.
  const months = [];
  for (let d = new Date(Date.UTC(new Date(x0).getUTCFullYear(), new Date(x0).getUTCMonth() + 1, 1)); d.getTime() <= x1;
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) months.push(d.getTime());
  const fit = Math.max(1, Math.floor((width - m.l - m.r) / 64));
  const every = Math.max(1, Math.ceil(months.length / fit));
  months.filter((t, i) => i % every === 0).forEach(t => {
    svg.append(s('line', {x1: X(t), x2: X(t), y1: height - m.b, y2: height - m.b + 4, class: 'axis'}),
      s('text', {x: X(t), y: height - m.b + 18, 'text-anchor': 'middle', class: 'tick'}, isoDay(new Date(t)).slice(0, 7)));
  });
  svg.append(s('line', {x1: m.l, x2: width - m.r, y1: Y(0), y2: Y(0), class: 'axis'}));
  const ends = [];
  series.forEach((se, i) => {
    const color = se.color || palette[i % palette.length];
    const pts = se.points.slice().sort((p, q) => (p.x < q.x ? -1 : p.x > q.x ? 1 : 0));
    if (!pts.length) return;
    const path = [];
    pts.forEach((p, j) => {
      const xp = X(fromDay(p.x).getTime()), yp = Y(p.y);
      if (j) path.push(`${xp.toFixed(1)},${Y(pts[j - 1].y).toFixed(1)}`);
      path.push(`${xp.toFixed(1)},${yp.toFixed(1)}`);
    });
    const end = pts[pts.length - 1];
    path.push(`${(width - m.r).toFixed(1)},${Y(end.y).toFixed(1)}`);
    svg.append(s('polyline', {points: path.join(' '), fill: 'none', stroke: color, 'stroke-width': 2, class: 'series', 'data-series': se.name},
      s('title', {}, `${se.name}: ${yFormat(end.y)} from ${end.x}`)));
    ends.push({name: se.name, color, value: end.y, y: Y(end.y)});
  });
  // The labels: by value, highest on top (ties by name), spread apart.
  ends.sort((p, q) => q.value - p.value || p.name.localeCompare(q.name));
  const ys = spread(ends.map(e => e.y + 4), 14, m.t + 8, height - m.b + 4);
  ends.forEach((e, i) => {
    svg.append(s('line', {x1: width - m.r + 1, x2: width - m.r + 8, y1: e.y, y2: ys[i] - 4, stroke: e.color, class: 'leader'}),
      s('text', {x: width - m.r + 10, y: ys[i], class: 'legend', fill: e.color, 'data-series': e.name}, `${e.name} ${yFormat(e.value)}`));
  });
  if (marker) {
    const xm = X(fromDay(marker).getTime());
    svg.append(s('line', {x1: xm, x2: xm, y1: m.t, y2: height - m.b, class: 'marker'}),
      s('text', {x: xm < (m.l + width - m.r) / 2 ? xm + 4 : xm - 4, y: m.t + 10,
        'text-anchor': xm < (m.l + width - m.r) / 2 ? 'start' : 'end', class: 'tick marker-label'}, marker));
  }
  // The target on top of everything, so that no series hides it.
  svg.append(s('line', {x1: m.l, x2: width - m.r, y1: Y(target), y2: Y(target), class: 'target'},
    s('title', {}, `${yFormat(target)}: the requirement`)));
  return svg;
}

// histogram draws bins {from, to, count} with labelled vertical markers.
export function histogram({bins, markers = [], title, xLabel, width = 760, height = 260}) {
  const m = {l: 52, r: 16, t: 16, b: 40};
  const svg = frame(width, height, title);
  const x0 = bins.length ? bins[0].from : 0, x1 = bins.length ? bins[bins.length - 1].to : 1;
  const yMax = Math.max(1, ...bins.map(b => b.count));
  const X = v => m.l + (v - x0) / (x1 - x0 || 1) * (width - m.l - m.r);
  const Y = v => height - m.b - v / yMax * (height - m.t - m.b);
  for (const v of ticksOf(yMax, 4)) {
    svg.append(s('line', {x1: m.l, x2: width - m.r, y1: Y(v), y2: Y(v), class: 'grid'}),
      s('text', {x: m.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick'}, num(v)));
  }
  for (const b of bins) {
    svg.append(s('rect', {x: X(b.from) + 0.5, y: Y(b.count), width: Math.max(0.5, X(b.to) - X(b.from) - 1), height: Y(0) - Y(b.count), class: 'bar'},
      s('title', {}, `${num(b.from)}–${num(b.to)} ${xLabel}: ${num(b.count)} runs`)));
  }
  for (const t of ticksOf(x1 - x0, 8)) {
    svg.append(s('text', {x: X(x0 + t), y: height - 22, 'text-anchor': 'middle', class: 'tick'}, num(x0 + t)));
  }
  svg.append(s('text', {x: (m.l + width - m.r) / 2, y: height - 4, 'text-anchor': 'middle', class: 'tick'}, xLabel));
  for (const mk of markers) {
    if (mk.at < x0 || mk.at > x1) continue;
    svg.append(s('line', {x1: X(mk.at), x2: X(mk.at), y1: m.t, y2: Y(0), class: 'marker'}),
      s('text', {x: X(mk.at) + 3, y: m.t + 10, class: 'tick marker-label'}, mk.label));
  }
  return svg;
}

// tornado draws {label, value} bars from a zero line, largest first.
export function tornado({items, title, format = v => `${v >= 0 ? '+' : '−'}${pct(Math.abs(v))}`, width = 760}) {
  const rowH = 26, m = {l: 230, r: 70, t: 8, b: 8};
  const height = m.t + m.b + rowH * Math.max(1, items.length);
  const svg = frame(width, height, title);
  const maxAbs = Math.max(1e-9, ...items.map(i => Math.abs(i.value)));
  const neg = items.some(i => i.value < 0);
  const zero = neg ? (m.l + width - m.r) / 2 : m.l;
  const scale = (neg ? (width - m.r - m.l) / 2 : width - m.r - m.l) / maxAbs;
  items.forEach((it, i) => {
    const y = m.t + i * rowH;
    const w = Math.abs(it.value) * scale;
    svg.append(
      s('text', {x: m.l - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'tick'}, it.label),
      s('rect', {x: it.value >= 0 ? zero : zero - w, y: y + 4, width: Math.max(1, w), height: rowH - 8, class: it.value >= 0 ? 'bar' : 'bar neg'},
        s('title', {}, `${it.label}: ${format(it.value)}`)),
      s('text', {x: (it.value >= 0 ? zero + w : zero - w) + (it.value >= 0 ? 6 : -6), y: y + rowH / 2 + 4,
        'text-anchor': it.value >= 0 ? 'start' : 'end', class: 'tick'}, format(it.value)));
  });
  svg.append(s('line', {x1: zero, x2: zero, y1: m.t, y2: height - m.b, class: 'axis'}));
  return svg;
}
