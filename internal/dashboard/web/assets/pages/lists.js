// Lists: the rows behind the overview's political figures, each list at
// its anchor — #red-lines (pledges that cross another party's red line),
// #approvals (pledges awaiting a national approval) and #caveats (pledges
// that break their own party's caveat) — from the politics section of the
// assessment at the page's date. A list's row count is the overview's
// figure.

import {h, section, note} from '../dom.js';
import {num, qty} from '../format.js';
import {assessmentPage, linkTo, partyLink, pledgesOf, scrollToHash} from './parties.js';

function table(id, caption, cols, rows) {
  return h('div', {class: 'table-wrap'}, h('table', {class: 'list', id: `${id}-table`},
    h('caption', {class: 'visually-hidden'}, caption),
    h('thead', {}, h('tr', {}, cols.map(c => h('th', {scope: 'col', class: c.n ? 'n' : null}, c.label)))),
    h('tbody', {}, rows.map(r => h('tr', {'data-party': r.party, 'data-pledge': r.pledge},
      cols.map(c => h('td', {'data-col': c.key, 'data-label': c.label, class: c.n ? 'n' : null}, c.cell(r))))))));
}

function quantityOf(pledges, id) {
  const p = pledges.get(id);
  return p && p.quantity !== null ? qty(p.quantity, p.unit) : '–';
}

function restrictionCols(ctx, pledges, ownerLabel) {
  return [
    {key: 'party', label: 'party', cell: r => partyLink(ctx, r.party)},
    {key: 'pledge', label: 'pledge', cell: r => h('code', {}, r.pledge)},
    {key: 'quantity', label: 'quantity', n: true, cell: r => quantityOf(pledges, r.pledge)},
    {key: 'owner', label: ownerLabel, cell: r => (r.owner ? partyLink(ctx, r.owner) : '–')},
    {key: 'restriction', label: 'restriction', cell: r => h('code', {}, r.restriction)},
    {key: 'note', label: 'seed / note', cell: r => r.note || '–'},
  ];
}

function render(root, ctx, a) {
  const pol = a.politics;
  const pledges = pledgesOf(a);
  const red = pol.red_line_crossings;
  const wait = pol.awaiting_approval;
  const cav = pol.caveat_violations;
  const count = (n, one, many) => `${num(n)} ${n === 1 ? one : many}`;
  root.replaceChildren(
    h('h1', {}, 'Lists'),
    note(`On ${a.at}. Each list is what a figure of the `, h('a', {href: linkTo(ctx, '/')}, 'overview'),
      ' counts; a party links to its pledges on ', h('a', {href: linkTo(ctx, '/parties')}, 'Parties'), '.'),
    h('section', {class: 'card', id: 'red-lines', 'data-count': red.length},
      h('h2', {}, `Red lines crossed: ${count(red.length, 'pledge', 'pledges')}`),
      red.length
        ? table('red-lines', 'Pledges that cross another party’s red line', restrictionCols(ctx, pledges, 'whose red line'), red)
        : note('No pledge crosses another party’s red line.'),
      note('A red line is what a party says it will not accept (for instance, troops of NATO members in Ukraine); a pledge that falls under another party’s red line crosses it. A red line is a voice, never a veto: it changes no coverage. The restriction is named by its id; what it forbids (domains, postures, tags) is set in the framework, not in the assessment.')),
    h('section', {class: 'card', id: 'approvals', 'data-count': wait.length},
      h('h2', {}, `Pledges awaiting approval: ${count(wait.length, 'pledge', 'pledges')}`),
      wait.length
        ? table('approvals', 'Pledges that wait for a national approval', [
          {key: 'party', label: 'party', cell: r => partyLink(ctx, r.party)},
          {key: 'pledge', label: 'pledge', cell: r => h('code', {}, r.pledge)},
          {key: 'domain', label: 'domain', cell: r => r.domain},
          {key: 'quantity', label: 'quantity', n: true, cell: r => qty(r.quantity, r.unit)},
          {key: 'requires', label: 'must be approved by', cell: r => r.requires},
        ], wait)
        : note('No pledge waits for an approval.'),
      note('A pledge whose declaration says it requires a vote (a parliament’s, for instance) counts as conditional until that vote approves it.')),
    h('section', {class: 'card', id: 'caveats', 'data-count': cav.length},
      h('h2', {}, `Caveats broken: ${cav.length ? count(cav.length, 'pledge', 'pledges') : 'none'}`),
      cav.length
        ? table('caveats', 'Pledges that break their own party’s caveat', restrictionCols(ctx, pledges, 'whose caveat'), cav)
        : note('No pledge breaks its own party’s caveat.'),
      note('A caveat is what a party says it will not do, whatever it pledges (for instance, no ground troops in theatre); a pledge that falls under its own party’s caveat breaks it. Validation refuses such a declaration, so an assessment of valid documents lists none; the list is there for documents a server has stored.')),
    pol.rejected.length ? section(`Pledges rejected: ${num(pol.rejected.length)}`,
      table('rejected', 'Pledges whose approval was refused', [
        {key: 'party', label: 'party', cell: r => partyLink(ctx, r.party)},
        {key: 'pledge', label: 'pledge', cell: r => h('code', {}, r.pledge)},
        {key: 'quantity', label: 'quantity', n: true, cell: r => qty(r.quantity, r.unit)},
        {key: 'requires', label: 'refused by', cell: r => r.requires},
      ], pol.rejected)) : '');
  scrollToHash();
}

export default assessmentPage('Lists', render);
