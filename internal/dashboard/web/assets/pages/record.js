// Record: every declaration in the log with its signer, date and what
// superseded it, and its inclusion proof checked in this browser against
// the latest checkpoint. New declarations appear as they are accepted.
// The API's declarations have no as-of date: with the header's "as of" day
// the page says so, and how many were received after it, rather than
// guess at the record of that day.

import {h, section, problemBox, note} from '../dom.js';
import {num, dateTime, day} from '../format.js';
import * as merkle from '../merkle.js';

async function allDeclarations(c) {
  const out = [];
  let next = `/v1/frameworks/${c.framework}/declarations?limit=1000`;
  while (next) {
    const page = await c.api.get(next, {signal: c.signal});
    out.push(...page.items);
    next = page.next || '';
  }
  return out;
}

function keyName(key) {
  // NAME+HASH+KEY: the name and hash identify the key without its bytes.
  const parts = String(key || '').split('+');
  return parts.length >= 2 ? `${parts[0]}+${parts[1]}` : key;
}

// breakable is a long unbroken text (a hash) with places a line may break
// (<wbr>) every 16 characters, so that it wraps on a phone; its text is
// unchanged.
function breakable(text) {
  const t = String(text || '');
  const out = [];
  for (let i = 0; i < t.length; i += 16) out.push(i ? h('wbr', {}) : null, t.slice(i, i + 16));
  return out;
}

export default {
  title: 'Record',
  mount(root, ctx) {
    let gen = 0;
    let seen = null; // entries shown before, to mark the new ones
    const load = async c => {
      const mine = ++gen;
      try {
        const [cp, decls] = await Promise.all([c.api.get('/v1/log/checkpoint', {signal: c.signal}), allDeclarations(c)]);
        if (mine !== gen) return;
        const fresh = seen ? decls.filter(d => !seen.has(d.index)).map(d => d.index) : [];
        seen = new Set(decls.map(d => d.index));
        const rows = new Map();
        const tbody = h('tbody', {}, decls.slice().reverse().map(d => {
          const status = h('span', {class: 'badge checking proof', 'data-status': 'checking'}, 'checking…');
          const tr = h('tr', {'data-entry': d.index, 'data-party': d.subject, class: [d.superseded_by !== undefined && 'superseded', fresh.includes(d.index) && 'new']},
            h('td', {class: 'n'}, h('a', {href: `/v1/log/entries/${d.index}`}, String(d.index))),
            h('td', {}, h('strong', {}, d.subject)),
            h('td', {}, d.date, d.revision ? ` rev. ${d.revision}` : ''),
            h('td', {}, d.signer || 'the server (seeded)', h('br'), h('span', {class: 'mono note'}, keyName(d.key))),
            h('td', {}, dateTime(d.received)),
            h('td', {}, d.superseded_by !== undefined
              ? h('span', {}, 'superseded by ', h('a', {href: `/v1/log/entries/${d.superseded_by}`}, `entry ${d.superseded_by}`))
              : h('span', {class: 'badge force'}, 'in force')),
            h('td', {}, status));
          rows.set(d.index, status);
          return tr;
        }));
        const inForce = decls.filter(d => d.superseded_by === undefined).length;
        const after = c.at ? decls.filter(d => d.received && day(d.received) > c.at).length : 0;
        root.replaceChildren(h('h1', {}, 'Record'),
          c.at ? h('p', {class: 'note', id: 'record-asof'}, `Not as of ${c.at}: the API gives the log as it stands now (it has no “as of” date), so this page shows every declaration`,
            after ? `: ${num(after)} of them ${after === 1 ? 'was' : 'were'} received after ${c.at}.` : `; none was received after ${c.at}.`) : '', // replaceChildren writes null as "null"
          section('The log',
            h('p', {}, `The log has ${num(cp.size)} entries; root `, h('code', {id: 'record-root'}, breakable(cp.root)), ` (origin ${cp.origin}).`),
            h('p', {id: 'proof-summary', 'aria-live': 'polite'}, 'Checking the inclusion proofs…'),
            note('Each declaration’s bytes are hashed here and its audit path is followed up to the checkpoint’s root with this browser’s WebCrypto: a server that showed a declaration it did not log would fail. The checkpoint’s signature, and that the log only grows, are checked by ',
              h('code', {}, 'backstop verify --server URL'), '.')),
          section(`Declarations (${num(decls.length)}, ${num(inForce)} in force)`,
            h('div', {class: 'table-wrap'}, h('table', {id: 'declarations'},
              h('thead', {}, h('tr', {}, ['entry', 'party', 'date', 'signed by', 'received', 'status', 'inclusion proof'].map(t => h('th', {}, t)))),
              tbody))));
        await checkProofs(c, decls, cp, rows, mine);
      } catch (err) {
        if (err.name !== 'AbortError' && mine === gen) root.replaceChildren(h('h1', {}, 'Record'), problemBox(err));
      }
    };
    const checkProofs = async (c, decls, cp, rows, mine) => {
      const summary = document.getElementById('proof-summary');
      if (!merkle.available()) {
        for (const st of rows.values()) {
          st.className = 'badge neutral proof';
          st.dataset.status = 'unchecked';
          st.textContent = 'not checked here';
        }
        summary.textContent = 'This page is not a secure context (https, or http on localhost), so the browser offers no WebCrypto to check the proofs: run backstop verify.';
        return;
      }
      let ok = 0, bad = 0;
      await Promise.all(decls.map(async d => {
        const st = rows.get(d.index);
        try {
          const proof = await c.api.get(`/v1/log/proof/inclusion?index=${d.index}&size=${cp.size}`, {signal: c.signal});
          const res = await merkle.verifyEntry({text: d.note, index: d.index, leafHashStated: d.leaf_hash, proof: proof.proof, size: cp.size, root: cp.root});
          if (mine !== gen) return;
          st.className = `badge ${res.ok ? 'verified' : 'failed'} proof`;
          st.dataset.status = res.ok ? 'verified' : 'failed';
          st.textContent = res.ok ? '✓ included' : `✗ ${res.why}`;
          st.title = res.why;
          if (res.ok) ok++;
          else bad++;
        } catch (err) {
          if (err.name === 'AbortError') return;
          st.className = 'badge failed proof';
          st.dataset.status = 'failed';
          st.textContent = '✗ no proof';
          st.title = err.problem ? err.problem.detail : err.message;
          bad++;
        }
      }));
      if (mine === gen) {
        summary.textContent = bad
          ? `${num(bad)} of ${num(decls.length)} declarations FAILED their inclusion proof against the checkpoint of ${num(cp.size)} entries.`
          : `All ${num(ok)} declarations are in the log: each proof checked in this browser against the checkpoint of ${num(cp.size)} entries.`;
        summary.className = bad ? 'problem' : '';
      }
    };
    load(ctx);
    return {refresh: load};
  },
};
