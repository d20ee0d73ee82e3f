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

// problemBox shows an API refusal or a failure to reach it.
export function problemBox(err) {
  const p = err && err.problem;
  return h('div', {class: 'problem', role: 'alert'},
    h('strong', {}, p ? `${p.status} ${p.title}` : 'The server could not be reached'),
    ': ', p ? (p.detail || p.type) : String(err && err.message || err));
}

// note is a quiet explanatory paragraph.
export function note(...children) {
  return h('p', {class: 'note'}, ...children);
}
