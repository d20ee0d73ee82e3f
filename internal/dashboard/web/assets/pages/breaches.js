// Breaches: the episodes of each trigger on a timeline, and each episode's
// id, status and monitor's finding, its responses with the state the
// account gives them per party (on time, late, declined, pending, overdue:
// nothing filed by the deadline, not due: a false alarm), and the
// guarantors' pledges it activates. Every state comes from the API's
// account; none is computed against this browser's clock. With the
// header's "as of" day (ctx.at), the page lists the breaches that began on
// or before it; the account stays the record's latest (the API's
// monitoring has no as-of date), and the page says so.

import {h, s, section, problemBox, note} from '../dom.js';
import {num, qty, dateTime, day} from '../format.js';

const PAGE = 40;
const SEVERITY = {grave: '#b3261e', serious: '#c77700'};

// timeline draws the breaches on lanes, one per trigger, at the width it
// is shown at (so that its text keeps its size): on a narrow screen each
// lane's name goes above it rather than beside it.
function timeline(m, shown, onPick, real, shownWidth) {
  const triggers = m.triggers.filter(t => shown.includes(t.trigger));
  const width = Math.round(Math.max(300, Math.min(1100, shownWidth || 1100)));
  const narrow = width < 640;
  const laneH = narrow ? 44 : 34, left = narrow ? 4 : 250, right = narrow ? 8 : 20, top = 8, axis = 26;
  const head = narrow ? 16 : 0; // the lane's name, above it
  const height = top + laneH * Math.max(1, triggers.length) + axis;
  const eps = m.episodes.filter(e => shown.includes(e.trigger));
  const t0 = Math.min(...eps.map(e => Date.parse(e.start)), Date.parse(m.from || eps[0].start));
  const t1 = Math.max(...eps.map(e => Date.parse(e.end)), Date.parse(m.to || eps[0].end), t0 + 86400000);
  const X = t => left + (t - t0) / (t1 - t0) * (width - left - right);
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'chart', role: 'group',
    'aria-label': `Timeline of ${eps.filter(e => !rejected(e)).length} breaches`, id: 'breach-timeline'});
  triggers.forEach((t, i) => {
    const y = top + i * laneH;
    svg.append(s('rect', {x: left, y: y + 3 + head, width: width - left - right, height: laneH - 6 - head, class: 'lane'}),
      s('text', narrow ? {x: left, y: y + 14, 'text-anchor': 'start', class: 'tick'} : {x: left - 8, y: y + laneH / 2 + 4, 'text-anchor': 'end', class: 'tick'},
        `${t.trigger} (${real[t.trigger] || 0})`,
        s('title', {}, t.title || t.trigger)));
  });
  const lane = Object.fromEntries(triggers.map((t, i) => [t.trigger, i]));
  m.episodes.forEach((e, idx) => {
    if (!(e.trigger in lane)) return;
    const y = top + lane[e.trigger] * laneH;
    const x0 = X(Date.parse(e.start)), x1 = Math.max(X(Date.parse(e.end)), x0 + 3);
    const no = rejected(e);
    const status = no ? ', rejected as a false alarm' : e.status && e.status !== 'detected' ? `, ${e.status}` : '';
    const a = s('a', {href: `#ep-${idx}`, 'aria-label': `${e.title || e.trigger}, ${dateTime(e.start)} to ${dateTime(e.end)}, ${e.firings} firings${status}`},
      s('rect', {x: x0, y: y + 7 + head, width: x1 - x0, height: laneH - 14 - head, fill: no ? '#b9c0c8' : SEVERITY[e.severity] || '#0072B2', class: no ? 'episode rejected' : 'episode'},
        s('title', {}, `${e.title || e.trigger}: ${day(e.start)} – ${day(e.end)}, ${e.firings} firings${status}`)));
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
  const every = Math.max(1, Math.ceil(ticks.length / Math.max(2, Math.min(10, Math.floor((width - left - right) / 80)))));
  ticks.filter((_, i) => i % every === 0).forEach(t => {
    svg.append(s('line', {x1: X(t), x2: X(t), y1: top, y2: height - axis, class: 'grid'}),
      s('text', {x: X(t), y: height - 8, 'text-anchor': 'middle', class: 'tick'}, new Date(t).toISOString().slice(0, 7)));
  });
  const now = Date.now();
  if (now > t0 && now < t1) svg.append(s('line', {x1: X(now), x2: X(now), y1: top, y2: height - axis, class: 'marker'}));
  return svg;
}

// A breach's status: "detected" (by backstop, with no finding yet) or the
// status of the monitor's finding in force. The badge says it in words;
// its colour only repeats them.
const STATUS = {
  detected: ['neutral', 'detected'],
  reported: ['pending', 'reported'],
  verified: ['failed', 'verified'],
  attributed: ['failed', 'attributed'],
  'not-attributed': ['pending', 'not attributed'],
  closed: ['neutral', 'closed'],
  rejected: ['neutral', 'rejected'],
};

// rejected says whether a breach is a false alarm by its finding: shown,
// struck, and counted among no breaches.
export const rejected = e => e.status === 'rejected';

function statusBadge(e) {
  const st = e.status || 'detected';
  const [cls, label] = STATUS[st] || ['neutral', st];
  const by = e.finding && e.finding.party;
  return h('span', {class: `badge ${cls}`, 'data-status': st},
    st === 'rejected' ? `rejected by ${by || 'the monitor'}: false alarm` : label);
}

// A response's state (the worst of its parties') and each party's, in
// words; "overdue" only where nothing was filed by the deadline.
const STATE = {
  overdue: 'overdue', declined: 'failed', late: 'due', pending: 'pending', 'on-time': 'verified', 'not-due': 'neutral',
};

export function stateText(p) {
  switch (p.state) {
    case 'on-time': return 'on time';
    case 'late': return p.late_by ? `late by ${p.late_by}` : 'late';
    case 'declined': return 'declined';
    case 'pending': return p.due_in ? `pending, due in ${p.due_in}` : 'pending';
    case 'overdue': return 'overdue: nothing filed';
    case 'not-due': return 'not due (false alarm)';
    default: return p.state || '–';
  }
}

function stateBadge(state, text) {
  return h('span', {class: `badge ${STATE[state] || 'neutral'}`, 'data-state': state}, text);
}

// The response's deadline, and where the parties stand on it.
function deadline(r) {
  if (r.mode === 'automatic') return h('span', {}, 'automatic, at once: ', dateTime(r.due));
  return h('span', {}, `${r.mode} within ${r.within}: due ${dateTime(r.due)}`);
}

// field reads a JSON field by its name or by Go's default (the exported
// field's name), whichever the API gives.
const field = (o, k) => o[k] !== undefined ? o[k] : o[k.toUpperCase()] !== undefined ? o[k.toUpperCase()] : o[k[0].toUpperCase() + k.slice(1)];

// safeURL is the address an evidence item may link to: http and https
// only; anything else stays text.
export function safeURL(u) {
  try {
    const url = new URL(String(u));
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export function evidence(ev) {
  const url = field(ev, 'url'), sha = field(ev, 'sha256'), text = field(ev, 'note');
  const href = url ? safeURL(url) : null;
  const parts = [];
  if (url) parts.push(href ? h('a', {href, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'evidence-link'}, url) : h('span', {class: 'evidence-url'}, url));
  if (sha) parts.push(h('span', {}, 'SHA-256 ', h('code', {class: 'mono sha', title: sha}, `${String(sha).slice(0, 12)}…`)));
  if (text) parts.push(h('span', {}, text));
  return h('li', {}, parts.flatMap((x, i) => i ? [' · ', x] : [x]));
}

function finding(e) {
  const f = e.finding;
  if (!f) return note('No monitor has filed a finding on this breach: detected by backstop only.');
  return h('div', {class: 'finding'},
    h('h3', {}, 'Finding'),
    h('p', {},
      h('strong', {}, f.party), ` found it ${(STATUS[f.status] || [null, f.status])[1]} on ${dateTime(f.date)}`,
      f.attributed_to ? [', attributed to ', h('strong', {}, f.attributed_to)] : null,
      ' ', h('span', {class: 'note'}, `(${f.id}${f.earlier ? `; supersedes ${f.earlier} earlier finding${f.earlier === 1 ? '' : 's'}` : ''})`), '.'),
    f.evidence && f.evidence.length ? [h('p', {class: 'note'}, 'Evidence:'), h('ul', {class: 'plain-list evidence'}, f.evidence.map(evidence))] : null,
    f.reply ? h('p', {}, h('strong', {}, 'Reply: '), f.reply) : null,
    f.note ? h('p', {class: 'note'}, f.note) : null);
}

function delivered(p) {
  const d = p.delivered || [];
  if (!d.length) return null;
  return h('div', {class: 'note'}, 'delivered: ', d.map(x => `${field(x, 'pledge')} ${num(field(x, 'quantity'))}`).join(', '));
}

function parties(r) {
  const ps = r.parties || [];
  if (!ps.length) return null;
  return h('div', {class: 'table-wrap'}, h('table', {class: 'parties'},
    h('thead', {}, h('tr', {}, ['party', 'state', 'action', 'filed'].map(c => h('th', {}, c)))),
    h('tbody', {}, ps.map(p => h('tr', {'data-party': p.party, 'data-state': p.state},
      h('td', {}, p.party),
      h('td', {class: 'party-state'}, stateBadge(p.state, stateText(p))),
      h('td', {}, p.action ? [p.action, p.collective ? ' (by the secretariat, for all)' : '', p.action_id ? h('span', {class: 'note'}, ` · ${p.action_id}`) : null, delivered(p)] : '–'),
      h('td', {}, p.at ? dateTime(p.at) : '–'))))));
}

function cause(e) {
  const c = e.cause;
  if (c.kind === 'snapshot' && c.territory) {
    const t = c.territory;
    return `map of ${t.snapshot}: ${num(t.gained_km2)} km² taken beyond the ceasefire line, ${num(t.lost_km2)} km² freed`;
  }
  return `incident ${c.incident} (${c.type}${c.admin1 ? ', ' + c.admin1 : ''})`;
}

// counts says how many responses are in each state, worst first.
function counts(e) {
  const by = {};
  for (const r of e.responses) if (r.state && r.state !== 'not-due') by[r.state] = (by[r.state] || 0) + 1;
  return ['overdue', 'declined', 'late', 'pending', 'on-time'].filter(st => by[st])
    .map(st => [stateBadge(st, `${by[st]} ${st === 'on-time' ? 'on time' : st}`), ' ']);
}

export function episode(e, idx) {
  const no = rejected(e);
  return h('details', {id: `ep-${idx}`, 'data-trigger': e.trigger, 'data-breach': e.id, 'data-status': e.status || 'detected', class: no ? 'rejected' : null},
    h('summary', {},
      h('span', {class: `sev ${e.severity}`}, e.severity), h('strong', {class: 'ep-title'}, e.title || e.trigger), ' ',
      e.id ? [h('code', {class: 'mono breach-id'}, e.id), ' '] : null, statusBadge(e), ' ',
      h('span', {class: 'when'}, `${dateTime(e.start)} → ${dateTime(e.end)}`), ` · ${num(e.firings)} firing${e.firings === 1 ? '' : 's'} `,
      no ? null : counts(e)),
    h('p', {}, 'Began with ', cause(e), '.',
      e.incidents.length > 1 ? ` First incidents: ${e.incidents.join(', ')}.` : ''),
    finding(e),
    h('h3', {}, 'Responses'),
    e.responses.length ? h('ul', {}, e.responses.map(r => h('li', {'data-response': r.response, 'data-state': r.state || null},
      h('strong', {}, r.title || r.response), ' — ', deadline(r),
      r.state ? [' — ', stateBadge(r.state, r.state === 'not-due' ? 'not due' : r.state === 'on-time' ? 'on time' : r.state)] : null,
      r.domains.length ? h('span', {class: 'note'}, ` · domains ${r.domains.join(', ')}`) : null,
      parties(r),
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

// account sums up the findings and actions the record holds, and warns of
// those that name no breach of the report.
function account(m) {
  const a = m.account;
  if (!a) return null;
  const un = a.unmatched || [];
  return h('div', {id: 'breach-account'},
    h('p', {}, `Account as of ${dateTime(a.as_of)}: ${num(a.findings)} finding${a.findings === 1 ? '' : 's'} and ${num(a.actions)} action${a.actions === 1 ? '' : 's'} matched to breaches; `,
      `${num(a.rejected)} breach${a.rejected === 1 ? '' : 'es'} rejected as false alarm${a.rejected === 1 ? '' : 's'}. `,
      'A response is overdue when no party expected to act filed anything by its deadline.'),
    un.length ? h('p', {class: 'warn-line', role: 'status', id: 'account-unmatched'},
      h('strong', {}, 'Warning: '), `${num(un.length)} finding${un.length === 1 ? '' : 's'} or action${un.length === 1 ? ' names' : 's name'} no breach of this report: `,
      un.map((id, i) => [i ? ', ' : '', h('code', {}, id)])) : null);
}

export default {
  title: 'Breaches',
  mount(root, ctx) {
    let current = ctx;
    let report = null;
    let limit = PAGE;
    let gen = 0;
    const show = () => {
      const at = current.at;
      // As of a day: the breaches that began on or before it.
      const m = at ? {...report, episodes: report.episodes.filter(e => day(e.start) <= at)} : report;
      const later = report.episodes.length - m.episodes.length;
      const asked = current.params.get('trigger');
      const shown = asked ? [asked] : m.triggers.map(t => t.trigger);
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
      // Breaches rejected as false alarms are listed, struck, but counted
      // nowhere.
      const real = {};
      for (const e of m.episodes) if (!rejected(e)) real[e.trigger] = (real[e.trigger] || 0) + 1;
      const breaches = m.episodes.filter(e => !rejected(e)).length;
      const falseAlarms = m.episodes.length - breaches;
      const chips = m.triggers.map(t => h('button', {class: 'chip', type: 'button', 'data-trigger': t.trigger, 'aria-pressed': String(asked === t.trigger),
        on: {click: () => current.setParams({trigger: asked === t.trigger ? null : t.trigger}, {push: true})}},
      `${t.title || t.trigger} · ${num(real[t.trigger] || 0)}`));
      const listed = list.filter(([e]) => !rejected(e)).length;
      root.replaceChildren(h('h1', {}, 'Breaches'),
        section(null,
          at ? h('p', {id: 'breach-asof', class: 'note'}, `As of ${at}: the breaches that began on or before that day`,
            later ? ` (${num(later)} more began after it and are not shown)` : '',
            '. Their findings and the responses’ states are as the record stands now: the API’s monitoring has no “as of” date.') : null,
          h('p', {id: 'breach-summary'}, `${num(breaches)} breach${breaches === 1 ? '' : 'es'} of ${m.triggers.filter(t => real[t.trigger]).length} of ${m.triggers.length} triggers`,
            m.from ? ` between ${dateTime(m.from)} and ${dateTime(m.to)}` : '', `; ${num(m.incidents)} incidents and ${num(m.snapshots)} maps evaluated. `,
            `A breach groups firings of a trigger less than ${m.quiet_period} apart.`,
            falseAlarms ? ` ${num(falseAlarms)} more ${falseAlarms === 1 ? 'was' : 'were'} rejected by the monitor as false alarm${falseAlarms === 1 ? '' : 's'}, and ${falseAlarms === 1 ? 'is' : 'are'} not counted.` : ''),
          account(m),
          h('div', {class: 'filters', role: 'group', 'aria-label': 'Triggers'}, chips),
          m.episodes.length ? h('div', {class: 'timeline-box'}) : note(at && later ? `No trigger had fired by ${at}.` : 'No trigger has fired.')),
        section(`Breaches, newest first (${num(listed)}${list.length > listed ? `; ${num(list.length - listed)} rejected as false alarm${list.length - listed === 1 ? '' : 's'}` : ''})`,
          h('div', {class: 'episodes', id: 'episodes'}, list.slice(0, limit).map(([e, i]) => episode(e, i))),
          list.length > limit ? h('button', {class: 'chip', type: 'button', on: {click: () => { limit += PAGE * 5; show(); }}},
            `Show ${num(Math.min(PAGE * 5, list.length - limit))} more`) : null));
      // The timeline is drawn once its box is on the page, at the box's width.
      const box = root.querySelector('.timeline-box');
      if (box) box.append(timeline(m, shown, pick, real, box.clientWidth));
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
