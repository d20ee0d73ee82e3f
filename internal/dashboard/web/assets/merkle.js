// RFC 6962 / RFC 9162 Merkle proofs, checked in the browser with WebCrypto:
// the record page does not take the server's word that a declaration is in
// the log, it recomputes the root from the declaration's own bytes.

const enc = new TextEncoder();

function b64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s) {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function sha256(...parts) {
  const n = parts.reduce((t, p) => t + p.length, 0);
  const buf = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

// available says whether this page may use WebCrypto (a secure context:
// https, or http on localhost).
export function available() {
  return Boolean(globalThis.crypto && crypto.subtle);
}

// leafHash is the hash of a log entry's bytes: SHA-256(0x00 ‖ data).
export async function leafHash(text) {
  return b64(await sha256(new Uint8Array([0]), enc.encode(text)));
}

// rootFromInclusion recomputes the root of a tree of size entries from
// the leaf at index and its audit path (RFC 9162 §2.1.3.2), or null when
// the path does not fit the index and size.
export async function rootFromInclusion(index, size, leaf, proof) {
  if (index < 0 || index >= size) return null;
  let fn = index, sn = size - 1;
  let r = unb64(leaf);
  for (const p64 of proof) {
    const p = unb64(p64);
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(new Uint8Array([1]), p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = await sha256(new Uint8Array([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? b64(r) : null;
}

// verifyEntry checks that text is the leaf at index of the tree whose root
// the checkpoint states: the leaf hash matches the text, and the audit
// path leads to the root. It returns {ok, why}.
export async function verifyEntry({text, index, leafHashStated, proof, size, root}) {
  const leaf = await leafHash(text);
  if (leafHashStated && leaf !== leafHashStated) return {ok: false, why: 'the document does not hash to its leaf'};
  const got = await rootFromInclusion(index, size, leaf, proof);
  if (got === null) return {ok: false, why: 'the audit path does not fit the tree'};
  if (got !== root) return {ok: false, why: 'the audit path leads to another root'};
  return {ok: true, why: `in the tree of ${size} entries`};
}
