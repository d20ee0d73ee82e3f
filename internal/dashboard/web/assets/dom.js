// Building DOM and SVG without innerHTML: every text goes in as text, so
// nothing from the API can become markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'text') {
      el.textContent = v;
    } else if (k === 'class' && Array.isArray(v)) {
      el.setAttribute('class', v.filter(Boolean).join(' '));
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h('p', {class: 'x'}, 'text', child…) makes an HTML element.
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// s('rect', {x: 1}) makes an SVG element.
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

// section makes a titled card.
export function section(title, ...children) {
  return h('section', {class: 'card'}, title ? h('h2', {}, title) : null, ...children);
}

// ApiError is an HTTP error answer of the API, with its problem+json
// (RFC 9457) when it sent one, or {status, title} from the status line.
export class ApiError extends Error {
  constructor(message, problem) {
    super(message);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

// NetworkError is a request that got no answer: the server is down, the
// connection dropped, or the body was cut short. Only the API client
// (app.js) makes one, from fetch's own failure, so that a TypeError thrown
// by a page's code is never taken for an unreachable server.
export class NetworkError extends Error {
  constructor(message, cause) {
    super(message);
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

// problemKind says what went wrong: 'network' (no answer), 'api' (an
// HTTP error answer) or 'bug' (an exception in the dashboard's own code).
export function problemKind(err) {
  if (err instanceof NetworkError) return 'network';
  if (err instanceof ApiError || (err && err.problem)) return 'api';
  return 'bug';
}

// problemBox says what went wrong, in the words its kind calls for.
export function problemBox(err) {
  const kind = problemKind(err);
  const message = String(err && err.message || err);
  let head, text;
  switch (kind) {
    case 'network':
      head = 'The server could not be reached';
      text = message;
      break;
    case 'api': {
      const p = err.problem;
      head = [p.status, p.title].filter(x => x !== undefined && x !== null && x !== '').join(' ') || 'The server refused the request';
      text = p.detail || p.type || message;
      break;
    }
    default:
      head = 'This page failed to draw the data (a bug in the dashboard)';
      text = message;
  }
  return h('div', {class: 'problem', role: 'alert', 'data-kind': kind, title: kind === 'bug' && err && err.stack ? err.stack : null},
    h('strong', {}, head), ': ', text);
}

// note is a quiet explanatory paragraph.
export function note(...children) {
  return h('p', {class: 'note'}, ...children);
}
