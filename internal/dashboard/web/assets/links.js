// Links between the dashboard's pages: the shell's navigation and the pages
// both build them, and neither imports the other for it.

// link keeps the framework (when one was chosen) across pages.
export function link(path, params = {}) {
  const u = new URL(path, location.origin);
  const fw = new URL(location.href).searchParams.get('framework');
  if (fw) u.searchParams.set('framework', fw);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) u.searchParams.set(k, v);
  return u.pathname + u.search;
}
