// The dashboard's shell: the router (each page has its own path, its state
// in the query, so that every view can be linked to), the API client, and
// the live connection to /v1/events, on which the page in view refreshes
// its data without a reload, and retries what failed when the stream
// comes back. The header's one "as of" date is the query's `at`, which
// every page reads as ctx.at.

import {h, problemBox, ApiError, NetworkError} from './dom.js';
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

export {ApiError, NetworkError};

// get asks the API for JSON. Its errors say what failed: NetworkError when
// no answer came (fetch's own TypeError, or a body cut short), ApiError
// with the problem+json for an HTTP error; an AbortError passes through.
async function get(path, {signal} = {}) {
  let r;
  try {
    r = await fetch(path, {signal, headers: {Accept: 'application/json'}});
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new NetworkError(`no answer to ${path} (${err.message})`, err);
  }
  if (!r.ok) {
    let problem = null;
    try {
      problem = await r.json();
    } catch {
      // not problem+json: the status line says what it can
    }
    if (!problem || typeof problem !== 'object') problem = {status: r.status, title: r.statusText};
    if (problem.status === undefined) problem.status = r.status;
    throw new ApiError(`${r.status} ${path}`, problem);
  }
  try {
    return await r.json();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    if (err instanceof SyntaxError) {
      throw new ApiError(`${path}: not JSON`, {status: r.status, title: 'Not JSON', detail: `the answer to ${path} is not JSON: ${err.message}`});
    }
    throw new NetworkError(`the answer to ${path} was cut short (${err.message})`, err);
  }
}

export const api = {get};

const state = {
  frameworks: [],
  page: null,
  view: null,
  checkpoint: null, // the latest {size, root} of the event stream
  controller: null, // aborts the page's requests when it is left
};

const main = document.getElementById('main');
const live = document.getElementById('live');
const asOf = document.getElementById('as-of');

// atParam is the query's `at` when it is a day (YYYY-MM-DD), else null:
// the latest.
function atParam(params) {
  const v = params.get('at');
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : null;
}

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
    at: atParam(url.searchParams), // the header's "as of" day, or null for the latest
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
      if (push) route();
      else updateNav();
    },
  };
}

function updateNav() {
  const path = location.pathname;
  if (asOf) asOf.value = atParam(new URL(location.href).searchParams) || '';
  for (const a of document.querySelectorAll('nav.pages a')) {
    const target = a.dataset.path;
    a.href = link(target);
    if (target === path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// route draws the page the address names: the page in view updates when it
// can, else it is drawn anew (as it is when remount is asked).
function route({remount = false} = {}) {
  const page = routes[location.pathname];
  updateNav();
  if (!remount && page && page === state.page && state.view && state.view.update) {
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
window.addEventListener('popstate', () => route());

// The "as of" control sets the query's `at` (empty: the latest) for every
// page; a new day is a new view, which back returns from.
if (asOf) {
  asOf.addEventListener('change', () => {
    const v = asOf.value;
    const u = new URL(location.href);
    if (v && /^\d{4}-\d{2}-\d{2}$/.test(v)) u.searchParams.set('at', v);
    else u.searchParams.delete('at');
    if (u.search === location.search) return;
    history.pushState(null, '', u);
    route();
  });
}

// showsProblem says whether the page in view shows an error.
const showsProblem = () => main.querySelector('.problem[role="alert"]') !== null;

// reload fetches the page in view anew: its refresh, else a new mount.
function reload() {
  if (state.view && state.view.refresh) state.view.refresh(context());
  else route({remount: true});
}

function liveOn() {
  live.textContent = state.checkpoint ? `live · ${state.checkpoint.size} entries` : 'live';
  live.className = 'live on';
}

// The live connection: each checkpoint event says the log grew; the page
// in view refreshes. EventSource reconnects by itself after a drop (and a
// new one is opened, with backoff, when it gives up); when the stream is
// back, a page that shows an error fetches again.
let down = false;
let streamRetry = 0;
let stream = null;
// A page left (or kept in the back-forward cache) closes its stream, so
// that held streams never use up the browser's six connections to the
// server; one shown again from that cache opens a new one.
window.addEventListener('pagehide', () => { if (stream) stream.close(); stream = null; });
window.addEventListener('pageshow', e => { if (e.persisted && !stream) connect(); });
function connect() {
  const es = new EventSource('/v1/events');
  stream = es;
  const back = () => {
    streamRetry = 0;
    liveOn();
    if (!down) return;
    down = false;
    if (showsProblem()) refreshFrameworks().then(reload);
  };
  es.addEventListener('open', back);
  es.addEventListener('checkpoint', e => {
    const cp = JSON.parse(e.data);
    const grew = state.checkpoint && cp.size !== state.checkpoint.size;
    state.checkpoint = cp;
    const wasDown = down;
    back();
    if (grew && !wasDown) refreshFrameworks().then(reload);
  });
  es.addEventListener('error', () => {
    down = true;
    live.textContent = 'reconnecting…';
    live.className = 'live off';
    if (es.readyState === EventSource.CLOSED) {
      // Refused (not a dropped connection): EventSource does not retry.
      es.close();
      stream = null;
      setTimeout(() => { if (!stream) connect(); }, backoff(++streamRetry) * 1000);
    }
  });
}

// backoff is the wait, in seconds, before attempt n+1: 1, 2, 4 … 30.
export function backoff(n) {
  return Math.min(30, 2 ** Math.max(0, n - 1));
}

async function refreshFrameworks() {
  try {
    const page = await api.get('/v1/frameworks');
    state.frameworks = page.items;
  } catch {
    // kept as they were: the next event tries again
  }
}

// waitToRetry shows why the start failed and counts down to the next
// attempt (or until "Try now").
function waitToRetry(err, attempt) {
  const wait = backoff(attempt);
  return new Promise(resolve => {
    const line = h('p', {id: 'start-retry', class: 'note', 'aria-live': 'polite', 'data-attempt': attempt});
    let left = wait;
    let timer = null;
    const done = () => {
      clearInterval(timer);
      resolve();
    };
    const say = () => {
      line.textContent = `Attempt ${attempt} failed at ${new Date().toISOString().slice(11, 19)} UTC; attempt ${attempt + 1} in ${left} s…`;
    };
    say();
    timer = setInterval(() => {
      left--;
      if (left <= 0) done();
      else say();
    }, 1000);
    main.replaceChildren(h('h1', {}, 'The dashboard could not start'),
      h('p', {}, 'It could not read the frameworks from /v1/frameworks:'),
      problemBox(err), line,
      h('button', {type: 'button', class: 'chip', id: 'start-now', on: {click: done}}, 'Try now'));
  });
}

async function start() {
  state.controller = new AbortController();
  for (let attempt = 1; ; attempt++) {
    try {
      const page = await api.get('/v1/frameworks');
      state.frameworks = page.items;
      break;
    } catch (err) {
      await waitToRetry(err, attempt);
      const line = document.getElementById('start-retry');
      if (line) line.textContent = `Attempt ${attempt + 1}: asking the server…`;
    }
  }
  route();
  connect();
}

start();
