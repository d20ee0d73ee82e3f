// Stress test: the simulation of a stored scenario — would the guarantee
// hold? The chance of holding at 24 h, 72 h, 7 d and 30 d, the hours to
// the attacker's objective, what each pledge adds (a tornado), and the
// smallest extra force that would hold.

import {h, section, problemBox, note} from '../dom.js';
import {num, pct} from '../format.js';
import {histogram, tornado} from '../charts.js';

function tile(label, p) {
  const cls = p >= 0.9 ? 'good' : p >= 0.5 ? 'fair' : 'poor';
  return h('div', {class: ['tile', cls], 'data-hold': label}, h('div', {class: 'v'}, pct(p)), h('div', {class: 'k'}, `P(hold) at ${label}`));
}

function render(root, r, scenarios, chosen, select) {
  const picker = h('select', {id: 'scenario-select', 'aria-label': 'Scenario'},
    scenarios.map(sc => h('option', {value: sc.id, selected: sc.id === chosen}, `${sc.id} (entry ${sc.entry})`)));
  picker.addEventListener('change', () => select(picker.value));
  const sc = scenarios.find(x => x.id === chosen);
  const hist = r.histogram.map(b => ({from: b.from_hours, to: b.to_hours, count: b.runs}));
  // Pledges that change nothing at 72 h are named in a line, not drawn.
  const sens = r.sensitivity.filter(x => Math.abs(x.delta) >= 0.0005).map(x => ({label: `${x.party} ${x.pledge} (${x.domain})`, value: x.delta}));
  const idle = r.sensitivity.filter(x => Math.abs(x.delta) < 0.0005).map(x => `${x.party} ${x.pledge}`);
  root.replaceChildren(h('h1', {}, 'Stress test'),
    section(null,
      h('div', {class: 'filters'}, h('label', {for: 'scenario-select'}, 'Scenario '), picker),
      sc && sc.note ? note(sc.note) : null,
      h('p', {class: `verdict ${r.hold_72h >= 0.9 ? 'holds' : 'gaps'}`, id: 'sim-verdict'}, r.verdict),
      note(`${num(r.runs)} runs (seed ${r.seed}) from ${r.start}; objective ${num(r.objective_km)} km deep; horizon ${num(r.horizon_hours)} h.`,
        sc && sc.server_runs < sc.runs ? ` The scenario asks for ${num(sc.runs)} runs; the server runs at most ${num(sc.server_runs)} — backstop simulate runs them all.` : '')),
    section('Would it hold?',
      h('div', {class: 'tiles', id: 'hold-tiles'}, r.within.map(w => tile(w.label, 1 - w.p))),
      note(`The attacker reaches the objective within the horizon in ${pct(r.reached)} of runs; median ${num(r.hours.median)} h (5–95 %: ${num(r.hours.p5)}–${num(r.hours.p95)} h).`)),
    h('div', {class: 'grid2'},
      section('Hours to the objective',
        histogram({bins: hist, xLabel: 'hours', title: 'Runs by the hour the attacker reached the objective',
          markers: [{at: 24, label: '24 h'}, {at: 72, label: '72 h'}, {at: 168, label: '7 d'}, {at: 720, label: '30 d'}]}),
        note('Runs in which the objective was never reached are not in the histogram.')),
      section('What each pledge adds',
        sens.length ? tornado({items: sens, title: 'Change in P(hold 72 h) when each pledge is taken away'})
          : note('No pledge of the guarantors takes part in this scenario.'),
        note(`Each bar is how much P(hold at 72 h) falls without that pledge (${num(r.sensitivity_runs)} runs each, same random numbers).`),
        idle.length ? note(`No change at 72 h without: ${idle.join(', ')} (they arrive later, or are not needed by then).`) : null)),
    h('div', {class: 'grid2'},
      section('Forces in place before the fall',
        h('div', {class: 'table-wrap'}, h('table', {id: 'in-place'},
          h('thead', {}, h('tr', {}, h('th', {}, 'party'), h('th', {}, 'domain'), h('th', {class: 'n'}, 'forces'), h('th', {class: 'n'}, 'P(in place in time)'))),
          h('tbody', {}, r.in_place.map(x => h('tr', {}, h('td', {}, x.party), h('td', {}, x.domain), h('td', {class: 'n'}, num(x.forces)), h('td', {class: 'n'}, pct(x.p))))))),
        note(`${num(r.forces.troops_in_theatre)} guarantor troops in theatre, ${num(r.forces.troops_later)} later, ${num(r.forces.aircraft)} aircraft, from ${num(r.forces.pledges)} pledges.`)),
      section('The smallest extra force that holds',
        h('div', {class: 'table-wrap'}, h('table', {id: 'needed'},
          h('thead', {}, h('tr', {}, h('th', {}, 'extra'), h('th', {class: 'n'}, 'amount'), h('th', {class: 'n'}, 'P(hold 72 h) with it'))),
          h('tbody', {}, r.needed.map(n => h('tr', {}, h('td', {}, n.kind), h('td', {class: 'n'}, n.amount > n.max ? `over ${num(n.max)}` : num(n.amount)), h('td', {class: 'n'}, pct(n.hold_72h))))))),
        note('The least added to the guarantors’ side that holds 72 hours in 90 % of runs (0: what is pledged is enough).'))));
}

export default {
  title: 'Stress test',
  mount(root, ctx) {
    let gen = 0;
    const load = async c => {
      const mine = ++gen;
      try {
        const list = await c.api.get(`/v1/frameworks/${c.framework}/scenarios`, {signal: c.signal});
        const scenarios = list.items;
        if (!scenarios.length) {
          root.replaceChildren(h('h1', {}, 'Stress test'), note('The record holds no scenario for this framework: a secretariat or a monitor submits one (docs/simulate.md).'));
          return;
        }
        const asked = c.params.get('scenario');
        const chosen = scenarios.some(x => x.id === asked) ? asked : scenarios[scenarios.length - 1].id;
        root.replaceChildren(h('h1', {}, 'Stress test'), h('p', {class: 'loading'}, `Simulating ${chosen}…`));
        const r = await c.api.get(`/v1/frameworks/${c.framework}/simulation?scenario=${encodeURIComponent(chosen)}`, {signal: c.signal});
        if (mine !== gen) return;
        render(root, r, scenarios, chosen, id => c.setParams({scenario: id}, {push: true}));
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) root.replaceChildren(h('h1', {}, 'Stress test'), problemBox(err));
      }
    };
    load(ctx);
    return {update: load, refresh: load};
  },
};
