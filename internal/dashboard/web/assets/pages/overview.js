// Overview: the verdict, the sequence of steps with their gates (open or
// blocked, and why), and the log's latest checkpoint.

import {h, section, problemBox, note} from '../dom.js';
import {num, day} from '../format.js';
import {link} from '../links.js';
import {assessmentPath, atOf, domainCoverage, linkTo} from './parties.js';

// kpi is a figure; with href, a link to the list that explains it.
function kpi(value, label, cls, href, id) {
  const body = [h('span', {class: 'v'}, value), h('span', {class: 'k'}, label)];
  return h('li', {class: [cls, href && 'linked'], id}, href ? h('a', {href, class: 'kpi-link'}, body) : body);
}

// coverageTiles: each domain's coverage on the date, the text of
// parties.js's domainCoverage, each a link to the coverage page's domain.
function coverageTiles(ctx, a) {
  return h('ul', {class: 'dom-cov', id: 'domain-coverage'}, a.domains.map(d => h('li', {'data-domain': d.domain, class: d.coverage >= 1 ? 'ok' : 'bad'},
    h('a', {href: link('/coverage', {domain: d.domain, ...(atOf(ctx) ? {at: atOf(ctx)} : {})})},
      h('span', {class: 'k'}, d.domain), ' ', h('span', {class: 'coverage', 'data-domain': d.domain}, domainCoverage(a, d.domain))))));
}

function steps(sequence) {
  if (!sequence.length) return note('The framework sets no sequence of steps.');
  return h('ol', {class: 'steps'}, sequence.map(st => {
    const why = [];
    for (const b of st.blocked_by) why.push(h('li', {}, 'waits for step ', h('strong', {}, b)));
    for (const f of st.failing) {
      const vals = Object.entries(f.values || {}).map(([k, v]) => `${k} = ${v}`).join(', ');
      why.push(h('li', {}, 'gate term false: ', h('code', {}, f.expression), vals ? ` (${vals})` : ''));
    }
    return h('li', {class: st.state, 'data-step': st.id},
      h('strong', {}, st.title || st.id), ' ',
      h('span', {class: `badge ${st.state}`}, st.state === 'open' ? 'open' : 'blocked'),
      st.gate ? h('div', {}, h('span', {class: 'note'}, 'gate: '), h('code', {}, st.gate)) : null,
      why.length ? h('ul', {class: 'why'}, why) : null);
  }));
}

function checkpointCard(ctx, cp) {
  return section('Latest checkpoint of the log',
    h('ul', {class: 'kpis'},
      kpi(num(cp.size), 'entries', null, linkTo(ctx, '/record')),
      h('li', {}, h('span', {class: 'k'}, 'origin'), h('span', {class: 'mono', id: 'checkpoint-origin'}, ' ', cp.origin))),
    h('p', {}, 'Root hash ', h('code', {id: 'checkpoint-root'}, cp.root)),
    h('details', {}, h('summary', {}, 'The signed checkpoint'), h('pre', {}, cp.note)),
    note('Every accepted document is a leaf of this tamper-evident log. ',
      h('a', {href: link('/record')}, 'The record'), ' checks each declaration’s inclusion proof in this browser; ',
      h('code', {}, 'backstop verify --server URL'), ' checks the whole log without trusting the server.'));
}

// breachesLine fills the breaches figure once the monitoring is in: it is
// not needed for the first paint, and takes longer with a year of
// incidents.
async function breachesLine(ctx, into) {
  const set = (value, label, cls) => {
    into.className = [cls, 'linked'].filter(Boolean).join(' ');
    into.replaceChildren(h('a', {href: linkTo(ctx, '/breaches'), class: 'kpi-link'}, h('span', {class: 'v'}, value), h('span', {class: 'k'}, label)));
  };
  try {
    const m = await ctx.api.get(`/v1/frameworks/${ctx.framework}/monitoring`, {signal: ctx.signal});
    // A breach the monitor rejected as a false alarm is not one.
    const eps = m.episodes.filter(e => e.status !== 'rejected');
    if (!eps.length) {
      set('0', `breaches (${num(m.incidents)} incidents, ${num(m.snapshots)} maps evaluated)`, 'ok');
      return;
    }
    const last = eps[eps.length - 1];
    set(num(eps.length), `breaches; the latest ${day(last.start)}`, 'bad');
    into.title = `The latest: ${last.title || last.trigger}, ${day(last.start)}`;
  } catch (err) {
    if (err.name !== 'AbortError') set('?', 'breaches: ' + (err.problem ? err.problem.detail : err.message));
  }
}

function render(root, ctx, a, cp) {
  const pol = a.politics;
  const domainsMet = a.domains.filter(d => d.met === d.requirements).length;
  const reqMet = a.requirements.filter(r => r.met).length;
  const blocked = a.sequence.filter(s => s.state !== 'open').length;
  const breaches = h('li', {id: 'kpi-breaches'}, h('span', {class: 'v'}, '…'), h('span', {class: 'k'}, 'breaches'));
  const verdictClass = reqMet === a.requirements.length && !blocked ? 'holds' : 'gaps';
  root.replaceChildren(
    h('h1', {}, a.framework.title || a.framework.id),
    section(`The guarantee on ${a.at}`,
      h('p', {class: `verdict ${verdictClass}`, id: 'verdict'}, a.verdict),
      h('ul', {class: 'kpis', id: 'kpis'},
        kpi(`${domainsMet}/${a.domains.length}`, 'domains covered', domainsMet === a.domains.length ? 'ok' : 'bad', linkTo(ctx, '/coverage'), 'kpi-domains'),
        kpi(`${reqMet}/${a.requirements.length}`, 'requirements met', reqMet === a.requirements.length ? 'ok' : 'bad', linkTo(ctx, '/coverage', 'requirements'), 'kpi-requirements'),
        kpi(num(pol.red_line_crossings.length), 'red lines crossed', pol.red_line_crossings.length ? 'bad' : 'ok', linkTo(ctx, '/lists', 'red-lines'), 'kpi-red-lines'),
        kpi(num(pol.caveat_violations.length), 'caveats broken', pol.caveat_violations.length ? 'bad' : 'ok', linkTo(ctx, '/lists', 'caveats'), 'kpi-caveats'),
        kpi(num(pol.awaiting_approval.length), 'pledges awaiting approval', null, linkTo(ctx, '/lists', 'approvals'), 'kpi-approvals'),
        breaches),
      coverageTiles(ctx, a),
      note(h('a', {href: link('/coverage')}, 'Coverage'), ' by requirement, party and date; ',
        h('a', {href: link('/breaches')}, 'breaches'), ' and the responses they call for; ',
        h('a', {href: link('/stress')}, 'the stress test'), '.')),
    h('div', {class: 'grid2'},
      section('Sequence', steps(a.sequence),
        note('A step opens when the steps before it are open and its gate holds; the gate is evaluated on the coverage and the declarations in force.')),
      cp ? checkpointCard(ctx, cp) : section('Latest checkpoint of the log', note('…'))));
  // The verdict is the page's meaning: this mark is what the performance
  // figures of docs/dashboard.md measure.
  performance.mark('backstop:meaningful-paint');
  breachesLine(ctx, breaches);
}

export default {
  title: 'Overview',
  mount(root, ctx) {
    let gen = 0;
    const load = async c => {
      const mine = ++gen;
      try {
        const [a, cp] = await Promise.all([
          c.api.get(assessmentPath(c), {signal: c.signal}),
          c.api.get('/v1/log/checkpoint', {signal: c.signal}),
        ]);
        if (mine === gen) render(root, c, a, cp);
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) root.replaceChildren(h('h1', {}, 'Overview'), problemBox(err));
      }
    };
    load(ctx);
    return {update: load, refresh: load};
  },
};
