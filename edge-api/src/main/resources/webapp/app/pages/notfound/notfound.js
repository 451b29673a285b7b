import { h, pageTitle } from '../../lib/dom.js';

export function render(main, { message } = {}) {
  main.append(h('section', { class: 'narrow center' },
    pageTitle('Page not found'),
    h('p', null, message || 'There is nothing at this address. It may have been moved, or it belongs to another account.'),
    h('p', null, h('a', { class: 'btn btn-primary', href: '/dashboard' }, 'Go to your dashboard'))));
}
