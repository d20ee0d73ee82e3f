// The dashboard's shell: the router (each page has its own path, its state
// in the query, so that every view can be linked to), the API client, and
// the live connection to /v1/events, on which the page in view refreshes
// its data without a reload.

import {h, problemBox} from './dom.js';
import {link} from './links.js';
import overview from './pages/overview.js';
import coverage from './pages/coverage.js';
import map from './pages/map.js';
import breaches from './pages/breaches.js';
import guarantors from './pages/guarantors.js';
import stress from './pages/stress.js';
import record from './pages/record.js';
import lists from './pages/lists.js';
import parties from './pages/parties.js';

const routes = {'/': overview, '/coverage': coverage, '/map': map, '/breaches': breaches, '/guarantors': guarantors, '/stress': stress, '/record': record, '/lists': lists, '/parties': parties};

// ApiError carries the API's problem+json (RFC 9457) when it sent one.
export class ApiError extends Error {
  constructor(message, problem) {
    super(message);
    this.problem = problem;
  }
}

async function get(path, {signal} = {}) {
  const r = await fetch(path, {signal, headers: {Accept: 'application/json'}});
  if (!r.ok) {
    let problem = null;
    try {
      problem = await r.json();
    } catch {
      problem = {status: r.status, title: r.statusText};
    }
    throw new ApiError(`${r.status} ${path}`, problem);
  }
  return r.json();
}

const api = {get};

const state = {
  frameworks: [],
  page: null,
  view: null,
  checkpoint: null, // the latest {size, root} of the event stream
  controller: null, // aborts the page's requests when it is left
};

const main = document.getElementById('main');
const live = document.getElementById('live');

function frameworkId(params) {
  const asked = params.get('framework');
  if (asked && state.frameworks.some(f => f.id === asked)) return asked;
  return state.frameworks.length ? state.frameworks[0].id : null;
}

// context is what a page knows of the world.
function context() {
  const url = new URL(location.href);
  const id = frameworkId(url.searchParams);
  return {
    api,
    framework: id,
    info: state.frameworks.find(f => f.id === id) || null,
    params: url.searchParams,
    checkpoint: state.checkpoint,
    signal: state.controller.signal,
    // setParams changes the query: push for a new view (back returns to
    // the previous one), replace for a slider's every step.
    setParams(changes, {push = false} = {}) {
      const u = new URL(location.href);
      for (const [k, v] of Object.entries(changes)) {
        if (v === null || v === undefined || v === '') u.searchParams.delete(k);
        else u.searchParams.set(k, v);
      }
      history[push ? 'pushState' : 'replaceState'](null, '', u);
      updateNav();
      if (push && state.view && state.view.update) state.view.update(context());
    },
  };
}

function updateNav() {
  const path = location.pathname;
  for (const a of document.querySelectorAll('nav.pages a')) {
    const target = a.dataset.path;
    a.href = link(target);
    if (target === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function route() {
  const page = routes[location.pathname];
  updateNav();
  if (page && page === state.page && state.view && state.view.update) {
    state.view.update(context());
    return;
  }
  if (state.view && state.view.unmount) state.view.unmount();
  if (state.controller) state.controller.abort();
  state.controller = new AbortController();
  main.replaceChildren();
  state.page = page;
  state.view = null;
  if (!page) {
    document.title = 'Not found — backstop';
    main.append(h('h1', {}, 'Not found'), h('p', {}, 'No such page; see the pages above.'));
    return;
  }
  document.title = `${page.title} — backstop`;
  const ctx = context();
  const fw = document.getElementById('framework');
  fw.textContent = ctx.info ? `${ctx.info.title || ctx.info.id}` : '';
  if (!ctx.framework) {
    main.append(h('h1', {}, page.title), h('p', {}, 'The record holds no framework yet.'));
    return;
  }
  state.view = page.mount(main, ctx) || null;
}

// Links inside the app navigate without a reload.
document.addEventListener('click', e => {
  const a = e.target.closest && e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || a.target) return;
  const u = new URL(a.href, location.href);
  if (u.origin !== location.origin || !routes[u.pathname]) return;
  e.preventDefault();
  if (u.pathname + u.search !== location.pathname + location.search) history.pushState(null, '', u);
  if (u.hash) {
    route();
    const el = document.getElementById(u.hash.slice(1));
    if (el) el.scrollIntoView();
    return;
  }
  route();
  main.focus({preventScroll: true});
  window.scrollTo(0, 0);
});
window.addEventListener('popstate', route);

// The live connection: each checkpoint event says the log grew; the page
// in view refreshes. EventSource reconnects by itself after a drop.
function connect() {
  const es = new EventSource('/v1/events');
  es.addEventListener('checkpoint', e => {
    const cp = JSON.parse(e.data);
    const grew = state.checkpoint && cp.size !== state.checkpoint.size;
    state.checkpoint = cp;
    live.textContent = `live · ${cp.size} entries`;
    live.className = 'live on';
    if (grew) {
      refreshFrameworks().then(() => {
        if (state.view && state.view.refresh) state.view.refresh(context());
      });
    }
  });
  es.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  });
}

async function refreshFrameworks() {
  try {
    const page = await api.get('/v1/frameworks');
    state.frameworks = page.items;
  } catch {
    // kept as they were: the next event tries again
  }
}

async function start() {
  state.controller = new AbortController();
  try {
    const page = await api.get('/v1/frameworks');
    state.frameworks = page.items;
  } catch (err) {
    main.replaceChildren(problemBox(err));
    return;
  }
  route();
  connect();
}

start();
