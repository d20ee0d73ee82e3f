// Map: Ukraine's oblasts, the occupied territory at a chosen date over the
// line at the framework's ceasefire (what was taken since shows red; before
// the ceasefire nothing is compared with it), and the record's incidents as
// points coloured by the trigger they fired and shaded by their
// corroborated confidence; incidents that started a breach are ringed.
// Incidents without coordinates that name an oblast (the missile reports,
// by target oblast) are counted in a circle on their oblast. Settlements
// are labelled by zoom (the largest first, none overlapping), with a scale
// bar, a legend that counts what is drawn in the window and the view, a
// panel beside a picked point, and the incidents per week under the map.
// The layers come from the API (/v1/map/oblasts, and the framework's
// map/territory, map/incidents and map/settlements). A territorial option
// of the record, chosen under Options, draws over the current line what it
// would hand to the adversary (red hatching) and back to Ukraine (blue
// dots), with its figures beside the map (/v1/frameworks/{id}/options).
//
// Points are written straight into an ImageData on their own canvas, so
// that 100,000 of them draw in a few milliseconds; the shapes are Path2D
// objects built once and drawn under a transform. The labels, the scale
// bar, the buttons and the pick panel are HTML over the canvases.

import {h, s, problemBox, note} from '../dom.js';
import {num, dateTime, isoDay, fromDay, DAY} from '../format.js';
import {palette} from '../charts.js';

const COS = Math.cos(48.5 * Math.PI / 180); // Ukraine's middle latitude
const KM_PER_UNIT = 111.195; // a world unit is a degree of latitude
const UKRAINE = {minLon: 22.1, maxLon: 40.3, minLat: 44.3, maxLat: 52.4};
const NO_TRIGGER = '#5f6b7a';
const OCCUPIED = '#6d5f5f';
const TAKEN = '#d7191c';
const BY_OBLAST = {fill: 'rgba(106, 61, 154, 0.55)', ink: '#3f1d6b'};
// The option's areas: a pattern each, so that colour is not the only cue.
export const OPTION_STYLES = {
  to_adversary: {ink: '#b2182b', ground: 'rgba(178, 24, 43, 0.18)', label: 'would go to the adversary (red hatching)'},
  to_ukraine: {ink: '#2166ac', ground: 'rgba(33, 102, 172, 0.18)', label: 'would come back to Ukraine (blue dots)'},
};
const WINDOWS = [['all', 'every incident up to the date'], ['365', 'the year up to the date'], ['30', 'the 30 days up to the date'], ['7', 'the 7 days up to the date']];
// The labels' fonts (at least 11 px), and the most drawn at once.
const LABEL_FONT = ['12px system-ui, sans-serif', 'bold 13px system-ui, sans-serif'];
const MAX_LABELS = 150;

// minPopulation is the smallest place labelled at zoom z (log2 of the
// scale over the scale that fits the country): the cities of more than
// 500,000 at the country's scale, more as one zooms in, every place at the
// deepest zooms.
export function minPopulation(z) {
  if (z < 0.75) return 500001;
  if (z < 1.5) return 150000;
  if (z < 2.5) return 50000;
  if (z < 3.5) return 15000;
  if (z < 4.5) return 5000;
  return 0;
}

// scaleLength is the longest round length (1, 2 or 5 × a power of ten
// km) that is at most maxPx pixels long at pxPerKm.
export function scaleLength(pxPerKm, maxPx = 120) {
  const most = maxPx / pxPerKm;
  let best = 0;
  for (let p = 10 ** Math.floor(Math.log10(most)); ; p *= 10) {
    let found = false;
    for (const m of [1, 2, 5]) {
      if (m * p <= most) {
        best = m * p;
        found = true;
      }
    }
    if (!found || p > most) break;
  }
  return best;
}

function wx(lon) { return lon * COS; }
function wy(lat) { return -lat; }

// pathOf builds one Path2D of every ring of a (Multi)Polygon geometry, in
// world coordinates; filled with the even–odd rule, whatever the winding.
function pathOf(geometry, path = new Path2D()) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const poly of polys) {
    for (const ring of poly) {
      ring.forEach(([lon, lat], i) => (i ? path.lineTo(wx(lon), wy(lat)) : path.moveTo(wx(lon), wy(lat))));
      path.closePath();
    }
  }
  return path;
}

// centroidOf is the centroid of a (Multi)Polygon's largest outer ring, in
// world coordinates: where an oblast's count is drawn.
function centroidOf(geometry) {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = null;
  for (const poly of polys) {
    const ring = poly[0];
    let a = 0, cx = 0, cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const x0 = wx(ring[j][0]), y0 = wy(ring[j][1]), x1 = wx(ring[i][0]), y1 = wy(ring[i][1]);
      const c = x0 * y1 - x1 * y0;
      a += c;
      cx += (x0 + x1) * c;
      cy += (y0 + y1) * c;
    }
    if (a && (!best || Math.abs(a) > Math.abs(best.a))) best = {a, x: cx / (3 * a), y: cy / (3 * a)};
  }
  return best ? [best.x, best.y] : null;
}

// nameKey is how an admin1 is matched with an oblast's code or names:
// lower case, without apostrophes and without "oblast"/"city".
function nameKey(v) {
  return String(v || '').toLowerCase().replace(/[’'ʼ`]/g, '').replace(/\b(oblast|область|city|misto|місто)\b/g, '').replace(/\s+/g, ' ').trim();
}

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function alphaOf(level, levels) {
  if (!levels) return 0.6; // no corroboration: one shade
  return [0.3, 0.55, 0.75, 0.9, 1][Math.min(level, 4)];
}

const measure = document.createElement('canvas').getContext('2d');

export default {
  title: 'Map',
  mount(root, ctx) {
    let current = ctx;
    const stage = h('div', {class: 'stage', id: 'map', 'data-oblasts': '0', 'data-incidents': '0', 'data-drawn': '0'});
    const base = h('canvas', {'aria-hidden': 'true'});
    const dots = h('canvas', {tabindex: '0', role: 'img', 'aria-roledescription': 'map',
      'aria-label': 'Map of Ukraine. Arrow keys pan, plus and minus zoom, 0 resets, Enter picks the incident nearest the centre, Escape clears it.'});
    const attribution = h('div', {class: 'attribution'});
    const labelsEl = h('div', {class: 'map-labels', id: 'map-labels', 'aria-hidden': 'true'});
    const zoomButton = (id, label, text, fn) => h('button', {type: 'button', id, class: 'map-zoom-button', 'aria-label': label, title: label, on: {click: fn}}, text);
    const zoomBox = h('div', {class: 'map-zoom', role: 'group', 'aria-label': 'Zoom'},
      zoomButton('map-zoom-in', 'Zoom in', '+', () => zoom(2)),
      zoomButton('map-zoom-out', 'Zoom out', '−', () => zoom(0.5)),
      zoomButton('map-zoom-reset', 'Show the whole country', '⤢', () => { view.fitted = false; schedule(); }));
    const scaleLabel = h('span', {class: 'map-scale-label'}, '');
    const scaleBarEl = h('span', {class: 'map-scale-bar'});
    const scaleEl = h('div', {class: 'map-scale', id: 'map-scale', 'aria-live': 'off'}, scaleBarEl, scaleLabel);
    const emptyEl = h('div', {class: 'map-empty', id: 'map-empty', role: 'status', hidden: true});
    const pickTitle = h('h2', {id: 'map-pick-title'}, '');
    const pickBody = h('div', {class: 'map-pick-body'});
    const pickClose = h('button', {type: 'button', class: 'map-pick-close', id: 'map-pick-close', 'aria-label': 'Close the panel'}, '×');
    const pickPanel = h('section', {class: 'map-pick', id: 'map-pick', role: 'dialog', 'aria-labelledby': 'map-pick-title', tabindex: '-1', hidden: true},
      h('div', {class: 'map-pick-head'}, pickTitle, pickClose), pickBody);
    const hintEl = h('div', {class: 'hint', 'aria-hidden': 'true'}, 'drag to pan · wheel, pinch or +/− to zoom · click an incident');
    stage.append(base, dots, labelsEl, hintEl, zoomBox, scaleEl, emptyEl, pickPanel, attribution);

    const slider = h('input', {type: 'range', id: 'map-date', step: 1, 'aria-label': 'Date of the map'});
    const dateOut = h('output', {for: 'map-date', id: 'map-date-label'}, '…');
    const windowSel = h('select', {id: 'map-window', 'aria-label': 'Incidents shown'},
      WINDOWS.map(([v, label]) => h('option', {value: v}, label)));
    const layerBoxes = {};
    const layerToggle = (id, label) => {
      const box = h('input', {type: 'checkbox', checked: true, id: `layer-${id}`});
      box.addEventListener('change', () => schedule());
      layerBoxes[id] = box;
      return h('label', {}, box, ' ', label);
    };
    const summary = h('p', {id: 'occupied-summary', 'aria-live': 'polite'}, '…');
    const counts = h('p', {id: 'incident-summary', class: 'note', 'aria-live': 'polite'}, 'Loading incidents…');
    const legend = h('div', {id: 'map-legend'});
    const oblastList = h('details', {id: 'oblast-list'}, h('summary', {}, 'Oblasts on the map'));
    const problems = h('div', {});
    const optionSel = h('select', {id: 'map-option', 'aria-label': 'Territorial option drawn over the current line'},
      h('option', {value: ''}, 'none'));
    const optionLegend = h('ul', {class: 'plain-list', id: 'option-legend', hidden: true},
      Object.entries(OPTION_STYLES).map(([k, st]) => h('li', {}, h('span', {class: `swatch sq pattern-${k}`}), st.label)));
    const optionPanel = h('div', {class: 'picked', id: 'option-figures', 'aria-live': 'polite'}, 'No option drawn.');
    const weeklyEl = h('figure', {class: 'map-weekly card', id: 'map-weekly'});
    root.replaceChildren(h('h1', {}, 'Map'), problems,
      h('div', {class: 'mapwrap'}, stage,
        h('div', {class: 'side card'},
          h('h2', {}, 'Date'), h('div', {class: 'slider'}, slider, dateOut), summary,
          h('h2', {}, 'Options'), optionSel, optionLegend, optionPanel,
          h('h2', {}, 'Incidents'), windowSel, counts,
          h('h2', {}, 'Layers'), layerToggle('oblasts', 'oblasts'), layerToggle('territory', 'occupied territory'),
          layerToggle('baseline', 'the line at the ceasefire (dashed)'), layerToggle('incidents', 'incidents'),
          layerToggle('byoblast', 'attacks by target oblast'), layerToggle('settlements', 'place names'),
          h('h2', {}, 'Legend'), legend)),
      weeklyEl,
      oblastList);

    // What is drawn.
    const data = {oblasts: null, oblastBounds: null, oblastIndex: null, territory: null, current: null, baseline: null,
      before: false, ceasefire: '', inc: null, byOblast: null, weekly: null, settlements: null, settlementsTotal: 0,
      options: null, option: null};
    const view = {cx: 0, cy: 0, scale: 1, fitted: false, auto: true, w: 0, h: 0};
    // selected is the picked point: {kind: 'incident', i} or {kind:
    // 'oblast', o} (an oblast's count); null for none.
    let selected = null;
    let circles = []; // the oblast counts drawn: {o, x, y, r, n}, in CSS pixels
    let frame = 0;
    let markedDrawn = false;
    let gen = 0;

    const size = () => ({w: stage.clientWidth || 800, h: stage.clientHeight || 600, dpr: window.devicePixelRatio || 1});
    const fitScale = () => {
      const b = data.oblastBounds || UKRAINE;
      const {w, h: hh} = size();
      return Math.min(w / ((b.maxLon - b.minLon) * COS), hh / (b.maxLat - b.minLat)) * 0.95;
    };
    const fit = () => {
      const b = data.oblastBounds || UKRAINE;
      view.cx = wx((b.minLon + b.maxLon) / 2);
      view.cy = wy((b.minLat + b.maxLat) / 2);
      view.scale = fitScale();
    };
    const toScreen = (x, y, {w, h: hh}) => [(x - view.cx) * view.scale + w / 2, (y - view.cy) * view.scale + hh / 2];

    function schedule() {
      if (!frame) frame = requestAnimationFrame(draw);
    }

    function draw() {
      frame = 0;
      performance.mark('backstop:map-frame-start');
      const sz = size();
      const W = Math.round(sz.w * sz.dpr), H = Math.round(sz.h * sz.dpr);
      for (const c of [base, dots]) {
        if (c.width !== W || c.height !== H) {
          c.width = W;
          c.height = H;
        }
      }
      // The whole country until the view is moved: refitted when the map
      // changes size (as the page's layout settles).
      if (!view.fitted || (view.auto && (view.w !== sz.w || view.h !== sz.h))) {
        fit();
        view.fitted = true;
        view.auto = true;
        view.w = sz.w;
        view.h = sz.h;
      }
      const g = base.getContext('2d');
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, W, H);
      const k = sz.dpr * view.scale;
      const tx = sz.dpr * (sz.w / 2 - view.cx * view.scale), ty = sz.dpr * (sz.h / 2 - view.cy * view.scale);
      const px = 1 / view.scale; // one CSS pixel in world units
      g.setTransform(k, 0, 0, k, tx, ty);
      if (data.oblasts && layerBoxes.oblasts.checked) {
        g.fillStyle = '#fbfaf6';
        g.strokeStyle = '#7d8794';
        g.lineWidth = px;
        for (const o of data.oblasts) {
          g.fill(o.path, 'evenodd');
          g.stroke(o.path);
        }
      }
      if (data.current && layerBoxes.territory.checked) {
        // Offscreen: the current map in red, then the ceasefire map over it
        // only where the current one is (source-atop): what remains red was
        // taken since the ceasefire. Before the ceasefire, nothing is
        // compared: the map in force is drawn in one colour.
        const off = drawTerritory(W, H, k, tx, ty);
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.globalAlpha = 0.6;
        g.drawImage(off, 0, 0);
        g.globalAlpha = 1;
        g.setTransform(k, 0, 0, k, tx, ty);
      }
      if (data.baseline && layerBoxes.baseline.checked) {
        g.strokeStyle = '#2b1d1d';
        g.lineWidth = 1.5 * px;
        g.setLineDash([5 * px, 4 * px]);
        g.stroke(data.baseline.path);
        g.setLineDash([]);
      }
      if (data.option) drawOption(g, W, H, k, tx, ty);
      const shown = drawIncidents(sz, W, H);
      const labels = drawLabels(sz);
      drawScale();
      showCounts(shown, labels);
      placePick(sz);
      // The view, for whoever needs to place a point on the picture (the
      // browser tests read pixels through it).
      stage.dataset.view = `${view.cx},${view.cy},${view.scale},${COS}`;
      stage.dataset.zoom = String(Math.log2(view.scale / fitScale()));
      performance.mark('backstop:map-frame-end');
      performance.measure('backstop:map-frame', 'backstop:map-frame-start', 'backstop:map-frame-end');
      if (performance.getEntriesByName('backstop:map-frame').length > 500) performance.clearMeasures('backstop:map-frame');
    }

    let offscreen = null;
    function drawTerritory(W, H, k, tx, ty) {
      if (!offscreen) offscreen = document.createElement('canvas');
      if (offscreen.width !== W || offscreen.height !== H) {
        offscreen.width = W;
        offscreen.height = H;
      }
      const o = offscreen.getContext('2d');
      o.setTransform(1, 0, 0, 1, 0, 0);
      o.globalCompositeOperation = 'source-over';
      o.clearRect(0, 0, W, H);
      o.setTransform(k, 0, 0, k, tx, ty);
      o.fillStyle = data.before ? OCCUPIED : TAKEN;
      o.fill(data.current.path, 'evenodd');
      if (data.baseline && !data.before) {
        o.globalCompositeOperation = 'source-atop';
        o.fillStyle = OCCUPIED;
        o.fill(data.baseline.path, 'evenodd');
        o.globalCompositeOperation = 'source-over';
      }
      return offscreen;
    }

    // drawOption paints the chosen option's areas, each filled through its
    // own offscreen canvas and then patterned in device pixels (so the
    // pattern keeps its size at any zoom).
    let optionCanvas = null;
    const patterns = {};
    function patternOf(key, ctx) {
      if (patterns[key]) return patterns[key];
      const st = OPTION_STYLES[key];
      const t = document.createElement('canvas');
      t.width = t.height = 8;
      const p = t.getContext('2d');
      p.fillStyle = st.ground;
      p.fillRect(0, 0, 8, 8);
      p.fillStyle = st.ink;
      if (key === 'to_adversary') {
        for (let i = 0; i < 8; i++) p.fillRect(i, 7 - i, 2, 1); // a diagonal stripe
      } else {
        p.fillRect(2, 2, 3, 3); // a dot
      }
      return (patterns[key] = ctx.createPattern(t, 'repeat'));
    }
    function drawOption(g, W, H, k, tx, ty) {
      if (!optionCanvas) optionCanvas = document.createElement('canvas');
      if (optionCanvas.width !== W || optionCanvas.height !== H) {
        optionCanvas.width = W;
        optionCanvas.height = H;
      }
      const o = optionCanvas.getContext('2d');
      for (const key of Object.keys(OPTION_STYLES)) {
        const path = data.option.paths[key];
        if (!path) continue;
        o.setTransform(1, 0, 0, 1, 0, 0);
        o.globalCompositeOperation = 'source-over';
        o.clearRect(0, 0, W, H);
        o.setTransform(k, 0, 0, k, tx, ty);
        o.fillStyle = '#000';
        o.fill(path);
        o.setTransform(1, 0, 0, 1, 0, 0);
        o.globalCompositeOperation = 'source-in';
        o.fillStyle = patternOf(key, o);
        o.fillRect(0, 0, W, H);
        o.globalCompositeOperation = 'source-over';
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.drawImage(optionCanvas, 0, 0);
      }
      g.setTransform(k, 0, 0, k, tx, ty);
    }

    // rowsPath is one Path2D of a MultiPolygon of rectangles (the rows the
    // server measured on), in world coordinates.
    function rowsPath(geometry) {
      const path = new Path2D();
      for (const poly of geometry.coordinates) {
        const r = poly[0];
        const x0 = wx(r[0][0]), x1 = wx(r[1][0]), y0 = wy(r[0][1]), y1 = wy(r[2][1]);
        // A hair wider and taller, so that neighbouring rows meet.
        path.rect(Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0) + 1e-4, Math.abs(y1 - y0) + 1e-4);
      }
      return path;
    }

    function showOption(id) {
      const o = data.options && data.options.options.find(x => x.id === id);
      if (!o || o.error) {
        data.option = null;
        stage.dataset.option = '';
        optionLegend.hidden = true;
        optionPanel.replaceChildren(o ? `${o.title}: cannot be measured (${o.error}).` : 'No option drawn.');
        schedule();
        return;
      }
      data.option = {id, paths: {to_adversary: rowsPath(o.areas.to_adversary), to_ukraine: rowsPath(o.areas.to_ukraine)}};
      stage.dataset.option = id;
      stage.dataset.optionRects = String(o.areas.to_adversary.coordinates.length + o.areas.to_ukraine.coordinates.length);
      optionLegend.hidden = false;
      const towns = (label, places) => {
        if (!places) return null;
        return h('p', {}, `${label}: ${num(places.count)} settlements, ${num(places.population)} people`,
          places.largest.length ? ` (largest: ${places.largest.map(p => `${p.name}, ${num(p.population)}`).join('; ')})` : '', '.');
      };
      const diff = o.line_km - o.contact_line_km;
      optionPanel.replaceChildren(h('div', {},
        h('strong', {}, o.title), ` · proposed by ${o.proposed_by}`, h('br'),
        h('span', {class: 'note'}, `held: ${o.held}${o.swaps.length ? '; ' + o.swaps.join('; ') : ''}`),
        h('dl', {class: 'option-figures'},
          h('dt', {}, 'To the adversary'), h('dd', {id: 'option-to-adversary'}, `${num(o.to_adversary_km2, 0)} km²`),
          h('dt', {}, 'Back to Ukraine'), h('dd', {id: 'option-to-ukraine'}, `${num(o.to_ukraine_km2, 0)} km²`),
          h('dt', {}, 'The new line'), h('dd', {id: 'option-line'}, `${num(o.line_km, 0)} km`),
          h('dt', {}, "Today's line"), h('dd', {id: 'option-contact-line'}, `${num(o.contact_line_km, 0)} km (map of ${o.today}; ${diff >= 0 ? '+' : '−'}${num(Math.abs(diff), 0)} km)`)),
        o.by_oblast.length ? h('p', {}, 'Most changed: ', o.by_oblast.slice(0, 3).map(b =>
          `${b.name} (${num(b.to_adversary_km2, 0)} km² to the adversary, ${num(b.to_ukraine_km2, 0)} km² back)`).join('; '), '.') : null,
        o.settlements_to_adversary
          ? [towns('Towns to the adversary', o.settlements_to_adversary), towns('Towns back to Ukraine', o.settlements_to_ukraine)]
          : h('p', {class: 'note', id: 'option-towns'}, 'The largest towns: this server has no settlements file; `backstop territory options --settlements FILE` names them.')));
      schedule();
    }
    optionSel.addEventListener('change', () => {
      current.setParams({option: optionSel.value || null});
      showOption(optionSel.value);
    });

    async function loadOptions(c) {
      try {
        const ans = await c.api.get(`/v1/frameworks/${c.framework}/options`, {signal: c.signal});
        data.options = ans;
        const keep = optionSel.value || c.params.get('option') || '';
        optionSel.replaceChildren(h('option', {value: ''}, 'none'),
          ...ans.options.map(o => h('option', {value: o.id}, `${o.title} (${o.proposed_by})`)));
        optionSel.disabled = ans.options.length === 0;
        if (!ans.options.length) optionPanel.textContent = 'The record holds no territorial option.';
        else if (ans.evaluated < ans.total) optionPanel.textContent = `The first ${ans.evaluated} of ${ans.total} options are listed.`;
        stage.dataset.options = String(ans.options.length);
        if (keep && ans.options.some(o => o.id === keep)) {
          optionSel.value = keep;
          showOption(keep);
        } else if (data.option) {
          showOption('');
        }
      } catch (err) {
        if (err.name === 'AbortError') return;
        optionSel.disabled = true;
        optionPanel.textContent = err.problem && err.problem.status === 404
          ? 'No options: the server measures them only when started with --oblasts FILE and --territory DIR.'
          : `The options could not be loaded: ${err.problem ? err.problem.detail : err.message}`;
      }
    }

    function windowStart(end) {
      const w = windowSel.value;
      return w === 'all' ? -Infinity : end - Number(w) * DAY;
    }

    // drawIncidents draws the points in the window, then the oblast counts,
    // and returns what it drew, for the legend.
    function drawIncidents(sz, W, H) {
      const g = dots.getContext('2d');
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, W, H);
      const inc = data.inc;
      const end = dateEnd();
      const start = windowStart(end);
      const shown = {drawn: 0, inWindow: 0, byColor: null, byType: null, rings: 0, oblastIncidents: 0, oblastCircles: 0, oblastInWindow: 0, unmatched: 0};
      circles = [];
      if (inc) {
        shown.byColor = new Array(inc.colors.length).fill(0);
        shown.byType = new Array(inc.types.length).fill(0);
        for (let i = 0; i < inc.n; i++) if (inc.t[i] <= end && inc.t[i] >= start) shown.inWindow++;
      }
      if (inc && layerBoxes.incidents.checked) {
        const img = g.createImageData(W, H);
        const px32 = new Uint32Array(img.data.buffer);
        const r = Math.max(1, Math.round(sz.dpr)); // half-size of a dot, in device pixels
        const k = view.scale * sz.dpr, ox = W / 2 - view.cx * k, oy = H / 2 - view.cy * k;
        const rings = [];
        // Two passes: incidents that fired nothing first, so that those that
        // did are on top.
        for (const pass of [0, 1]) {
          for (let i = 0; i < inc.n; i++) {
            const t = inc.t[i];
            if (t > end || t < start || (inc.color[i] > 0) !== (pass === 1)) continue;
            const x = Math.round(inc.x[i] * k + ox), y = Math.round(inc.y[i] * k + oy);
            if (x < r || y < r || x >= W - r || y >= H - r) continue;
            const c = inc.packed[i];
            for (let dy = -r; dy < r; dy++) {
              const row = (y + dy) * W;
              for (let dx = -r; dx < r; dx++) px32[row + x + dx] = c;
            }
            shown.drawn++;
            shown.byColor[inc.color[i]]++;
            shown.byType[inc.type[i]]++;
            if (inc.breach[i]) rings.push(x, y);
          }
        }
        g.putImageData(img, 0, 0);
        g.strokeStyle = '#111';
        g.lineWidth = 1.5 * sz.dpr;
        g.beginPath();
        for (let j = 0; j < rings.length; j += 2) {
          g.moveTo(rings[j] + 5 * sz.dpr, rings[j + 1]);
          g.arc(rings[j], rings[j + 1], 5 * sz.dpr, 0, 2 * Math.PI);
        }
        g.stroke();
        shown.rings = rings.length / 2;
      }
      drawByOblast(g, sz, start, end, shown);
      if (selected && selected.kind === 'incident' && inc) {
        const k = view.scale * sz.dpr, ox = W / 2 - view.cx * k, oy = H / 2 - view.cy * k;
        const x = inc.x[selected.i] * k + ox, y = inc.y[selected.i] * k + oy;
        g.strokeStyle = '#ffbf47';
        g.lineWidth = 3 * sz.dpr;
        g.beginPath();
        g.arc(x, y, 9 * sz.dpr, 0, 2 * Math.PI);
        g.stroke();
      }
      stage.dataset.drawn = String(shown.drawn);
      stage.dataset.inWindow = String(shown.inWindow + shown.oblastInWindow);
      if (inc && !markedDrawn) {
        markedDrawn = true;
        performance.mark('backstop:map-incidents-drawn'); // measured by the benchmarks
      }
      return shown;
    }

    // matchOblasts finds each by-oblast incident's oblast, once both the
    // incidents and the oblasts are in.
    function matchOblasts() {
      const bo = data.byOblast;
      if (!bo || !data.oblasts || bo.matched === data.oblasts) return;
      const index = new Map();
      data.oblasts.forEach((o, i) => {
        for (const v of [o.props.code, o.props.name, o.props.admin1]) if (v) index.set(nameKey(v), i);
      });
      for (let j = 0; j < bo.n; j++) {
        const key = nameKey(bo.props[j].admin1);
        bo.oblast[j] = index.has(key) ? index.get(key) : -1;
      }
      bo.matched = data.oblasts;
    }

    // drawByOblast counts the incidents without coordinates in the window
    // by oblast, and draws each count as a circle on its oblast, its area
    // growing with the count.
    function drawByOblast(g, sz, start, end, shown) {
      const bo = data.byOblast;
      if (!bo) return;
      matchOblasts();
      const per = new Map();
      for (let j = 0; j < bo.n; j++) {
        if (bo.t[j] > end || bo.t[j] < start) continue;
        shown.oblastInWindow++;
        const o = bo.oblast[j];
        if (o < 0 || !data.oblasts) {
          shown.unmatched++;
          continue;
        }
        per.set(o, (per.get(o) || 0) + 1);
      }
      if (!layerBoxes.byoblast.checked || !data.oblasts) return;
      const list = [...per.entries()].sort((a, b) => b[1] - a[1]);
      for (const [o, n] of list) {
        const c = data.oblasts[o].centroid;
        if (!c) continue;
        const [x, y] = toScreen(c[0], c[1], sz);
        const r = Math.min(6 + 3 * Math.sqrt(n), 36);
        if (x < -r || y < -r || x > sz.w + r || y > sz.h + r) continue;
        circles.push({o, x, y, r, n});
        shown.oblastIncidents += n;
        shown.oblastCircles++;
      }
      const d = sz.dpr;
      g.setTransform(d, 0, 0, d, 0, 0);
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      g.font = 'bold 12px system-ui, sans-serif';
      for (const c of circles) {
        g.beginPath();
        g.arc(c.x, c.y, c.r, 0, 2 * Math.PI);
        g.fillStyle = BY_OBLAST.fill;
        g.fill();
        g.lineWidth = selected && selected.kind === 'oblast' && selected.o === c.o ? 3 : 1.5;
        g.strokeStyle = selected && selected.kind === 'oblast' && selected.o === c.o ? '#ffbf47' : BY_OBLAST.ink;
        g.stroke();
        g.fillStyle = '#fff';
        g.fillText(num(c.n), c.x, c.y);
      }
      g.setTransform(1, 0, 0, 1, 0, 0);
      stage.dataset.oblastCircles = String(circles.length);
    }

    // drawLabels places the settlements' names: the largest first, those
    // the zoom allows, each only where it overlaps no name already placed.
    const labelPool = [];
    function drawLabels(sz) {
      const list = data.settlements;
      let n = 0;
      if (list && layerBoxes.settlements.checked) {
        const minPop = minPopulation(Math.log2(view.scale / fitScale()));
        // The controls over the map are kept clear of names.
        const boxes = [hintEl, zoomBox, scaleEl].map(e => [e.offsetLeft, e.offsetTop, e.offsetLeft + e.offsetWidth, e.offsetTop + e.offsetHeight]);
        for (const p of list) {
          if (p.population < minPop) break; // most populous first
          const [x, y] = toScreen(p.x, p.y, sz);
          if (x < 0 || y < 0 || x > sz.w || y > sz.h) continue;
          const box = [x - 4, y - 9, x + 8 + p.width, y + 9];
          if (boxes.some(b => box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3])) continue;
          boxes.push(box);
          let el = labelPool[n];
          if (!el) {
            el = h('span', {class: 'map-label'});
            labelPool.push(el);
            labelsEl.append(el);
          }
          if (el.textContent !== p.name) el.textContent = p.name;
          el.classList.toggle('big', p.big);
          el.dataset.population = String(p.population);
          el.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
          el.hidden = false;
          n++;
          if (n >= MAX_LABELS) break;
        }
      }
      for (let i = n; i < labelPool.length; i++) labelPool[i].hidden = true;
      stage.dataset.labels = String(n);
      return n;
    }

    // drawScale shows the longest round length that fits in 120 pixels.
    function drawScale() {
      const pxPerKm = view.scale / KM_PER_UNIT;
      const km = scaleLength(pxPerKm);
      const w = km * pxPerKm;
      scaleBarEl.style.width = `${w.toFixed(1)}px`;
      const text = `${num(km)} km`;
      if (scaleLabel.textContent !== text) scaleLabel.textContent = text;
      scaleEl.dataset.km = String(km);
      scaleEl.dataset.px = w.toFixed(1);
      scaleEl.setAttribute('aria-label', `Scale: the bar is ${text}`);
    }

    // The legend: built when the layers arrive, its counts set at each
    // frame from what was drawn.
    const legendCounts = new Map();
    function countSpan(key) {
      const el = h('span', {class: 'legend-count', 'data-count': key});
      legendCounts.set(key, el);
      return el;
    }
    function setCount(key, text, n) {
      const el = legendCounts.get(key);
      if (!el) return;
      if (el.textContent !== text) el.textContent = text;
      if (n !== undefined) el.dataset.n = String(n);
    }
    const swatch = (cls, color) => {
      const sw = h('span', {class: cls});
      if (color) sw.style.background = color;
      return sw;
    };
    function buildLegend() {
      legendCounts.clear();
      const inc = data.inc;
      const items = [
        h('li', {'data-legend': 'territory'}, swatch('swatch sq', OCCUPIED), 'occupied on the date ', countSpan('territory')),
        h('li', {'data-legend': 'taken'}, swatch('swatch sq', TAKEN), 'taken since the ceasefire ', countSpan('taken')),
        h('li', {'data-legend': 'baseline'}, h('span', {class: 'swatch sq legend-dashed'}), 'the line at the ceasefire ', countSpan('baseline')),
      ];
      const sub = [];
      if (inc) {
        inc.colors.forEach((col, i) => {
          const t = i ? inc.triggers[i - 1] : null;
          sub.push(h('li', {'data-legend': `trigger:${t ? t.id : ''}`}, swatch('swatch', col), t ? `fired ${t.title || t.id} ` : 'fired no trigger ', countSpan(`color:${i}`)));
        });
        sub.push(h('li', {'data-legend': 'breach'}, h('span', {class: 'swatch ring'}), 'ringed: started a breach ', countSpan('rings')));
      }
      items.push(h('li', {'data-legend': 'incidents'}, h('strong', {}, 'Incidents drawn '), countSpan('drawn'),
        h('ul', {class: 'plain-list legend-sub'}, sub),
        inc && inc.types.length ? h('p', {class: 'legend-types-title'}, 'By type:') : null,
        inc ? h('ul', {class: 'plain-list legend-sub', id: 'legend-types'}, inc.types.map((t, i) =>
          h('li', {'data-legend': `type:${t}`}, `${t} `, countSpan(`type:${i}`)))) : null));
      items.push(h('li', {'data-legend': 'byoblast'}, h('span', {class: 'swatch legend-circle'}),
        'attacks by target oblast (no coordinates; circle area by count) ', countSpan('byoblast')));
      items.push(h('li', {'data-legend': 'settlements'}, h('span', {class: 'swatch legend-place'}), 'place names ', countSpan('settlements')));
      legend.replaceChildren(h('ul', {class: 'plain-list', id: 'legend-list'}, items),
        inc && inc.levels ? note(`Shade: corroborated confidence, from none to ${inc.levels[inc.levels.length - 1]} (${inc.levels.join(', ')}).`)
          : inc ? note('No corroboration rules in the record: every incident has the same shade.') : null,
        note('Counts are of what is drawn: in the window up to the date, and in the view.'));
      showTerritoryLegend();
      schedule();
    }
    function showTerritoryLegend() {
      const cur = data.current, bl = data.baseline;
      setCount('territory', !layerBoxes.territory.checked ? '(hidden)' : cur ? `(map of ${cur.props.date}: ${num(cur.props.area_km2, 0)} km²)` : '(no map by the date)');
      setCount('taken', data.before ? `(the comparison starts at the ceasefire, ${data.ceasefire})`
        : cur && cur.props.gained_km2 !== undefined ? `(${num(cur.props.gained_km2, 0)} km²; ${num(cur.props.lost_km2, 0)} km² freed)`
          : data.ceasefire ? '(no map at the ceasefire)' : '(the framework has no ceasefire date)');
      setCount('baseline', bl ? `(map of ${bl.props.date})` : '(none)');
    }
    function showCounts(shown, labels) {
      const inc = data.inc;
      if (inc) {
        setCount('drawn', `${num(shown.drawn)} of ${num(shown.inWindow)} in the window`, shown.drawn);
        shown.byColor.forEach((n, i) => setCount(`color:${i}`, num(n), n));
        shown.byType.forEach((n, i) => setCount(`type:${i}`, num(n), n));
        setCount('rings', num(shown.rings), shown.rings);
      } else {
        setCount('drawn', '…');
      }
      const bo = data.byOblast;
      setCount('byoblast', !bo || !bo.n ? '(none in the record)'
        : `${num(shown.oblastIncidents)} in ${num(shown.oblastCircles)} oblasts drawn` +
          (shown.unmatched ? `; ${num(shown.unmatched)} name no oblast of the map` : ''), shown.oblastIncidents);
      setCount('settlements', data.settlements === null ? '…' : data.settlementsTotal
        ? `${num(labels)} shown of ${num(data.settlements.length)}` : '(the server has no settlements file)', labels);
      // Nothing in the window: say so over the map.
      const none = inc && shown.inWindow + shown.oblastInWindow === 0;
      emptyEl.hidden = !none;
      stage.dataset.empty = none ? '1' : '0';
      if (none) {
        const label = WINDOWS.find(([v]) => v === windowSel.value)[1];
        const text = `Nothing in this window: no incident in ${label} (${chosenDay()}).`;
        if (emptyEl.textContent !== text) emptyEl.textContent = text;
      }
    }

    // The date control covers every snapshot and incident.
    let span = null;
    function widen(lo, hi) {
      const a = Math.floor(lo / DAY), b = Math.floor(hi / DAY);
      span = span ? [Math.min(span[0], a), Math.max(span[1], b)] : [a, b];
      slider.min = String(span[0]);
      slider.max = String(span[1]);
    }
    function dateEnd() {
      return (Number(slider.value) + 1) * DAY - 1; // the end of the chosen day
    }
    function chosenDay() {
      return isoDay(new Date(Number(slider.value) * DAY));
    }
    function setDay(d) {
      slider.value = String(Math.floor(fromDay(d).getTime() / DAY));
      dateOut.textContent = chosenDay();
      slider.setAttribute('aria-valuetext', chosenDay());
    }

    async function loadOblasts(c) {
      try {
        const fc = await c.api.get('/v1/map/oblasts', {signal: c.signal});
        const b = {minLon: 180, maxLon: -180, minLat: 90, maxLat: -90};
        data.oblasts = fc.features.map(f => {
          const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
          for (const ring of polys.flat()) {
            for (const [lon, lat] of ring) {
              b.minLon = Math.min(b.minLon, lon); b.maxLon = Math.max(b.maxLon, lon);
              b.minLat = Math.min(b.minLat, lat); b.maxLat = Math.max(b.maxLat, lat);
            }
          }
          return {props: f.properties, path: pathOf(f.geometry), centroid: centroidOf(f.geometry)};
        });
        data.oblastBounds = b;
        view.fitted = false;
        stage.dataset.oblasts = String(data.oblasts.length);
        oblastList.replaceChildren(h('summary', {}, `Oblasts on the map (${data.oblasts.length})`),
          h('ul', {}, data.oblasts.map(o => h('li', {}, `${o.props.name} (${o.props.code}), ${num(o.props.area_km2, 0)} km²`))));
        attributions.oblasts = fc.attribution;
      } catch (err) {
        if (err.name === 'AbortError') return;
        attributions.oblasts = '';
        problems.append(err.problem && err.problem.status === 404
          ? note('No oblast layer: the server was started without --oblasts FILE.')
          : problemBox(err));
      }
      showAttribution();
      schedule();
    }

    const attributions = {oblasts: '', territory: '', settlements: ''};
    function showAttribution() {
      attribution.textContent = [attributions.oblasts, attributions.territory, attributions.settlements].filter(Boolean).join(' · ');
    }

    async function loadSettlements(c) {
      try {
        const ans = await c.api.get(`/v1/frameworks/${c.framework}/map/settlements`, {signal: c.signal});
        data.settlementsTotal = ans.total;
        data.settlements = ans.settlements.map(p => {
          const big = p.population > 500000;
          measure.font = LABEL_FONT[big ? 1 : 0];
          return {name: p.name, population: p.population, x: wx(p.lon), y: wy(p.lat), big, width: measure.measureText(p.name).width};
        });
        layerBoxes.settlements.disabled = !ans.settlements.length;
        attributions.settlements = ans.attribution;
        stage.dataset.settlements = String(ans.settlements.length);
      } catch (err) {
        if (err.name === 'AbortError') return;
        data.settlements = [];
        layerBoxes.settlements.disabled = true;
      }
      showAttribution();
      schedule();
    }

    let territoryGen = 0;
    let haveTerritory = true;
    // loadTerritory fetches the maps in force on day, unless the caller
    // has them already (given).
    async function loadTerritory(c, day, given) {
      const mine = ++territoryGen;
      try {
        const fc = given || await c.api.get(`/v1/frameworks/${c.framework}/map/territory?at=${day}`, {signal: c.signal});
        if (mine !== territoryGen) return;
        data.territory = fc;
        const cur = fc.features.find(f => f.properties.role === 'current');
        const bl = fc.features.find(f => f.properties.role === 'baseline');
        data.current = cur ? {props: cur.properties, path: pathOf(cur.geometry)} : null;
        data.baseline = bl ? {props: bl.properties, path: pathOf(bl.geometry)} : null;
        // A map asked for before the ceasefire is not compared with the
        // ceasefire's: the comparison starts at the ceasefire.
        data.ceasefire = fc.ceasefire || '';
        data.before = Boolean(fc.before_ceasefire);
        stage.dataset.beforeCeasefire = data.before ? '1' : '0';
        if (fc.snapshots.length) widen(fromDay(fc.snapshots[0]).getTime(), fromDay(fc.snapshots[fc.snapshots.length - 1]).getTime());
        attributions.territory = fc.attribution;
        showAttribution();
        const parts = [];
        if (cur) {
          const p = cur.properties;
          stage.dataset.occupiedKm2 = String(p.area_km2);
          parts.push(`Occupied on ${day} (map of ${p.date}): ${num(p.area_km2, 0)} km².`);
          if (data.before) {
            parts.push(` The comparison with the line at the ceasefire starts at the ceasefire (${data.ceasefire}): before it, no ground is counted as taken or freed.`);
          } else if (bl && p.gained_km2 !== undefined) {
            parts.push(` At the ceasefire (map of ${bl.properties.date}): ${num(bl.properties.area_km2, 0)} km²; since then ${num(p.gained_km2, 0)} km² taken (red), ${num(p.lost_km2, 0)} km² freed.`);
          }
        } else {
          parts.push(`No map of the occupied territory on or before ${day}.`);
          if (data.before) parts.push(` The comparison with the line at the ceasefire starts at the ceasefire (${data.ceasefire}).`);
        }
        summary.textContent = parts.join('');
      } catch (err) {
        if (err.name === 'AbortError') return;
        summary.textContent = err.problem && err.problem.status === 404
          ? 'No territory layer: the server was started without --territory DIR.'
          : `The territory could not be loaded: ${err.problem ? err.problem.detail : err.message}`;
      }
      showTerritoryLegend();
      schedule();
    }

    async function loadIncidents(c) {
      try {
        const fc = await c.api.get(`/v1/frameworks/${c.framework}/map/incidents`, {signal: c.signal});
        const n = fc.features.length;
        const colorOf = new Map(fc.triggers.map((t, i) => [t.id, i + 1]));
        const colors = [NO_TRIGGER, ...fc.triggers.map((t, i) => palette[(i + 1) % palette.length])];
        const levels = fc.levels.length ? fc.levels : null;
        const types = [];
        const typeOf = new Map();
        const typeIndex = t => {
          if (!typeOf.has(t)) {
            typeOf.set(t, types.length);
            types.push(t);
          }
          return typeOf.get(t);
        };
        const inc = {n, x: new Float32Array(n), y: new Float32Array(n), t: new Float64Array(n), color: new Uint8Array(n),
          type: new Uint16Array(n), packed: new Uint32Array(n), breach: new Uint8Array(n), props: new Array(n), colors,
          triggers: fc.triggers, levels, types};
        let first = Infinity, last = -Infinity;
        // Each colour and shade packed once: ImageData is RGBA in memory,
        // so a little-endian Uint32 is ABGR.
        const packed = colors.map(col => {
          const [r, g, b] = rgb(col);
          return [0, 1, 2, 3, 4, 5].map(level => ((Math.round(alphaOf(level, levels) * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0);
        });
        const features = fc.features;
        for (let i = 0; i < n; i++) {
          const f = features[i];
          const p = f.properties;
          const xy = f.geometry.coordinates;
          inc.x[i] = wx(xy[0]);
          inc.y[i] = wy(xy[1]);
          const t = Date.parse(p.time);
          inc.t[i] = t;
          if (t < first) first = t;
          if (t > last) last = t;
          const ci = p.triggers.length ? colorOf.get(p.triggers[0]) || 0 : 0;
          inc.color[i] = ci;
          inc.type[i] = typeIndex(p.type);
          inc.packed[i] = packed[ci][Math.min(p.level, 5)];
          inc.breach[i] = p.breach ? 1 : 0;
          inc.props[i] = p;
        }
        // Types in the legend by name; the indexes stay.
        const byOblast = fc.by_oblast || [];
        const bo = {n: byOblast.length, t: new Float64Array(byOblast.length), oblast: new Int16Array(byOblast.length).fill(-1), props: byOblast, matched: null};
        byOblast.forEach((p, j) => {
          const t = Date.parse(p.time);
          bo.t[j] = t;
          if (t < first) first = t;
          if (t > last) last = t;
        });
        data.inc = inc;
        data.byOblast = bo;
        data.weekly = fc.weekly || [];
        stage.dataset.incidents = String(n);
        stage.dataset.byOblast = String(bo.n);
        if (first <= last) widen(first, last);
        counts.textContent = `${num(fc.incidents)} incidents in the record; ${num(n)} have coordinates` +
          (fc.without_coordinates ? `, ${num(fc.without_coordinates)} have none and are not drawn as points` +
            (bo.n ? ` (${num(bo.n)} of them name an oblast and are counted on it)` : '') + ' (they count in the monitoring all the same).' : '.');
        buildLegend();
        drawWeekly();
      } catch (err) {
        if (err.name === 'AbortError') return;
        counts.textContent = '';
        problems.append(problemBox(err));
      }
      schedule();
    }

    // The incidents per week, under the map: the weeks of the window are
    // dark, the chosen day is a line.
    function drawWeekly() {
      const weeks = data.weekly;
      if (!weeks) return;
      if (!weeks.length) {
        weeklyEl.replaceChildren(h('figcaption', {}, 'Incidents per week'), note('No incident in the record.'));
        return;
      }
      const W = Math.max(weeklyEl.clientWidth - 24, 320), H = 170;
      const ml = 52, mr = 12, mt = 12, mb = 30;
      const iw = W - ml - mr, ih = H - mt - mb;
      const most = Math.max(1, ...weeks.map(w => w.incidents));
      const bw = iw / weeks.length;
      const end = dateEnd(), start = windowStart(end);
      const day0 = fromDay(weeks[0].week).getTime();
      const xOf = t => ml + (t - day0) / (7 * DAY) * bw;
      const bars = weeks.map((w, i) => {
        const t0 = fromDay(w.week).getTime();
        const inWindow = t0 <= end && t0 + 7 * DAY - 1 >= start;
        const hgt = w.incidents / most * ih;
        return s('rect', {x: (ml + i * bw + 0.5).toFixed(1), y: (mt + ih - hgt).toFixed(1), width: Math.max(bw - 1, 0.5).toFixed(1),
          height: hgt.toFixed(1), class: inWindow ? 'in-window' : 'out-window', 'data-week': w.week, 'data-n': w.incidents},
        s('title', {}, `week of ${w.week}: ${num(w.incidents)} incidents`));
      });
      const ticks = [];
      let lastX = -Infinity, lastMonth = '';
      weeks.forEach((w, i) => {
        const month = w.week.slice(0, 7);
        const x = ml + i * bw;
        if (month !== lastMonth && x - lastX >= 64) {
          ticks.push(s('text', {x: x.toFixed(1), y: H - 10, class: 'tick'}, month));
          lastX = x;
        }
        lastMonth = month;
      });
      const marker = xOf(end);
      const inWin = weeks.filter(w => { const t0 = fromDay(w.week).getTime(); return t0 <= end && t0 + 7 * DAY - 1 >= start; })
        .reduce((a, w) => a + w.incidents, 0);
      weeklyEl.replaceChildren(
        h('figcaption', {id: 'map-weekly-title'}, `Incidents per week, every one in the record (with or without coordinates); dark: the weeks the window touches (${num(inWin)} incidents in them).`),
        s('svg', {width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'map-weekly-title', class: 'map-weekly-chart'},
          s('line', {x1: ml, x2: ml + iw, y1: mt + ih + 0.5, y2: mt + ih + 0.5, class: 'axis'}),
          s('text', {x: ml - 6, y: mt + 4, class: 'tick y'}, num(most)),
          s('text', {x: ml - 6, y: mt + ih, class: 'tick y'}, num(0)),
          bars, ticks,
          marker >= ml && marker <= ml + iw ? s('line', {x1: marker.toFixed(1), x2: marker.toFixed(1), y1: mt, y2: mt + ih, class: 'date-marker'}) : null));
    }

    // Picking: the incident nearest the point (within 10 pixels), else the
    // oblast count under it.
    function pick(sx, sy, {focus = false} = {}) {
      const inc = data.inc;
      if (!inc) return;
      const sz = size();
      const end = dateEnd(), start = windowStart(end);
      let best = -1, bestD = 10 * 10;
      if (layerBoxes.incidents.checked) {
        for (let i = 0; i < inc.n; i++) {
          if (inc.t[i] > end || inc.t[i] < start) continue;
          const [x, y] = toScreen(inc.x[i], inc.y[i], sz);
          const d = (x - sx) ** 2 + (y - sy) ** 2;
          if (d < bestD) {
            best = i;
            bestD = d;
          }
        }
      }
      selected = null;
      if (best >= 0) {
        selected = {kind: 'incident', i: best};
      } else {
        const c = circles.find(c => (c.x - sx) ** 2 + (c.y - sy) ** 2 <= c.r * c.r);
        if (c) selected = {kind: 'oblast', o: c.o};
      }
      showPicked(focus);
      schedule();
    }

    const field = (label, value, id) => (value === undefined || value === null || value === '' ? null
      : [h('dt', {}, label), h('dd', id ? {'data-field': id} : {}, value)]);
    function showPicked(focus) {
      if (!selected) {
        pickPanel.hidden = true;
        stage.dataset.picked = '';
        return;
      }
      if (selected.kind === 'incident') {
        const p = data.inc.props[selected.i];
        const trig = id => {
          const t = data.inc.triggers.find(x => x.id === id);
          return t ? `${t.title || t.id}${t.severity ? ' (' + t.severity + ')' : ''}` : id;
        };
        pickTitle.textContent = `${p.type}${p.subtype ? ' · ' + p.subtype : ''}`;
        pickBody.replaceChildren(h('dl', {}, 
          field('When', dateTime(p.time), 'time'),
          field('Where', `${p.place || '–'}${p.admin1 && p.admin1 !== p.place ? ' (' + p.admin1 + ')' : ''}`, 'place'),
          field('Source', p.source || '–', 'source'),
          field('Headline', p.headline, 'headline'),
          field('Notes', p.notes, 'notes'),
          field('Confidence', p.confidence || (data.inc.levels ? 'below the first level' : 'not scored'), 'confidence'),
          field('Triggers fired', p.triggers.length ? p.triggers.map(trig).join('; ') + (p.breach ? ' — started a breach' : '') : 'none', 'triggers'),
          field('Id', h('span', {class: 'mono'}, p.id), 'id')));
        stage.dataset.picked = p.id;
      } else {
        const o = data.oblasts[selected.o];
        const end = dateEnd(), start = windowStart(end);
        const bo = data.byOblast;
        const mine = [];
        for (let j = 0; j < bo.n; j++) if (bo.oblast[j] === selected.o && bo.t[j] <= end && bo.t[j] >= start) mine.push(bo.props[j]);
        const byType = new Map();
        for (const p of mine) byType.set(p.type, (byType.get(p.type) || 0) + 1);
        pickTitle.textContent = `${o.props.name}: ${num(mine.length)} attacks by target oblast`;
        pickBody.replaceChildren(
          h('p', {class: 'note'}, 'Reports without coordinates that name this oblast as a target, in the window.'),
          h('ul', {class: 'plain-list'}, [...byType.entries()].sort((a, b) => b[1] - a[1]).map(([t, n]) => h('li', {}, `${t}: ${num(n)}`))),
          mine.length ? h('p', {}, 'Latest:') : null,
          h('ul', {class: 'plain-list'}, mine.slice(-5).reverse().map(p => h('li', {},
            `${dateTime(p.time)} · ${p.type}${p.subtype ? ' (' + p.subtype + ')' : ''} · ${p.source || '–'}` +
            (p.triggers.length ? ` · fired ${p.triggers.join(', ')}` : '')))));
        stage.dataset.picked = `oblast:${o.props.code}`;
      }
      pickPanel.hidden = false;
      placePick(size());
      if (focus) pickPanel.focus();
    }
    // placePick puts the panel beside the picked point, inside the map.
    function placePick(sz) {
      if (!selected || pickPanel.hidden) return;
      let x, y;
      if (selected.kind === 'incident') {
        [x, y] = toScreen(data.inc.x[selected.i], data.inc.y[selected.i], sz);
      } else {
        const c = data.oblasts[selected.o].centroid;
        [x, y] = toScreen(c[0], c[1], sz);
      }
      const pw = pickPanel.offsetWidth || 280, ph = pickPanel.offsetHeight || 160;
      let left = x + 16;
      if (left + pw > sz.w - 6) left = x - 16 - pw;
      left = Math.max(6, Math.min(left, sz.w - pw - 6));
      const top = Math.max(6, Math.min(y - 20, sz.h - ph - 6));
      pickPanel.style.left = `${Math.round(left)}px`;
      pickPanel.style.top = `${Math.round(top)}px`;
    }
    function closePick() {
      selected = null;
      showPicked();
      schedule();
      dots.focus();
    }
    pickClose.addEventListener('click', closePick);
    pickPanel.addEventListener('keydown', e => {
      if (e.key === 'Escape') {
        e.preventDefault();
        closePick();
      }
    });

    // Pointers: one drags, two pinch; a press that does not move picks.
    const pointers = new Map();
    let gesture = null;
    function startGesture() {
      const pts = [...pointers.values()];
      if (pts.length === 1) {
        gesture = {kind: 'drag', x: pts[0].x, y: pts[0].y, cx: view.cx, cy: view.cy, moved: gesture ? gesture.moved : false};
      } else if (pts.length >= 2) {
        const [a, b] = pts;
        const r = dots.getBoundingClientRect();
        const mx = (a.x + b.x) / 2 - r.left, my = (a.y + b.y) / 2 - r.top;
        const sz = size();
        gesture = {kind: 'pinch', d: Math.hypot(a.x - b.x, a.y - b.y) || 1, scale: view.scale,
          wx: view.cx + (mx - sz.w / 2) / view.scale, wy: view.cy + (my - sz.h / 2) / view.scale, moved: true};
      } else {
        gesture = null;
      }
    }
    dots.addEventListener('pointerdown', e => {
      pointers.set(e.pointerId, {x: e.clientX, y: e.clientY});
      try {
        dots.setPointerCapture(e.pointerId);
      } catch {
        // a pointer the browser does not know (a synthetic one): no capture
      }
      if (pointers.size === 1) gesture = null;
      startGesture();
    });
    dots.addEventListener('pointermove', e => {
      if (!pointers.has(e.pointerId) || !gesture) return;
      pointers.set(e.pointerId, {x: e.clientX, y: e.clientY});
      view.auto = false;
      if (gesture.kind === 'drag') {
        const dx = e.clientX - gesture.x, dy = e.clientY - gesture.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) gesture.moved = true;
        view.cx = gesture.cx - dx / view.scale;
        view.cy = gesture.cy - dy / view.scale;
      } else {
        const [a, b] = [...pointers.values()];
        const r = dots.getBoundingClientRect();
        const sz = size();
        const mx = (a.x + b.x) / 2 - r.left, my = (a.y + b.y) / 2 - r.top;
        view.scale = clampScale(gesture.scale * Math.hypot(a.x - b.x, a.y - b.y) / gesture.d);
        // The world point under the fingers' midpoint stays under it.
        view.cx = gesture.wx - (mx - sz.w / 2) / view.scale;
        view.cy = gesture.wy - (my - sz.h / 2) / view.scale;
      }
      schedule();
    });
    const release = e => {
      if (!pointers.has(e.pointerId)) return;
      const click = gesture && gesture.kind === 'drag' && !gesture.moved && pointers.size === 1 && e.type === 'pointerup';
      pointers.delete(e.pointerId);
      if (click) {
        const r = dots.getBoundingClientRect();
        pick(e.clientX - r.left, e.clientY - r.top);
      }
      if (pointers.size) startGesture();
      else gesture = null;
    };
    dots.addEventListener('pointerup', release);
    dots.addEventListener('pointercancel', release);
    function clampScale(v) {
      const f = fitScale();
      return Math.min(Math.max(v, f * 0.5), f * 256);
    }
    function zoom(f, sx, sy) {
      const sz = size();
      const ax = sx === undefined ? sz.w / 2 : sx, ay = sy === undefined ? sz.h / 2 : sy;
      const wxp = view.cx + (ax - sz.w / 2) / view.scale, wyp = view.cy + (ay - sz.h / 2) / view.scale;
      view.auto = false;
      view.scale = clampScale(view.scale * f);
      view.cx = wxp - (ax - sz.w / 2) / view.scale;
      view.cy = wyp - (ay - sz.h / 2) / view.scale;
      schedule();
    }
    // A wheel's notches and a trackpad's (or its pinch, sent as a wheel
    // with ctrlKey) small steps alike: the zoom follows deltaY.
    dots.addEventListener('wheel', e => {
      e.preventDefault();
      const r = dots.getBoundingClientRect();
      const unit = e.deltaMode === 1 ? 0.05 : e.deltaMode === 2 ? 1 : e.ctrlKey ? 0.01 : 0.0025;
      zoom(Math.min(Math.max(Math.exp(-e.deltaY * unit), 0.5), 2), e.clientX - r.left, e.clientY - r.top);
    }, {passive: false});
    dots.addEventListener('keydown', e => {
      const step = 60 / view.scale;
      const keys = {
        ArrowLeft: () => { view.cx -= step; view.auto = false; }, ArrowRight: () => { view.cx += step; view.auto = false; },
        ArrowUp: () => { view.cy -= step; view.auto = false; }, ArrowDown: () => { view.cy += step; view.auto = false; },
        '+': () => zoom(1.25), '=': () => zoom(1.25), '-': () => zoom(0.8), '0': () => { view.fitted = false; },
        Enter: () => { const sz = size(); pick(sz.w / 2, sz.h / 2, {focus: true}); },
        Escape: () => { selected = null; showPicked(); },
      };
      const fn = keys[e.key];
      if (!fn) return;
      e.preventDefault();
      fn();
      schedule();
    });
    const resize = new ResizeObserver(() => {
      schedule();
      drawWeekly();
    });
    resize.observe(stage);

    let timer = 0;
    slider.addEventListener('input', () => {
      dateOut.textContent = chosenDay();
      slider.setAttribute('aria-valuetext', chosenDay());
      schedule();
      clearTimeout(timer);
      timer = setTimeout(() => {
        current.setParams({at: chosenDay()});
        if (haveTerritory) loadTerritory(current, chosenDay());
        drawWeekly();
        if (selected) showPicked();
      }, 150);
    });
    windowSel.addEventListener('change', () => {
      current.setParams({window: windowSel.value === 'all' ? null : windowSel.value});
      drawWeekly();
      if (selected) showPicked();
      schedule();
    });

    // The day the page is asked for: the shell's "as of" date.
    const askedDay = c => c.at ?? c.params.get('at');

    async function load(c) {
      current = c;
      const mine = ++gen;
      const asked = askedDay(c);
      if (WINDOWS.some(([v]) => v === c.params.get('window'))) windowSel.value = c.params.get('window');
      // The layers load at once; the incidents, the largest, first. The
      // server says which geographic layers it has: a missing one is
      // explained, not asked for.
      const incidents = loadIncidents(c);
      const settlements = loadSettlements(c);
      let have = {oblasts: true, territory: true};
      try {
        have = (await c.api.get('/v1/health', {signal: c.signal})).layers || have;
      } catch {
        // asked for anyway: the answer explains itself
      }
      if (!have.oblasts) problems.append(note('No oblast layer: the server was started without --oblasts FILE.'));
      if (!have.territory) summary.textContent = 'No territory layer: the server was started without --territory DIR.';
      const oblasts = data.oblasts || !have.oblasts ? null : loadOblasts(c);
      const options = have.oblasts && have.territory ? loadOptions(c) : null;
      if (!options) {
        optionSel.disabled = true;
        optionPanel.textContent = 'No options: the server measures them only when started with --oblasts FILE and --territory DIR.';
      }
      // The territory's dates decide the default day: the latest snapshot,
      // whose map the same answer holds.
      let day = asked;
      let latest = null;
      if (!day && have.territory) {
        try {
          latest = await c.api.get(`/v1/frameworks/${c.framework}/map/territory?at=9999-12-31`, {signal: c.signal});
          const snaps = latest.snapshots;
          day = snaps.length ? snaps[snaps.length - 1] : null;
        } catch {
          day = null;
        }
      }
      day = day || isoDay(new Date());
      if (mine !== gen) return;
      widen(fromDay(day).getTime(), fromDay(day).getTime());
      setDay(day);
      haveTerritory = have.territory;
      await Promise.all([incidents, settlements, oblasts, options, haveTerritory ? loadTerritory(c, day, latest) : null]);
      drawWeekly();
    }
    buildLegend();
    load(ctx);
    return {
      update: c => {
        current = c;
        const d = askedDay(c);
        if (d && d !== chosenDay()) {
          setDay(d);
          if (haveTerritory) loadTerritory(c, d);
          drawWeekly();
        }
        schedule();
      },
      refresh: c => {
        current = c;
        if (haveTerritory) {
          loadTerritory(c, chosenDay());
          loadOptions(c);
        }
        loadIncidents(c);
      },
      unmount: () => {
        resize.disconnect();
        clearTimeout(timer);
        if (frame) cancelAnimationFrame(frame);
      },
    };
  },
};
