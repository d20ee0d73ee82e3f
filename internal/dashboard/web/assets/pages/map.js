// Map: Ukraine's oblasts, the occupied territory at a chosen date over the
// line at the framework's ceasefire (what was taken since shows red), and
// the record's incidents as points coloured by the trigger they fired and
// shaded by their corroborated confidence; incidents that started a breach
// are ringed. The layers come from the API as GeoJSON. A territorial option
// of the record, chosen under Options, draws over the current line what it
// would hand to the adversary (red hatching) and back to Ukraine (blue
// dots), with its figures beside the map (/v1/frameworks/{id}/options).
//
// Points are written straight into an ImageData on their own canvas, so
// that 100,000 of them draw in a few milliseconds; the shapes are Path2D
// objects built once and drawn under a transform.

import {h, problemBox, note} from '../dom.js';
import {num, dateTime, isoDay, fromDay, DAY} from '../format.js';
import {palette} from '../charts.js';

const COS = Math.cos(48.5 * Math.PI / 180); // Ukraine's middle latitude
const UKRAINE = {minLon: 22.1, maxLon: 40.3, minLat: 44.3, maxLat: 52.4};
const NO_TRIGGER = '#5f6b7a';
// The option's areas: a pattern each, so that colour is not the only cue.
export const OPTION_STYLES = {
  to_adversary: {ink: '#b2182b', ground: 'rgba(178, 24, 43, 0.18)', label: 'would go to the adversary (red hatching)'},
  to_ukraine: {ink: '#2166ac', ground: 'rgba(33, 102, 172, 0.18)', label: 'would come back to Ukraine (blue dots)'},
};
const WINDOWS = [['all', 'every incident up to the date'], ['365', 'the year up to the date'], ['30', 'the 30 days up to the date'], ['7', 'the 7 days up to the date']];

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

function rgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function alphaOf(level, levels) {
  if (!levels) return 0.6; // no corroboration: one shade
  return [0.3, 0.55, 0.75, 0.9, 1][Math.min(level, 4)];
}

export default {
  title: 'Map',
  mount(root, ctx) {
    let current = ctx;
    const stage = h('div', {class: 'stage', id: 'map', 'data-oblasts': '0', 'data-incidents': '0', 'data-drawn': '0'});
    const base = h('canvas', {'aria-hidden': 'true'});
    const dots = h('canvas', {tabindex: '0', role: 'img', 'aria-roledescription': 'map',
      'aria-label': 'Map of Ukraine. Arrow keys pan, plus and minus zoom, 0 resets, Enter picks the incident nearest the centre, Escape clears it.'});
    const attribution = h('div', {class: 'attribution'});
    stage.append(base, dots, h('div', {class: 'hint', 'aria-hidden': 'true'}, 'drag to pan · wheel or +/− to zoom · click an incident'), attribution);

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
    const picked = h('div', {class: 'picked', id: 'picked', 'aria-live': 'polite'}, 'No incident picked.');
    const oblastList = h('details', {id: 'oblast-list'}, h('summary', {}, 'Oblasts on the map'));
    const problems = h('div', {});
    const optionSel = h('select', {id: 'map-option', 'aria-label': 'Territorial option drawn over the current line'},
      h('option', {value: ''}, 'none'));
    const optionLegend = h('ul', {class: 'plain-list', id: 'option-legend', hidden: true},
      Object.entries(OPTION_STYLES).map(([k, st]) => h('li', {}, h('span', {class: `swatch sq pattern-${k}`}), st.label)));
    const optionPanel = h('div', {class: 'picked', id: 'option-figures', 'aria-live': 'polite'}, 'No option drawn.');
    root.replaceChildren(h('h1', {}, 'Map'), problems,
      h('div', {class: 'mapwrap'}, stage,
        h('div', {class: 'side card'},
          h('h3', {}, 'Date'), h('div', {class: 'slider'}, slider, dateOut), summary,
          h('h3', {}, 'Options'), optionSel, optionLegend, optionPanel,
          h('h3', {}, 'Incidents'), windowSel, counts,
          h('h3', {}, 'Layers'), layerToggle('oblasts', 'oblasts'), layerToggle('territory', 'occupied territory'),
          layerToggle('baseline', 'the line at the ceasefire (dashed)'), layerToggle('incidents', 'incidents'),
          h('h3', {}, 'Legend'), legend,
          h('h3', {}, 'Picked'), picked)),
      oblastList);

    // What is drawn.
    const data = {oblasts: null, oblastBounds: null, territory: null, current: null, baseline: null, inc: null,
      options: null, option: null};
    const view = {cx: 0, cy: 0, scale: 1, fitted: false};
    let selected = -1;
    let frame = 0;
    let markedDrawn = false;
    let gen = 0;

    const size = () => ({w: stage.clientWidth || 800, h: stage.clientHeight || 600, dpr: window.devicePixelRatio || 1});
    const fit = () => {
      const b = data.oblastBounds || UKRAINE;
      const {w, h: hh} = size();
      view.cx = wx((b.minLon + b.maxLon) / 2);
      view.cy = wy((b.minLat + b.maxLat) / 2);
      view.scale = Math.min(w / ((b.maxLon - b.minLon) * COS), hh / (b.maxLat - b.minLat)) * 0.95;
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
      if (!view.fitted) {
        fit();
        view.fitted = true;
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
        // taken since the ceasefire.
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
      drawIncidents(sz, W, H);
      // The view, for whoever needs to place a point on the picture (the
      // browser tests read pixels through it).
      stage.dataset.view = `${view.cx},${view.cy},${view.scale},${COS}`;
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
      o.fillStyle = '#d7191c';
      o.fill(data.current.path, 'evenodd');
      if (data.baseline) {
        o.globalCompositeOperation = 'source-atop';
        o.fillStyle = '#6d5f5f';
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
          h('dt', {}, 'To the adversary'), h('dd', {id: 'option-to-adversary'}, `${num(o.to_adversary_km2)} km²`),
          h('dt', {}, 'Back to Ukraine'), h('dd', {id: 'option-to-ukraine'}, `${num(o.to_ukraine_km2)} km²`),
          h('dt', {}, 'The new line'), h('dd', {id: 'option-line'}, `${num(o.line_km)} km`),
          h('dt', {}, "Today's line"), h('dd', {id: 'option-contact-line'}, `${num(o.contact_line_km)} km (map of ${o.today}; ${diff >= 0 ? '+' : '−'}${num(Math.abs(diff))} km)`)),
        o.by_oblast.length ? h('p', {}, 'Most changed: ', o.by_oblast.slice(0, 3).map(b =>
          `${b.name} (${num(b.to_adversary_km2)} km² to the adversary, ${num(b.to_ukraine_km2)} km² back)`).join('; '), '.') : null,
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

    function drawIncidents(sz, W, H) {
      const g = dots.getContext('2d');
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, W, H);
      const inc = data.inc;
      if (!inc || !layerBoxes.incidents.checked) {
        stage.dataset.drawn = '0';
        return;
      }
      const end = dateEnd();
      const start = windowStart(end);
      const img = g.createImageData(W, H);
      const px32 = new Uint32Array(img.data.buffer);
      const r = Math.max(1, Math.round(sz.dpr)); // half-size of a dot, in device pixels
      const k = view.scale * sz.dpr, ox = W / 2 - view.cx * k, oy = H / 2 - view.cy * k;
      let drawn = 0;
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
          drawn++;
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
      if (selected >= 0) {
        const x = inc.x[selected] * k + ox, y = inc.y[selected] * k + oy;
        g.strokeStyle = '#ffbf47';
        g.lineWidth = 3 * sz.dpr;
        g.beginPath();
        g.arc(x, y, 9 * sz.dpr, 0, 2 * Math.PI);
        g.stroke();
      }
      stage.dataset.drawn = String(drawn);
      if (!markedDrawn) {
        markedDrawn = true;
        performance.mark('backstop:map-incidents-drawn'); // measured by the benchmarks
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
          return {props: f.properties, path: pathOf(f.geometry)};
        });
        data.oblastBounds = b;
        view.fitted = false;
        stage.dataset.oblasts = String(data.oblasts.length);
        oblastList.replaceChildren(h('summary', {}, `Oblasts on the map (${data.oblasts.length})`),
          h('ul', {}, data.oblasts.map(o => h('li', {}, `${o.props.name} (${o.props.code}), ${num(o.props.area_km2)} km²`))));
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

    const attributions = {oblasts: '', territory: ''};
    function showAttribution() {
      attribution.textContent = [attributions.oblasts, attributions.territory].filter(Boolean).join(' · ');
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
        if (fc.snapshots.length) widen(fromDay(fc.snapshots[0]).getTime(), fromDay(fc.snapshots[fc.snapshots.length - 1]).getTime());
        attributions.territory = fc.attribution;
        showAttribution();
        const parts = [];
        if (cur) {
          const p = cur.properties;
          stage.dataset.occupiedKm2 = String(p.area_km2);
          parts.push(`Occupied on ${day} (map of ${p.date}): ${num(p.area_km2)} km².`);
          if (bl) {
            parts.push(` At the ceasefire (map of ${bl.properties.date}): ${num(bl.properties.area_km2)} km²; since then ${num(p.gained_km2)} km² taken (red), ${num(p.lost_km2)} km² freed.`);
          }
        } else {
          parts.push(`No map of the occupied territory on or before ${day}.`);
        }
        summary.textContent = parts.join('');
      } catch (err) {
        if (err.name === 'AbortError') return;
        summary.textContent = err.problem && err.problem.status === 404
          ? 'No territory layer: the server was started without --territory DIR.'
          : `The territory could not be loaded: ${err.problem ? err.problem.detail : err.message}`;
      }
      schedule();
    }

    async function loadIncidents(c) {
      try {
        const fc = await c.api.get(`/v1/frameworks/${c.framework}/map/incidents`, {signal: c.signal});
        const n = fc.features.length;
        const colorOf = new Map(fc.triggers.map((t, i) => [t.id, i + 1]));
        const colors = [NO_TRIGGER, ...fc.triggers.map((t, i) => palette[(i + 1) % palette.length])];
        const levels = fc.levels.length ? fc.levels : null;
        const inc = {n, x: new Float32Array(n), y: new Float32Array(n), t: new Float64Array(n), color: new Uint8Array(n),
          packed: new Uint32Array(n), breach: new Uint8Array(n), props: new Array(n), colors, triggers: fc.triggers, levels};
        let first = Infinity, last = -Infinity;
        const byTrigger = new Array(colors.length).fill(0);
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
          byTrigger[ci]++;
          inc.packed[i] = packed[ci][Math.min(p.level, 5)];
          inc.breach[i] = p.breach ? 1 : 0;
          inc.props[i] = p;
        }
        data.inc = inc;
        stage.dataset.incidents = String(n);
        if (n) widen(first, last);
        counts.textContent = `${num(fc.incidents)} incidents in the record; ${num(n)} have coordinates` +
          (fc.without_coordinates ? `, ${num(fc.without_coordinates)} have none and are not drawn (they count in the monitoring all the same).` : '.');
        legend.replaceChildren(
          h('ul', {class: 'plain-list'}, colors.map((col, i) => {
            const sw = h('span', {class: 'swatch'});
            sw.style.background = col;
            const t = i ? inc.triggers[i - 1] : null;
            return h('li', {}, sw, t ? `${t.title || t.id} (${num(byTrigger[i])} drawn)` : `fired no trigger (${num(byTrigger[0])})`);
          }), h('li', {}, h('span', {class: 'swatch ring'}), 'ringed: started a breach')),
          levels ? note(`Shade: corroborated confidence, from none to ${levels[levels.length - 1]} (${levels.join(', ')}).`)
            : note('No corroboration rules in the record: every incident has the same shade.'));
      } catch (err) {
        if (err.name === 'AbortError') return;
        counts.textContent = '';
        problems.append(problemBox(err));
      }
      schedule();
    }

    // Interaction.
    function pick(sx, sy) {
      const inc = data.inc;
      if (!inc) return;
      const sz = size();
      const end = dateEnd(), start = windowStart(end);
      let best = -1, bestD = 10 * 10;
      for (let i = 0; i < inc.n; i++) {
        if (inc.t[i] > end || inc.t[i] < start) continue;
        const [x, y] = toScreen(inc.x[i], inc.y[i], sz);
        const d = (x - sx) ** 2 + (y - sy) ** 2;
        if (d < bestD) {
          best = i;
          bestD = d;
        }
      }
      selected = best;
      showPicked();
      schedule();
    }
    function showPicked() {
      if (selected < 0) {
        picked.textContent = 'No incident picked.';
        return;
      }
      const p = data.inc.props[selected];
      picked.replaceChildren(h('strong', {}, p.type), ` · ${dateTime(p.time)}`, h('br'),
        `${p.place || '–'}${p.admin1 && p.admin1 !== p.place ? ' (' + p.admin1 + ')' : ''} · source ${p.source || '–'}`, h('br'),
        p.triggers.length ? `fired: ${p.triggers.join(', ')}${p.breach ? ' (started a breach)' : ''}` : 'fired no trigger', h('br'),
        `confidence: ${p.confidence || (data.inc.levels ? 'below the first level' : 'not scored')}`, h('br'),
        h('span', {class: 'mono note'}, p.id));
    }
    let drag = null;
    dots.addEventListener('pointerdown', e => {
      drag = {x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy, moved: false};
      dots.setPointerCapture(e.pointerId);
    });
    dots.addEventListener('pointermove', e => {
      if (!drag) return;
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      view.cx = drag.cx - dx / view.scale;
      view.cy = drag.cy - dy / view.scale;
      schedule();
    });
    dots.addEventListener('pointerup', e => {
      if (drag && !drag.moved) {
        const r = dots.getBoundingClientRect();
        pick(e.clientX - r.left, e.clientY - r.top);
      }
      drag = null;
    });
    function zoom(f, sx, sy) {
      const sz = size();
      const ax = sx === undefined ? sz.w / 2 : sx, ay = sy === undefined ? sz.h / 2 : sy;
      const wxp = view.cx + (ax - sz.w / 2) / view.scale, wyp = view.cy + (ay - sz.h / 2) / view.scale;
      view.scale = Math.min(Math.max(view.scale * f, 5), 5000);
      view.cx = wxp - (ax - sz.w / 2) / view.scale;
      view.cy = wyp - (ay - sz.h / 2) / view.scale;
      schedule();
    }
    dots.addEventListener('wheel', e => {
      e.preventDefault();
      const r = dots.getBoundingClientRect();
      zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left, e.clientY - r.top);
    }, {passive: false});
    dots.addEventListener('keydown', e => {
      const step = 60 / view.scale;
      const keys = {
        ArrowLeft: () => { view.cx -= step; }, ArrowRight: () => { view.cx += step; },
        ArrowUp: () => { view.cy -= step; }, ArrowDown: () => { view.cy += step; },
        '+': () => zoom(1.25), '=': () => zoom(1.25), '-': () => zoom(0.8), '0': () => { view.fitted = false; },
        Enter: () => { const sz = size(); pick(sz.w / 2, sz.h / 2); },
        Escape: () => { selected = -1; showPicked(); },
      };
      const fn = keys[e.key];
      if (!fn) return;
      e.preventDefault();
      fn();
      schedule();
    });
    const resize = new ResizeObserver(() => schedule());
    resize.observe(stage);

    let timer = 0;
    slider.addEventListener('input', () => {
      dateOut.textContent = chosenDay();
      slider.setAttribute('aria-valuetext', chosenDay());
      schedule();
      clearTimeout(timer);
      timer = setTimeout(() => {
        current.setParams({date: chosenDay()});
        if (haveTerritory) loadTerritory(current, chosenDay());
      }, 150);
    });
    windowSel.addEventListener('change', () => {
      current.setParams({window: windowSel.value === 'all' ? null : windowSel.value});
      schedule();
    });

    async function load(c) {
      current = c;
      const mine = ++gen;
      const asked = c.params.get('date');
      if (WINDOWS.some(([v]) => v === c.params.get('window'))) windowSel.value = c.params.get('window');
      // The layers load at once; the incidents, the largest, first. The
      // server says which geographic layers it has: a missing one is
      // explained, not asked for.
      const incidents = loadIncidents(c);
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
      await Promise.all([incidents, oblasts, options, haveTerritory ? loadTerritory(c, day, latest) : null]);
    }
    load(ctx);
    return {
      update: c => {
        current = c;
        const d = c.params.get('date');
        if (d && d !== chosenDay()) {
          setDay(d);
          if (haveTerritory) loadTerritory(c, d);
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
