// /admin/settings: Slack alerts and thresholds, and the API keys (a new key is shown once).
import { api } from '../../lib/api.js';
import { h, id, pageTitle } from '../../lib/dom.js';
import { toast } from '../../lib/toast.js';
import { adminNav, forbidden, when } from './common.js';

export async function render(main, { navigate }) {
  let settings;
  let keys;
  try {
    [settings, keys] = await Promise.all([api('/api/admin/settings'), api('/api/admin/api-keys')]);
  } catch (err) {
    if (forbidden(main, err)) return;
    throw err;
  }
  main.append(
    h('div', { class: 'page-head' }, pageTitle('Console settings', 'Console settings')),
    adminNav('/admin/settings'),
    settingsForm(settings, navigate),
    apiKeys(keys.items, navigate));
}

function labelled(label, input, hint) {
  const inputId = id('setting');
  input.id = inputId;
  const hintId = hint ? id('hint') : null;
  if (hintId) input.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: inputId }, label), input, hint ? h('p', { id: hintId, class: 'hint' }, hint) : null);
}

function settingsForm(s, navigate) {
  const url = h('input', { name: 'slackWebhookUrl', type: 'url', autocomplete: 'off', placeholder: 'https://hooks.slack.com/services/…' });
  const rate = h('input', { name: 'failureRatePercent', type: 'number', min: '1', max: '100', required: true,
    value: String(Math.round(s.failureRateThreshold * 100)) });
  const health = h('input', { name: 'healthBelow', type: 'number', min: '1', max: '100', required: true, value: String(s.healthBelow) });
  const errors = h('div', { role: 'alert', class: 'form-errors' });
  const form = h('form', { class: 'card', 'aria-label': 'Alert settings' },
    h('h2', null, 'Slack alerts'),
    h('p', { 'data-webhook': s.slackWebhookConfigured ? 'set' : 'unset' },
      s.slackWebhookConfigured ? `A webhook is set (host ${s.slackWebhookHost}).` : 'No webhook is set: no alerts are sent.'),
    labelled('New Slack incoming-webhook URL', url, 'Leave empty to keep the current one.'),
    labelled('Alert when this % of the last day\'s interviews had a failure', rate),
    labelled('Alert when an interview\'s health falls below', health),
    errors,
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save settings'),
      s.slackWebhookConfigured ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => save(null) }, 'Remove webhook') : null));
  async function save(webhook) {
    const body = { failureRatePercent: Number(rate.value), healthBelow: Number(health.value) };
    if (webhook !== undefined) body.slackWebhookUrl = webhook;
    try {
      await api('/api/admin/settings', { method: 'PUT', body });
      toast('Settings saved.', { key: 'settings' });
      navigate('/admin/settings', { replace: true });
    } catch (err) {
      const fields = (err.problem && err.problem.errors) || [];
      errors.replaceChildren(h('p', null, err.message), ...fields.map((f) => h('p', null, `${f.field}: ${f.message}`)));
    }
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    save(url.value.trim() ? url.value.trim() : undefined);
  });
  return form;
}

function apiKeys(items, navigate) {
  const titleId = id('keys-title');
  const name = h('input', { name: 'name', maxlength: '80', required: true });
  const shown = h('div', { class: 'new-key', 'aria-live': 'polite' });
  const create = h('form', { class: 'inline-form', 'aria-label': 'Create an API key' },
    labelled('Key name', name), h('button', { type: 'submit', class: 'btn' }, 'Create key'));
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const key = await api('/api/admin/api-keys', { method: 'POST', body: { name: name.value.trim() } });
      shown.replaceChildren(h('p', null, 'Copy this key now: it is shown once and only its hash is kept.'),
        h('code', { 'data-new-key': '' }, key.key));
    } catch (err) {
      toast(err.message, { kind: 'error', key: 'api-key' });
    }
  });
  const rows = items.map((k) => h('tr', null,
    h('th', { scope: 'row' }, k.name), h('td', null, h('code', null, k.prefix)),
    h('td', null, when(k.createdAt)), h('td', null, when(k.lastUsedAt)),
    h('td', null, k.revoked ? 'revoked' : h('button', { type: 'button', class: 'btn btn-ghost', 'aria-label': `Revoke key ${k.name}`,
      onclick: async () => {
        await api(`/api/admin/api-keys/${k.id}`, { method: 'DELETE' });
        navigate('/admin/settings', { replace: true });
      } }, 'Revoke'))));
  return h('section', { class: 'card', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, 'API keys'),
    h('p', null, 'Keys read the analytics routes only (Authorization: Bearer irk_…).'),
    create, shown,
    rows.length === 0 ? h('p', { class: 'muted' }, 'No API keys.')
      : h('table', { class: 'api-keys' },
        h('thead', null, h('tr', null, ['Name', 'Prefix', 'Created', 'Last used', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, rows)));
}
