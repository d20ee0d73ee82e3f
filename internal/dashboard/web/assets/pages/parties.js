// A stub: filled in by the work on issue 22.
import {h} from '../dom.js';

export default {
  title: 'Parties',
  mount(root) {
    root.replaceChildren(h('h1', {}, 'Parties'));
  },
};
