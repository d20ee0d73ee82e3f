// Coverage: the party × domain matrix (a party or a domain filters it),
// each requirement as a bar of pledged, approved and delivered, and the
// coverage over time with a date slider that reassesses at the chosen day.

import {h, section, problemBox, note} from '../dom.js';
import {num, pct, qty, isoDay, fromDay, DAY} from '../format.js';
import {lineChart, palette} from '../charts.js';
import {assessmentPath, atOf, domainCoverage, linkTo, matrixAt, partyAnchor, scrollToHash} from './parties.js';

function shareClass(share) {
  if (!share) return 'c0';
  if (share < 0.1) return 'c1';
  if (share < 0.25) return 'c2';
  if (share < 0.5) return 'c3';
  return 'c4';
}

function domainColor(domains, d) {
  return palette[Math.max(0, domains.indexOf(d)) % palette.length];
}

// matrixTable shows the matrix on the assessment's date (matrixAt): the
// API's own matrix counts pledges whenever they become available.
function matrixTable(ctx, a, party, domain, select) {
  const names = Object.fromEntries(a.parties.map(p => [p.party, p.name]));
  const m = matrixAt(a);
  const cols = domain ? m.domains.filter(d => d === domain) : m.domains;
  const rows = party ? m.rows.filter(r => r.party === party) : m.rows;
  const head = h('tr', {}, h('th', {scope: 'col'}, 'Party'),
    cols.map(d => h('th', {scope: 'col', class: ['col', d === domain && 'selected']},
      h('button', {class: 'plain', type: 'button', 'data-domain': d, 'aria-pressed': String(d === domain),
        title: d === domain ? 'Show every domain' : `Only ${d}`, on: {click: () => select({domain: d === domain ? null : d})}}, d))));
  const body = rows.map(r => h('tr', {'data-party': r.party, class: r.party === party ? 'selected' : null},
    h('th', {scope: 'row'},
      h('button', {class: 'plain', type: 'button', 'data-party': r.party, 'aria-pressed': String(r.party === party),
        title: r.party === party ? 'Show every party' : `Only ${names[r.party] || r.party}`,
        on: {click: () => select({party: r.party === party ? null : r.party})}}, r.party),
      ' ', h('a', {class: 'note party-link', href: linkTo(ctx, '/parties', partyAnchor(r.party)), title: `${names[r.party] || r.party}: every pledge`}, names[r.party] || 'pledges')),
    cols.map(d => {
      const c = r.cells[d];
      const tip = c ? c.items.map(i => `${i.requirement}: ${qty(i.quantity, i.unit)} on ${a.at} (${pct(i.share)})` +
        i.later.map(l => `; ${l.pledge} ${qty(l.quantity, i.unit)} from ${l.available}`).join('')).join('; ') : 'nothing pledged';
      return h('td', {class: ['cell', shareClass(c && c.share)], title: tip, 'data-domain': d}, c ? pct(c.share) : '·');
    })));
  return h('div', {class: 'table-wrap'}, h('table', {class: 'matrix', id: 'matrix'},
    h('caption', {class: 'visually-hidden'}, 'Share of each domain’s requirements pledged by each party'),
    h('thead', {}, head), h('tbody', {}, body)));
}

function requirementRow(r, party) {
  const scale = Math.max(r.required, r.pledged) * 1.05 || 1;
  const w = v => `${Math.min(100, v / scale * 100).toFixed(2)}%`;
  const bar = h('div', {class: 'reqbar', role: 'img',
    'aria-label': `${r.title || r.id}: pledged ${qty(r.pledged, r.unit)}, approved ${qty(r.approved, r.unit)}, delivered ${qty(r.delivered, r.unit)} of ${qty(r.required, r.unit)} required`});
  const add = (cls, v) => {
    const span = h('span', {class: cls});
    span.style.width = w(v);
    bar.append(span);
  };
  add('pledged', r.pledged);
  add('approved', r.approved);
  add('delivered', r.delivered);
  let mine = null;
  if (party) {
    const q = r.contributions.filter(c => c.party === party && c.now).reduce((t, c) => t + c.quantity, 0);
    if (q > 0) {
      add('party', q);
      mine = h('span', {}, ` · ${party} ${qty(q, r.unit)}`);
    }
  }
  const marker = h('span', {class: 'req', title: `required: ${qty(r.required, r.unit)}`});
  marker.style.left = w(r.required);
  bar.append(marker);
  return h('li', {'data-requirement': r.id, 'data-domain': r.domain},
    h('div', {class: 'name'}, h('strong', {}, r.title || r.id),
      h('small', {}, `layer ${r.layer} · ${r.domain}${r.posture ? ' · ' + r.posture : ''}${r.by ? ' · by ' + r.by : ''}`)),
    bar,
    h('div', {class: 'req-figure'},
      h('span', {class: r.met ? 'met' : 'short'}, `${num(r.pledged)} / ${num(r.required)} ${r.unit} (${pct(r.share)})`),
      h('br'), h('span', {class: 'note'}, `approved ${num(r.approved)} · delivered ${num(r.delivered)}`), mine));
}

function legend() {
  const sw = (color, text) => {
    const i = h('i', {});
    i.style.background = color;
    return h('span', {}, i, text);
  };
  return h('div', {class: 'legend-row'},
    sw('#b7d1ee', 'pledged (available by the date)'), sw('#5b95d3', 'approved'), sw('#1d3557', 'delivered'),
    sw('#b3261e', 'required (the line)'));
}

export default {
  title: 'Coverage',
  mount(root, ctx) {
    let current = ctx;
    let assessment = null;
    let gen = 0;
    const slider = h('input', {type: 'range', id: 'at-slider', step: 1, 'aria-label': 'Assess on this date'});
    const out = h('output', {for: 'at-slider', id: 'at-label'});
    const figures = h('div', {id: 'coverage-figures'});
    root.replaceChildren(h('h1', {}, 'Coverage'),
      section('Date', h('div', {class: 'slider'}, h('label', {for: 'at-slider'}, 'Assessed on'), slider, out),
        note('Pledges count from the day they are available; move the slider (arrow keys step a day, Page Up/Down a month) to reassess on another day.')),
      figures);

    const dayOf = v => isoDay(new Date(Number(v) * DAY));
    let range = null;
    const setRange = a => {
      if (range) return;
      const dates = a.timeline.map(t => t.date).concat([a.at]);
      const lo = Math.floor(fromDay(dates.reduce((x, y) => (x < y ? x : y))).getTime() / DAY) - 30;
      const hi = Math.floor(fromDay(dates.reduce((x, y) => (x > y ? x : y))).getTime() / DAY) + 30;
      range = [lo, hi];
      slider.min = String(lo);
      slider.max = String(hi);
    };
    const show = () => {
      const a = assessment;
      const party = current.params.get('party');
      const domain = current.params.get('domain');
      const select = changes => current.setParams(changes, {push: true});
      const reqs = a.requirements.filter(r => !domain || r.domain === domain);
      const doms = domain ? a.domains.filter(d => d.domain === domain) : a.domains;
      const series = a.matrix.domains.filter(d => !domain || d === domain).map(d => ({
        name: d, color: domainColor(a.matrix.domains, d),
        points: a.timeline.map(t => ({x: t.date, y: t.coverage[d] || 0})),
      }));
      const filters = [];
      if (party) filters.push(h('button', {class: 'chip', type: 'button', 'aria-pressed': 'true', on: {click: () => select({party: null})}}, `party ${party} ✕`));
      if (domain) filters.push(h('button', {class: 'chip', type: 'button', 'aria-pressed': 'true', on: {click: () => select({domain: null})}}, `domain ${domain} ✕`));
      figures.replaceChildren(
        section(`Domains on ${a.at}`,
          h('div', {class: 'tiles', id: 'domain-tiles'}, doms.map(d => h('div', {class: ['tile', d.coverage >= 1 ? 'good' : d.coverage >= 0.5 ? 'fair' : 'poor'], 'data-domain': d.domain},
            h('div', {class: 'v coverage', 'data-domain': d.domain}, domainCoverage(a, d.domain)), h('div', {class: 'k'}, `${d.domain}: ${d.met}/${d.requirements} met`))))),
        section('Who covers what',
          h('div', {class: 'filters'}, filters.length ? filters : note('Choose a party (row) or a domain (column) to filter; choose it again to clear.')),
          matrixTable(current, a, party, domain, select),
          note(`Each cell is the share of the domain’s requirements that the party’s pledges available by ${a.at} cover (the mean over the domain’s requirements of quantity ÷ required); a party whose pledges come later shows 0 % until they do, · is nothing pledged. A party’s name leads to its pledges.`)),
        section('Requirements',
          legend(),
          h('ul', {class: 'reqs', id: 'requirements'}, reqs.map(r => requirementRow(r, party)))),
        section('Coverage over time',
          lineChart({series, marker: a.at, title: `Coverage of each domain over time${domain ? ' (' + domain + ')' : ''}; the dashed line is 100 %`}),
          h('details', {}, h('summary', {}, 'The same as a table'),
            h('div', {class: 'table-wrap'}, h('table', {},
              h('thead', {}, h('tr', {}, h('th', {}, 'date'), series.map(se => h('th', {class: 'n'}, se.name)))),
              h('tbody', {}, a.timeline.map(t => h('tr', {}, h('td', {}, t.date),
                series.map(se => h('td', {class: 'n'}, pct(t.coverage[se.name] || 0)))))))))));
    };
    const load = async c => {
      current = c;
      const mine = ++gen;
      try {
        const a = await c.api.get(assessmentPath(c), {signal: c.signal});
        if (mine !== gen) return;
        assessment = a;
        setRange(a);
        if (document.activeElement !== slider) slider.value = String(Math.floor(fromDay(a.at).getTime() / DAY));
        out.value = a.at;
        out.textContent = a.at;
        slider.setAttribute('aria-valuetext', a.at);
        show();
        scrollToHash();
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) figures.replaceChildren(problemBox(err));
      }
    };
    let timer = 0;
    slider.addEventListener('input', () => {
      const d = dayOf(slider.value);
      out.textContent = d;
      slider.setAttribute('aria-valuetext', d);
      clearTimeout(timer);
      timer = setTimeout(() => {
        current.setParams({at: d});
        load({...current, at: d, params: new URL(location.href).searchParams});
      }, 120);
    });
    load(ctx);
    return {
      update: c => (assessment && (atOf(c) || assessment.at) === assessment.at ? (current = c, show()) : load(c)),
      refresh: load,
      unmount: () => clearTimeout(timer),
    };
  },
};
