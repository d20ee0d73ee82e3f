// Track record: each party's record as a guarantor, as `backstop record`
// keeps it, from /v1/frameworks/{id}/record (the same run as the
// breaches page's monitoring): the responses due and how they stand, what
// was delivered, the share acted on, and the grade with the rule that
// gives it written under the table. Sorted by grade then party; a column
// header's button sorts by that column (again: the other way), kept in
// the query as ?sort=COLUMN or ?sort=-COLUMN. A party's id links to its
// pledges on /parties.

import {h, section, problemBox, note} from '../dom.js';
import {num, pct, dateTime} from '../format.js';
import {link} from '../links.js';

// The grades best first, as internal/record's Rule orders them; "—"
// (nothing due yet) after every grade.
const GRADES = ['A', 'B', 'C', 'D', 'F', '—'];

function gradeRank(g) {
  const i = GRADES.indexOf(g);
  return i < 0 ? GRADES.length : i;
}

// The table's columns: the key the query names, the header, whether it is
// a number, how it reads, and how it sorts by default (1: ascending).
const COLUMNS = [
  {key: 'party', label: 'party', text: p => p.party, cmp: (a, b) => a.party.localeCompare(b.party), dir: 1},
  {key: 'due', label: 'due', n: true, text: p => num(p.due), dir: -1},
  {key: 'on_time', label: 'on time', n: true, text: p => num(p.on_time), dir: -1},
  {key: 'late', label: 'late', n: true, text: p => num(p.late), dir: -1},
  {key: 'declined', label: 'declined', n: true, text: p => num(p.declined), dir: -1},
  {key: 'pending', label: 'pending', n: true, text: p => num(p.pending), dir: -1},
  {key: 'overdue', label: 'overdue', n: true, text: p => num(p.overdue), dir: -1},
  {key: 'delivered', label: 'delivered', text: delivered, cmp: (a, b) => total(a) - total(b), dir: -1},
  {key: 'acted', label: 'acted', n: true, text: p => pct(p.acted_share), cmp: (a, b) => (a.acted_share ?? -1) - (b.acted_share ?? -1), dir: -1},
  {key: 'grade', label: 'grade', text: grade, cmp: (a, b) => gradeRank(a.grade) - gradeRank(b.grade), dir: 1},
];

function total(p) {
  return p.delivered.reduce((s, d) => s + d.quantity, 0);
}

function delivered(p) {
  return p.delivered.length ? p.delivered.map(d => `${d.pledge} ${num(d.quantity)}`).join(', ') : 'none';
}

// grade reads as the CLI's table does: the letter and the score, or that
// nothing was due yet.
function grade(p) {
  return p.score === null || p.score === undefined ? `${p.grade} (nothing due yet)` : `${p.grade} (${num(p.score, 2)})`;
}

function gradeClass(g) {
  if (g === 'A' || g === 'B') return 'met';
  if (g === 'C' || g === 'D') return 'partial';
  if (g === 'F') return 'overdue';
  return 'neutral';
}

// parseSort reads ?sort: a column's key, "-" first for the other way.
function parseSort(v) {
  const desc = (v || '').startsWith('-');
  const col = COLUMNS.find(c => c.key === (desc ? v.slice(1) : v));
  return col ? {col, flip: desc} : null;
}

// sorted orders the parties by the column asked for (its own direction,
// reversed with flip), then by grade, then by party id; by grade then
// party when none is asked for.
function sorted(parties, sort) {
  const byGrade = COLUMNS.find(c => c.key === 'grade').cmp;
  const byParty = COLUMNS[0].cmp;
  return parties.slice().sort((a, b) => {
    if (sort) {
      const c = sort.col;
      const d = c.cmp ? c.cmp(a, b) : a[c.key] - b[c.key];
      if (d) return d * c.dir * (sort.flip ? -1 : 1);
    }
    return byGrade(a, b) || byParty(a, b);
  });
}

function summary(r) {
  const t = {due: 0, on_time: 0, late: 0, declined: 0, pending: 0, overdue: 0, not_due: 0};
  for (const p of r.parties) for (const k of Object.keys(t)) t[k] += p[k];
  const owed = r.parties.filter(p => p.due > 0).length;
  return h('p', {id: 'record-summary'},
    `${num(t.due)} response${t.due === 1 ? '' : 's'} due from ${num(owed)} part${owed === 1 ? 'y' : 'ies'}: `,
    `${num(t.on_time)} on time, ${num(t.late)} late, ${num(t.declined)} declined, ${num(t.pending)} pending, ${num(t.overdue)} overdue`,
    t.not_due ? `; ${num(t.not_due)} not due, on breaches rejected as false alarms` : '',
    r.as_of && !r.as_of.startsWith('0001-') ? `. Counted as of ${dateTime(r.as_of)}.` : '.');
}

function table(r, sort, choose) {
  const active = sort || {col: COLUMNS.find(c => c.key === 'grade'), flip: false};
  const head = COLUMNS.map(c => {
    const on = active.col === c;
    const ascending = on && (c.dir === 1) !== active.flip;
    return h('th', {scope: 'col', role: 'columnheader', class: c.n ? 'n' : null, 'aria-sort': on ? (ascending ? 'ascending' : 'descending') : null},
      h('button', {class: 'plain sort', type: 'button', 'data-sort': c.key,
        on: {click: () => choose(on ? (active.flip ? c.key : `-${c.key}`) : c.key)}},
      c.label, on ? h('span', {'aria-hidden': 'true'}, ascending ? ' ▲' : ' ▼') : null));
  });
  // The roles say what the elements are: the narrow layout (app.css)
  // stacks the cells, and a browser may then forget that they are a table.
  const rows = sorted(r.parties, sort).map(p => h('tr', {role: 'row', 'data-party': p.party, 'data-grade': p.grade},
    COLUMNS.map(c => {
      const attrs = {role: 'cell', class: c.n ? 'n' : null, 'data-col': c.key, 'data-label': c.label};
      if (c.key === 'party') {
        return h('th', {scope: 'row', role: 'rowheader', 'data-col': 'party', 'data-label': c.label},
          h('a', {href: link(`/parties#party-${p.party}`), title: `${p.party}: its pledges`}, p.party),
          p.name ? h('small', {class: 'party-name'}, p.name) : null);
      }
      if (c.key === 'grade') return h('td', attrs, h('span', {class: ['badge', gradeClass(p.grade)]}, grade(p)));
      return h('td', attrs, c.text(p));
    })));
  return h('div', {class: 'table-wrap'}, h('table', {class: 'track', id: 'track-record', role: 'table'},
    h('caption', {class: 'visually-hidden'}, 'Each party’s responses as a guarantor, and its grade'),
    h('thead', {role: 'rowgroup'}, h('tr', {role: 'row'}, head)),
    h('tbody', {role: 'rowgroup'}, rows)));
}

export default {
  title: 'Track record',
  mount(root, ctx) {
    let current = ctx;
    let rec = null;
    let gen = 0;
    const show = () => {
      const r = rec;
      const sort = parseSort(current.params.get('sort'));
      root.replaceChildren(h('h1', {}, 'Track record'),
        section(null, summary(r),
          note('Each response a breach called for, party by party: acted on time or late, declined, still pending, or overdue with nothing filed. The breaches are those of the Breaches page; a breach rejected as a false alarm calls for nothing.')),
        section(`Parties (${num(r.parties.length)})`,
          r.parties.length ? table(r, sort, v => current.setParams({sort: v}, {push: true})) : note('No party has a response due, and the framework names no guarantor.'),
          h('p', {class: 'rule', id: 'record-rule'}, h('strong', {}, 'Grade: '), r.rule, '.'),
          note('Delivered sums the quantities the parties’ actions delivered, by pledge. Acted is (on time + late) / (on time + late + declined + overdue), – when none of these.')));
    };
    const load = async c => {
      current = c;
      const mine = ++gen;
      try {
        const r = await c.api.get(`/v1/frameworks/${c.framework}/record`, {signal: c.signal});
        if (mine !== gen) return;
        rec = r;
        show();
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) root.replaceChildren(h('h1', {}, 'Track record'), problemBox(err));
      }
    };
    load(ctx);
    return {update: c => { current = c; if (rec) show(); else load(c); }, refresh: load};
  },
};
