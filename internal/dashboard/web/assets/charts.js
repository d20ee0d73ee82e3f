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

// lineChart draws series of {x: 'YYYY-MM-DD', y: number} over dates, with a
// dashed target line at y = target and a vertical marker at date marker.
export function lineChart({series, target = 1, marker, yFormat = pct, title, width = 760, height = 300}) {
  const m = {l: 52, r: 150, t: 12, b: 30};
  const svg = frame(width, height, title);
  const xs = series.flatMap(se => se.points.map(p => fromDay(p.x).getTime()));
  if (marker) xs.push(fromDay(marker).getTime());
  const x0 = Math.min(...xs), x1 = Math.max(...xs, x0 + DAY);
  const yMax = Math.max(target * 1.25, ...series.flatMap(se => se.points.map(p => Math.min(p.y, target * 2))));
  const X = t => m.l + (t - x0) / (x1 - x0) * (width - m.l - m.r);
  const Y = v => height - m.b - Math.min(v, yMax) / yMax * (height - m.t - m.b);
  for (const v of ticksOf(yMax, 5)) {
    svg.append(s('line', {x1: m.l, x2: width - m.r, y1: Y(v), y2: Y(v), class: 'grid'}),
      s('text', {x: m.l - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick'}, yFormat(v)));
  }
  svg.append(s('line', {x1: m.l, x2: width - m.r, y1: Y(target), y2: Y(target), class: 'target'}));
  const months = [];
  for (let d = new Date(x0); d.getTime() <= x1; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
    months.push(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  }
  const every = Math.max(1, Math.ceil(months.length / 8));
  months.filter((t, i) => t >= x0 && i % every === 0).forEach(t => {
    svg.append(s('text', {x: X(t), y: height - 10, 'text-anchor': 'middle', class: 'tick'}, isoDay(new Date(t)).slice(0, 7)));
  });
  series.forEach((se, i) => {
    const color = se.color || palette[i % palette.length];
    const pts = se.points.map(p => `${X(fromDay(p.x).getTime()).toFixed(1)},${Y(p.y).toFixed(1)}`);
    svg.append(s('polyline', {points: pts.join(' '), fill: 'none', stroke: color, 'stroke-width': 2},
      s('title', {}, se.name)));
    const last = se.points[se.points.length - 1];
    if (last) {
      svg.append(s('text', {x: width - m.r + 6, y: m.t + 12 + i * 14, class: 'legend', fill: color},
        `${se.name} ${yFormat(last.y)}`));
    }
  });
  if (marker) {
    const xm = X(fromDay(marker).getTime());
    svg.append(s('line', {x1: xm, x2: xm, y1: m.t, y2: height - m.b, class: 'marker'}),
      s('text', {x: xm - 4, y: height - m.b - 6, 'text-anchor': 'end', class: 'tick marker-label'}, marker));
  }
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
