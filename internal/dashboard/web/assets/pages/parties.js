// Parties: each party's pledges in units (guarantors first, then the
// beneficiary, then the others), a section per party at #party-ID, and a
// ranking of the parties by what they pledge per domain, in each domain's
// own units (troops, aircraft, batteries, EUR-bn/yr…), at #ranking.
//
// Everything comes from the assessment at the page's date
// (/v1/frameworks/{id}/assessment?at=): the pledges are those the
// requirements count (requirements[].contributions) or leave out
// (requirements[].excluded), with the approvals of politics. The helpers
// exported here are shared with the overview, the coverage page and the
// lists, so that a figure reads the same on each.

import {h, section, problemBox, note} from '../dom.js';
import {figure, pct, qty} from '../format.js';
import {link} from '../links.js';

// atOf is the page's "as of" date: YYYY-MM-DD, or null for today.
export function atOf(ctx) {
  return ctx.at ?? ctx.params.get('at') ?? null;
}

export function assessmentPath(ctx) {
  const at = atOf(ctx);
  return `/v1/frameworks/${ctx.framework}/assessment${at ? `?at=${encodeURIComponent(at)}` : ''}`;
}

// linkTo is link() with the page's date kept and an anchor.
export function linkTo(ctx, path, anchor) {
  const at = atOf(ctx);
  return link(path, at ? {at} : {}) + (anchor ? `#${anchor}` : '');
}

export function partyAnchor(id) {
  return `party-${id}`;
}

// partyLink links a party's id to its section of /parties.
export function partyLink(ctx, id) {
  return h('a', {href: linkTo(ctx, '/parties', partyAnchor(id)), 'data-party-link': id}, id);
}

// domainCoverage is a domain's coverage on the date as the API gives it
// (the smallest share among its requirements), written by pct: the one
// text of that figure on every page.
export function domainCoverage(a, domain) {
  const d = a.domains.find(x => x.domain === domain);
  return d ? pct(d.coverage) : '–';
}

// matrixAt is the party × domain matrix on the assessment's date. The
// API's matrix counts every pledge whenever it becomes available (its
// definition, docs/assess.md); on a date, a cell counts only the
// contributions available by then (`now`), with the same rule: the mean,
// over the domain's requirements, of quantity / required. A party keeps
// its row and its cells (at 0 %) while its pledges are still to come.
export function matrixAt(a) {
  const reqsOf = {};
  for (const r of a.requirements) (reqsOf[r.domain] ||= []).push(r);
  const rows = a.matrix.rows.map(row => {
    const cells = {};
    for (const [domain, apiCell] of Object.entries(row.cells)) {
      const reqs = reqsOf[domain] || [];
      const items = [];
      let sum = 0;
      for (const r of reqs) {
        const mine = r.contributions.filter(c => c.party === row.party);
        if (!mine.length) continue;
        const now = mine.filter(c => c.now).reduce((t, c) => t + c.quantity, 0);
        const later = mine.filter(c => !c.now);
        const share = r.required > 0 ? now / r.required : 0;
        sum += share;
        items.push({requirement: r.id, quantity: now, unit: r.unit, share,
          later: later.map(c => ({pledge: c.pledge, quantity: c.quantity, available: c.available}))});
      }
      cells[domain] = {items, share: reqs.length ? sum / reqs.length : 0, whenever: apiCell.share};
    }
    return {party: row.party, cells};
  });
  return {domains: a.matrix.domains, rows};
}

// pledgesOf gathers every pledge the assessment names, by id: the
// requirement(s) it counts towards, or why it does not count, with the
// approval it waits for.
export function pledgesOf(a) {
  const out = new Map();
  const get = (party, id) => {
    if (!out.has(id)) out.set(id, {party, id, domain: null, unit: null, quantity: null, delivered: null, approval: null,
      available: null, now: false, requires: null, counts: [], excluded: []});
    return out.get(id);
  };
  for (const r of a.requirements) {
    for (const c of r.contributions) {
      const p = get(c.party, c.pledge);
      p.domain ??= r.domain;
      if (p.quantity === null) {
        p.quantity = c.quantity;
        p.unit = r.unit;
        p.delivered = c.delivered;
      }
      p.approval ??= c.approval;
      p.available ??= c.available;
      p.now = p.now || c.now;
      p.counts.push({requirement: r.id, title: r.title, posture: r.posture, by: r.by});
    }
    for (const x of r.excluded) {
      const p = get(x.party, x.pledge);
      p.domain ??= r.domain;
      p.excluded.push({requirement: r.id, reason: x.reason, detail: x.detail});
    }
  }
  const pol = a.politics;
  for (const [list, status] of [[pol.awaiting_approval, 'pending'], [pol.rejected, 'rejected']]) {
    for (const x of list) {
      const p = get(x.party, x.pledge);
      p.domain ??= x.domain;
      if (p.quantity === null) {
        p.quantity = x.quantity;
        p.unit = x.unit;
      }
      p.requires = x.requires;
      p.approval ??= status;
    }
  }
  return out;
}

// partyOrder: the guarantors, then the beneficiary, then every other
// party the assessment names, each group by id.
export function partyOrder(a, pledges) {
  const known = new Map(a.parties.map(p => [p.party, p]));
  const others = new Set();
  for (const p of pledges.values()) if (!known.has(p.party)) others.add(p.party);
  const pol = a.politics;
  for (const x of pol.red_line_crossings.concat(pol.caveat_violations)) {
    for (const id of [x.party, x.owner]) if (id && !known.has(id)) others.add(id);
  }
  for (const c of a.commitments) if (!known.has(c.party)) others.add(c.party);
  const byId = (x, y) => x.party.localeCompare(y.party);
  const g = a.parties.filter(p => p.role === 'guarantor').sort(byId);
  const b = a.parties.filter(p => p.role === 'beneficiary').sort(byId);
  const rest = a.parties.filter(p => p.role !== 'guarantor' && p.role !== 'beneficiary')
    .concat([...others].map(id => ({party: id, role: (a.commitments.find(c => c.party === id) || {}).role || 'other'})))
    .sort(byId);
  return g.concat(b, rest);
}

function approvalText(p) {
  if (p.requires && p.approval === 'pending') return `awaiting ${p.requires}`;
  if (p.requires && p.approval === 'rejected') return `rejected by ${p.requires}`;
  return p.approval || '–';
}

function availableText(p) {
  if (p.available) return p.available;
  const by = p.excluded.find(x => x.reason === 'by');
  return by ? by.detail : '–';
}

function countsText(p) {
  const parts = p.counts.map(c => `${c.requirement}${c.posture ? ` (${c.posture})` : ''}${c.by ? `, due ${c.by}` : ''}`);
  for (const x of p.excluded) parts.push(`not ${x.requirement}: ${x.detail}`);
  return parts.join('; ') || '–';
}

function pledgeTable(ctx, a, list) {
  const cols = [
    ['pledge', 'pledge', p => p.id],
    ['domain', 'domain', p => p.domain || '–'],
    ['quantity', 'quantity', p => (p.quantity === null ? 'not in the assessment' : qty(p.quantity, p.unit)), true],
    ['counts', 'counts towards (posture required, deadline)', countsText],
    ['available', 'available', availableText],
    ['approval', 'approval', approvalText],
    ['on-date', `in force on ${a.at}`, p => (p.now ? 'yes' : 'not yet')],
  ];
  return h('div', {class: 'table-wrap'}, h('table', {class: 'pledges'},
    h('thead', {}, h('tr', {}, cols.map(([, label, , n]) => h('th', {scope: 'col', class: n ? 'n' : null}, label)))),
    h('tbody', {}, list.map(p => h('tr', {'data-pledge': p.id, 'data-party': p.party, class: p.now ? null : 'later'},
      cols.map(([key, label, text, n]) => (key === 'pledge'
        ? h('th', {scope: 'row', 'data-col': key, 'data-label': label}, h('code', {}, p.id))
        : h('td', {'data-col': key, 'data-label': label, class: n ? 'n' : null}, text(p)))))))));
}

function partySection(ctx, a, party, list) {
  const name = party.name ? ` — ${party.name}` : '';
  const facts = [];
  if (party.declared) facts.push(`declared ${party.declared}`);
  if (party.money_eur_bn_per_year) facts.push(`${qty(party.money_eur_bn_per_year, 'EUR-bn/yr')} pledged`);
  if (party.money_eur_bn) facts.push(`${qty(party.money_eur_bn, 'EUR-bn')} one-off`);
  if (party.share) facts.push(`${pct(party.share)} of the guarantors’ points`);
  const commitments = a.commitments.filter(c => c.party === party.party);
  return h('section', {class: 'card party', id: partyAnchor(party.party), 'data-party': party.party},
    h('h2', {}, party.party, name, ' ', h('span', {class: 'badge neutral'}, party.role)),
    facts.length ? h('p', {class: 'note'}, facts.join(' · ')) : null,
    list.length ? pledgeTable(ctx, a, list) : note('No pledge.'),
    commitments.length ? h('ul', {class: 'commitments'}, commitments.map(c => h('li', {},
      h('code', {}, c.id), ' ', c.title || '', ` — ${c.status} since ${c.since}`))) : null);
}

// ranking: per domain and unit, the parties by the quantity their
// counted pledges add up to (whenever available), each pledge once, with
// what of it is available on the date.
export function rankingOf(a) {
  const pledges = pledgesOf(a);
  const out = [];
  for (const domain of a.matrix.domains) {
    const byUnit = new Map();
    for (const p of pledges.values()) {
      if (p.domain !== domain || !p.counts.length || p.quantity === null) continue;
      const unit = byUnit.get(p.unit) || new Map();
      byUnit.set(p.unit, unit);
      const row = unit.get(p.party) || {party: p.party, total: 0, now: 0, pledges: []};
      unit.set(p.party, row);
      row.total += p.quantity;
      if (p.now) row.now += p.quantity;
      row.pledges.push(p.id);
    }
    for (const [unit, rows] of byUnit) {
      out.push({domain, unit, rows: [...rows.values()].sort((x, y) => y.total - x.total || x.party.localeCompare(y.party))});
    }
  }
  return out;
}

function rankingSection(ctx, a) {
  const groups = rankingOf(a);
  return h('section', {class: 'card', id: 'ranking'},
    h('h2', {}, 'Ranking by domain'),
    note(`Per domain, in its own units, what each party’s pledges add up to whenever they become available (each pledge once); the dark part is what is available on ${a.at}. Pledges a requirement leaves out (wrong unit, posture or too late) are not counted.`),
    h('div', {class: 'rank-grid'}, groups.map(g => {
      const max = Math.max(...g.rows.map(r => r.total), 1e-9);
      return h('div', {class: 'rank', 'data-domain': g.domain, 'data-unit': g.unit},
        h('h3', {}, g.domain, ' ', h('span', {class: 'unit'}, g.unit),
          h('span', {class: 'rank-cov'}, ' · coverage ', h('span', {class: 'coverage', 'data-domain': g.domain}, domainCoverage(a, g.domain)))),
        h('ol', {}, g.rows.map(r => {
          const bar = h('span', {class: 'rank-bar'});
          bar.style.width = `${(r.total / max) * 100}%`;
          const now = h('span', {class: 'rank-now'});
          now.style.width = r.total ? `${(r.now / r.total) * 100}%` : '0';
          bar.append(now);
          return h('li', {'data-party': r.party, title: r.pledges.join(', ')},
            h('span', {class: 'rank-party'}, partyLink(ctx, r.party)),
            h('span', {class: 'rank-track'}, bar),
            h('span', {class: 'rank-q n'}, figure(r.total, g.unit), r.now < r.total ? h('small', {}, ` (${figure(r.now, g.unit)} now)`) : null));
        })));
    })));
}

function render(root, ctx, a) {
  const pledges = pledgesOf(a);
  const parties = partyOrder(a, pledges);
  const byParty = p => [...pledges.values()].filter(x => x.party === p);
  root.replaceChildren(
    h('h1', {}, 'Parties'),
    section(`Pledges on ${a.at}`,
      h('p', {}, 'Each party’s pledges in units, guarantors first, then the beneficiary, then the others; ',
        h('a', {href: linkTo(ctx, '/parties', 'ranking')}, 'the ranking by domain'), '. See also ',
        h('a', {href: linkTo(ctx, '/lists', 'red-lines')}, 'red lines crossed'), ' and ',
        h('a', {href: linkTo(ctx, '/lists', 'approvals')}, 'pledges awaiting approval'), '.'),
      h('nav', {class: 'party-index', 'aria-label': 'Parties'}, h('ul', {}, parties.map(p => h('li', {}, partyLink(ctx, p.party))))),
      note('The assessment gives each pledge as the requirements count it: the quantity in the requirement’s unit, the posture and deadline the requirement asks for, the approval and the date available. It does not give a pledge’s own posture, readiness or binding class; those are in the party’s signed declaration (the Record page).')),
    rankingSection(ctx, a),
    ...parties.map(p => partySection(ctx, a, p, byParty(p.party))));
  scrollToHash();
}

// scrollToHash brings the anchor of the URL into view once the page is
// drawn (the shell scrolls before the data is in).
export function scrollToHash() {
  if (!location.hash) return;
  const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (el) el.scrollIntoView();
}

// assessmentPage is a page drawn from the assessment at the "as of" date
// (this one and /lists): a newer load wins over an older one still in
// flight, and an error replaces the page under its title.
export function assessmentPage(title, draw) {
  return {
    title,
    mount(root, ctx) {
      let gen = 0;
      const load = async c => {
        const mine = ++gen;
        try {
          const a = await c.api.get(assessmentPath(c), {signal: c.signal});
          if (mine === gen) draw(root, c, a);
        } catch (err) {
          if (err.name !== 'AbortError' && mine === gen) root.replaceChildren(h('h1', {}, title), problemBox(err));
        }
      };
      load(ctx);
      return {update: load, refresh: load};
    },
  };
}

export default assessmentPage('Parties', render);
