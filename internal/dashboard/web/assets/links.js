// Links between the dashboard's pages: the shell's navigation and the pages
// both build them, and neither imports the other for it.

// carried are the query parameters every page shares, kept across links:
// the framework chosen and the header's "as of" day.
const carried = ['framework', 'at'];

// link keeps the framework and the "as of" day (when chosen) across pages;
// params add to them, and a null or undefined one leaves the current
// value out.
export function link(path, params = {}) {
  const u = new URL(path, location.origin);
  const here = new URL(location.href).searchParams;
  for (const k of carried) {
    const v = here.get(k);
    if (v && !u.searchParams.has(k)) u.searchParams.set(k, v);
  }
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) u.searchParams.delete(k);
    else u.searchParams.set(k, v);
  }
  return u.pathname + u.search + u.hash;
}
