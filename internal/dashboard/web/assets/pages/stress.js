// Stress test: the simulation of a stored scenario — would the guarantee
// hold? The chance of holding at 24 h, 72 h, 7 d and 30 d, the hours to
// the attacker's objective, what each pledge adds (a tornado), and the
// smallest extra force that would hold. The scenario picker stays on the
// page whatever happens to the simulation below it, and a list the answer
// lacks draws as an empty one.

import {h, section, problemBox, note} from '../dom.js';
import {num, pct} from '../format.js';
import {histogram, tornado} from '../charts.js';

function tile(label, p) {
  const cls = p >= 0.9 ? 'good' : p >= 0.5 ? 'fair' : 'poor';
  return h('div', {class: ['tile', cls], 'data-hold': label}, h('div', {class: 'v'}, pct(p)), h('div', {class: 'k'}, `P(hold) at ${label}`));
}

// list is a list of the answer, or an empty one when it is missing.
const list = x => (Array.isArray(x) ? x : []);

// picker is the scenario chooser: drawn as soon as the scenarios are known.
function picker(scenarios, chosen, select) {
  const sel = h('select', {id: 'scenario-select', 'aria-label': 'Scenario'},
    scenarios.map(sc => h('option', {value: sc.id, selected: sc.id === chosen}, `${sc.id} (entry ${sc.entry})`)));
  sel.addEventListener('change', () => select(sel.value));
  return h('div', {class: 'filters'}, h('label', {for: 'scenario-select'}, 'Scenario '), sel);
}

// render draws a simulation r into body.
function render(body, r, sc, at) {
  const hours = r.hours || {}, forces = r.forces || {};
  const hist = list(r.histogram).map(b => ({from: b.from_hours, to: b.to_hours, count: b.runs}));
  // Pledges that change nothing at 72 h are named in a line, not drawn.
  const sens = list(r.sensitivity).filter(x => Math.abs(x.delta) >= 0.0005).map(x => ({label: `${x.party} ${x.pledge} (${x.domain})`, value: x.delta}));
  const idle = list(r.sensitivity).filter(x => Math.abs(x.delta) < 0.0005).map(x => `${x.party} ${x.pledge}`);
  const inPlace = list(r.in_place), needed = list(r.needed);
  body.replaceChildren(
    section(null,
      sc && sc.note ? note(sc.note) : null,
      at ? note(`The simulation has no “as of” date: it runs the stored scenario from its own start (${r.start || '–'}) with the documents the record holds now, whatever the date above (${at}).`) : null,
      h('p', {class: `verdict ${r.hold_72h >= 0.9 ? 'holds' : 'gaps'}`, id: 'sim-verdict'}, r.verdict),
      note(`${num(r.runs)} runs (seed ${r.seed}) from ${r.start}; objective ${num(r.objective_km)} km deep; horizon ${num(r.horizon_hours)} h.`,
        sc && sc.server_runs < sc.runs ? ` The scenario asks for ${num(sc.runs)} runs; the server runs at most ${num(sc.server_runs)} — backstop simulate runs them all.` : '')),
    section('Would it hold?',
      h('div', {class: 'tiles', id: 'hold-tiles'}, list(r.within).map(w => tile(w.label, 1 - w.p))),
      note(`The attacker reaches the objective within the horizon in ${pct(r.reached)} of runs`,
        hours.median >= 0 ? `; median ${num(hours.median)} h (5–95 %: ${num(hours.p5)}–${num(hours.p95)} h).` : '.')),
    h('div', {class: 'grid2'},
      section('Hours to the objective',
        hist.length ? h('div', {class: 'chart-box', id: 'hours-chart'}) : note('The objective fell in no run: there is no hour to draw.'),
        note('Runs in which the objective was never reached are not in the histogram.')),
      section('What each pledge adds',
        sens.length ? h('div', {class: 'chart-box', id: 'pledge-chart'}) : note('No pledge of the guarantors takes part in this scenario.'),
        note(`Each bar is how much P(hold at 72 h) falls without that pledge (${num(r.sensitivity_runs)} runs each, same random numbers).`),
        idle.length ? note(`No change at 72 h without: ${idle.join(', ')} (they arrive later, or are not needed by then).`) : null)),
    h('div', {class: 'grid2'},
      section('Forces in place before the fall',
        inPlace.length ? h('div', {class: 'table-wrap'}, h('table', {id: 'in-place'},
          h('thead', {}, h('tr', {}, h('th', {}, 'party'), h('th', {}, 'domain'), h('th', {class: 'n'}, 'forces'), h('th', {class: 'n'}, 'P(in place in time)'))),
          h('tbody', {}, inPlace.map(x => h('tr', {}, h('td', {}, x.party), h('td', {}, x.domain), h('td', {class: 'n'}, num(x.forces)), h('td', {class: 'n'}, pct(x.p)))))))
          : h('p', {class: 'note', id: 'in-place'}, 'No guarantor force takes part in this scenario: there is none to put in place.'),
        note(`${num(forces.troops_in_theatre)} guarantor troops in theatre, ${num(forces.troops_later)} later, ${num(forces.aircraft)} aircraft, from ${num(forces.pledges)} pledges.`)),
      section('The smallest extra force that holds',
        needed.length ? h('div', {class: 'table-wrap'}, h('table', {id: 'needed'},
          h('thead', {}, h('tr', {}, h('th', {}, 'extra'), h('th', {class: 'n'}, 'amount'), h('th', {class: 'n'}, 'P(hold 72 h) with it'))),
          h('tbody', {}, needed.map(n => h('tr', {}, h('td', {}, n.kind), h('td', {class: 'n'}, n.amount > n.max || n.amount < 0 ? `over ${num(n.max)}` : num(n.amount)), h('td', {class: 'n'}, pct(n.hold_72h)))))))
          : note('The server did not search for an extra force.'),
        note('The least added to the guarantors’ side that holds 72 hours in 90 % of runs (0: what is pledged is enough).'))));
  // The charts are drawn once their boxes are on the page, at the width
  // they are shown at, so that their text keeps its size on a phone.
  const width = box => Math.round(Math.max(280, Math.min(760, box.clientWidth || 760)));
  const hb = body.querySelector('#hours-chart');
  if (hb) {
    hb.append(histogram({bins: hist, xLabel: 'hours', title: 'Runs by the hour the attacker reached the objective', width: width(hb),
      markers: [{at: 24, label: '24 h'}, {at: 72, label: '72 h'}, {at: 168, label: '7 d'}, {at: 720, label: '30 d'}]}));
  }
  const pb = body.querySelector('#pledge-chart');
  if (pb) pb.append(tornado({items: sens, title: 'Change in P(hold 72 h) when each pledge is taken away', width: width(pb)}));
}

export default {
  title: 'Stress test',
  mount(root, ctx) {
    let gen = 0;
    let known = null; // the scenarios last read, so that the picker stays when a later read fails
    const load = async c => {
      const mine = ++gen;
      const body = h('div', {id: 'sim-body'});
      const select = id => c.setParams({scenario: id}, {push: true});
      const draw = (top, content) => {
        body.replaceChildren(...[content].flat());
        root.replaceChildren(h('h1', {}, 'Stress test'), top, body);
      };
      let scenarios = known;
      try {
        const got = await c.api.get(`/v1/frameworks/${c.framework}/scenarios`, {signal: c.signal});
        if (mine !== gen) return;
        scenarios = known = list(got && got.items);
      } catch (err) {
        if (err.name === 'AbortError' || mine !== gen) return;
        if (!scenarios) {
          draw(null, problemBox(err));
          return;
        }
        // The picker of the last list stays; the error says why it may be stale.
        const chosen = pick(scenarios, c);
        draw(section(null, picker(scenarios, chosen, select)), problemBox(err));
        return;
      }
      if (!scenarios.length) {
        draw(null, note('The record holds no scenario for this framework: a secretariat or a monitor submits one (docs/simulate.md).'));
        return;
      }
      const chosen = pick(scenarios, c);
      const top = section(null, picker(scenarios, chosen, select));
      draw(top, h('p', {class: 'loading'}, `Simulating ${chosen}…`));
      try {
        const r = await c.api.get(`/v1/frameworks/${c.framework}/simulation?scenario=${encodeURIComponent(chosen)}`, {signal: c.signal});
        if (mine !== gen) return;
        render(body, r || {}, scenarios.find(x => x.id === chosen), c.at);
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) body.replaceChildren(problemBox(err));
      }
    };
    load(ctx);
    return {update: load, refresh: load};
  },
};

// pick is the scenario the query asks for, else the latest.
function pick(scenarios, c) {
  const asked = c.params.get('scenario');
  return scenarios.some(x => x.id === asked) ? asked : scenarios[scenarios.length - 1].id;
}
