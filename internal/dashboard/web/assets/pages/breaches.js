// Breaches: the episodes of each trigger on a timeline, and each episode's
// responses with their deadlines (due in so many hours, or overdue) and
// the guarantors' pledges it activates.

import {h, s, section, problemBox, note} from '../dom.js';
import {num, qty, dateTime, day, span} from '../format.js';

const PAGE = 40;
const SEVERITY = {grave: '#b3261e', serious: '#c77700'};

function timeline(m, shown, onPick) {
  const triggers = m.triggers.filter(t => shown.includes(t.trigger));
  const width = 1100, laneH = 34, left = 250, right = 20, top = 8, axis = 26;
  const height = top + laneH * Math.max(1, triggers.length) + axis;
  const eps = m.episodes.filter(e => shown.includes(e.trigger));
  const t0 = Math.min(...eps.map(e => Date.parse(e.start)), Date.parse(m.from || eps[0].start));
  const t1 = Math.max(...eps.map(e => Date.parse(e.end)), Date.parse(m.to || eps[0].end), t0 + 86400000);
  const X = t => left + (t - t0) / (t1 - t0) * (width - left - right);
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'chart', role: 'group',
    'aria-label': `Timeline of ${eps.length} breaches`, id: 'breach-timeline'});
  triggers.forEach((t, i) => {
    const y = top + i * laneH;
    svg.append(s('rect', {x: left, y: y + 3, width: width - left - right, height: laneH - 6, class: 'lane'}),
      s('text', {x: left - 8, y: y + laneH / 2 + 4, 'text-anchor': 'end', class: 'tick'}, `${t.trigger} (${t.episodes})`,
        s('title', {}, t.title || t.trigger)));
  });
  const lane = Object.fromEntries(triggers.map((t, i) => [t.trigger, i]));
  m.episodes.forEach((e, idx) => {
    if (!(e.trigger in lane)) return;
    const y = top + lane[e.trigger] * laneH;
    const x0 = X(Date.parse(e.start)), x1 = Math.max(X(Date.parse(e.end)), x0 + 3);
    const a = s('a', {href: `#ep-${idx}`, 'aria-label': `${e.title || e.trigger}, ${dateTime(e.start)} to ${dateTime(e.end)}, ${e.firings} firings`},
      s('rect', {x: x0, y: y + 7, width: x1 - x0, height: laneH - 14, fill: SEVERITY[e.severity] || '#0072B2', class: 'episode'},
        s('title', {}, `${e.title || e.trigger}: ${day(e.start)} – ${day(e.end)}, ${e.firings} firings`)));
    a.addEventListener('click', ev => {
      ev.preventDefault();
      onPick(idx);
    });
    svg.append(a);
  });
  const years = [];
  for (let y = new Date(t0).getUTCFullYear(); y <= new Date(t1).getUTCFullYear() + 1; y++) {
    for (const mo of [0, 3, 6, 9]) years.push(Date.UTC(y, mo, 1));
  }
  const ticks = years.filter(t => t >= t0 && t <= t1);
  const every = Math.max(1, Math.ceil(ticks.length / 10));
  ticks.filter((_, i) => i % every === 0).forEach(t => {
    svg.append(s('line', {x1: X(t), x2: X(t), y1: top, y2: height - axis, class: 'grid'}),
      s('text', {x: X(t), y: height - 8, 'text-anchor': 'middle', class: 'tick'}, new Date(t).toISOString().slice(0, 7)));
  });
  const now = Date.now();
  if (now > t0 && now < t1) svg.append(s('line', {x1: X(now), x2: X(now), y1: top, y2: height - axis, class: 'marker'}));
  return svg;
}

// deadline says when a response falls due, against the clock of this
// browser: overdue in red, due soon in amber.
function deadline(r, now) {
  if (r.mode === 'automatic') return h('span', {}, 'automatic, at once: ', dateTime(r.due));
  const due = Date.parse(r.due);
  const left = due - now;
  return h('span', {},
    `${r.mode} within ${r.within}: due ${dateTime(r.due)} — `,
    left >= 0
      ? h('span', {class: 'due-text', 'data-due': 'pending'}, `due in ${span(left)}`)
      : h('span', {class: 'overdue-text', 'data-due': 'overdue'}, `overdue by ${span(left)}`));
}

function cause(e) {
  const c = e.cause;
  if (c.kind === 'snapshot' && c.territory) {
    const t = c.territory;
    return `map of ${t.snapshot}: ${num(t.gained_km2)} km² taken beyond the ceasefire line, ${num(t.lost_km2)} km² freed`;
  }
  return `incident ${c.incident} (${c.type}${c.admin1 ? ', ' + c.admin1 : ''})`;
}

function episode(e, idx, now) {
  const overdue = e.responses.filter(r => r.mode !== 'automatic' && Date.parse(r.due) < now).length;
  const pending = e.responses.filter(r => r.mode !== 'automatic' && Date.parse(r.due) >= now).length;
  return h('details', {id: `ep-${idx}`, 'data-trigger': e.trigger},
    h('summary', {},
      h('span', {class: `sev ${e.severity}`}, e.severity), h('strong', {}, e.title || e.trigger), ' ',
      h('span', {class: 'when'}, `${dateTime(e.start)} → ${dateTime(e.end)}`), ` · ${num(e.firings)} firing${e.firings === 1 ? '' : 's'} `,
      overdue ? h('span', {class: 'badge overdue'}, `${overdue} overdue`) : null, ' ',
      pending ? h('span', {class: 'badge due'}, `${pending} due`) : null),
    h('p', {}, 'Began with ', cause(e), '.',
      e.incidents.length > 1 ? ` First incidents: ${e.incidents.join(', ')}.` : ''),
    h('h3', {}, 'Responses'),
    e.responses.length ? h('ul', {}, e.responses.map(r => h('li', {'data-response': r.response},
      h('strong', {}, r.title || r.response), ' — ', deadline(r, now),
      r.domains.length ? h('span', {class: 'note'}, ` · domains ${r.domains.join(', ')}`) : null,
      r.pledges.length ? h('div', {class: 'table-wrap'}, h('table', {},
        h('thead', {}, h('tr', {}, ['party', 'pledge', 'domain', 'quantity', 'posture', 'approval', 'in place by'].map(c => h('th', {}, c)))),
        h('tbody', {}, r.pledges.map(p => h('tr', {},
          h('td', {}, p.party), h('td', {}, p.pledge), h('td', {}, p.domain), h('td', {class: 'n'}, qty(p.quantity, p.unit)),
          h('td', {}, p.posture || '–'),
          h('td', {}, h('span', {class: `badge ${p.approval === 'pending' ? 'pending' : p.approval === 'rejected' ? 'failed' : 'neutral'}`}, p.approval)),
          h('td', {}, p.ready_by ? `${dateTime(p.ready_by)} (readiness ${p.readiness || '0'})`
            : `awaiting its vote; ${dateTime(p.ready_if_approved)} if approved`)))))) : null)))
      : note('The trigger calls for no response.'));
}

export default {
  title: 'Breaches',
  mount(root, ctx) {
    let current = ctx;
    let report = null;
    let limit = PAGE;
    let gen = 0;
    const show = () => {
      const m = report;
      const asked = current.params.get('trigger');
      const shown = asked ? [asked] : m.triggers.map(t => t.trigger);
      const now = Date.now();
      const list = m.episodes.map((e, i) => [e, i]).filter(([e]) => shown.includes(e.trigger)).reverse();
      const pick = idx => {
        const el = document.getElementById(`ep-${idx}`);
        if (!el) {
          limit = list.length;
          show();
        }
        const d = document.getElementById(`ep-${idx}`);
        if (d) {
          d.open = true;
          d.scrollIntoView({block: 'start'});
          d.querySelector('summary').focus();
        }
      };
      const chips = m.triggers.map(t => h('button', {class: 'chip', type: 'button', 'data-trigger': t.trigger, 'aria-pressed': String(asked === t.trigger),
        on: {click: () => current.setParams({trigger: asked === t.trigger ? null : t.trigger}, {push: true})}},
      `${t.title || t.trigger} · ${num(t.episodes)}`));
      root.replaceChildren(h('h1', {}, 'Breaches'),
        section(null,
          h('p', {id: 'breach-summary'}, `${num(m.episodes.length)} breaches of ${m.triggers.filter(t => t.episodes).length} of ${m.triggers.length} triggers`,
            m.from ? ` between ${dateTime(m.from)} and ${dateTime(m.to)}` : '', `; ${num(m.incidents)} incidents and ${num(m.snapshots)} maps evaluated. `,
            `A breach groups firings of a trigger less than ${m.quiet_period} apart.`),
          h('div', {class: 'filters', role: 'group', 'aria-label': 'Triggers'}, chips),
          m.episodes.length ? timeline(m, shown, pick) : note('No trigger has fired.'),
          note('Deadlines are read against this browser’s clock. The record holds no account of responses taken, so a deadline that has passed shows as overdue.')),
        section(`Breaches, newest first (${num(list.length)})`,
          h('div', {class: 'episodes', id: 'episodes'}, list.slice(0, limit).map(([e, i]) => episode(e, i, now))),
          list.length > limit ? h('button', {class: 'chip', type: 'button', on: {click: () => { limit += PAGE * 5; show(); }}},
            `Show ${num(Math.min(PAGE * 5, list.length - limit))} more`) : null));
    };
    const load = async c => {
      current = c;
      const mine = ++gen;
      try {
        const m = await c.api.get(`/v1/frameworks/${c.framework}/monitoring`, {signal: c.signal});
        if (mine !== gen) return;
        report = m;
        show();
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) root.replaceChildren(h('h1', {}, 'Breaches'), problemBox(err));
      }
    };
    load(ctx);
    return {update: c => { current = c; limit = PAGE; if (report) show(); else load(c); }, refresh: load};
  },
};
