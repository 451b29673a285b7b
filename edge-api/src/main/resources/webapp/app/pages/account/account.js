// The account: profile (name, experience level, target companies), whether interviews are recorded,
// a download of everything held
// about the person, deleting the account (typing the email confirms it), logging out here and
// logging out everywhere (behind a confirmation).
import { api, logout, logoutEverywhere } from '../../lib/api.js';
import { h, id, pageTitle } from '../../lib/dom.js';
import { toast } from '../../lib/toast.js';
import { field, errorSummary } from '../forms.js';

const LEVELS = [['', 'Not set'], ['junior', 'Junior'], ['mid', 'Mid-level'], ['senior', 'Senior'], ['staff', 'Staff or above']];

export async function render(main, { navigate }) {
  const profile = await api('/api/users/profile');
  main.append(h('div', { class: 'narrow' },
    pageTitle('Your account', 'Account'),
    h('p', { class: 'muted' }, 'Signed in as ', h('strong', { 'data-field': 'email' }, profile.email)),
    profileSection(profile),
    recordingSection(profile),
    dataSection(profile),
    logoutSection(navigate),
    deleteSection(profile, navigate)));
}

function logoutSection(navigate) {
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const confirm = h('button', { type: 'submit', class: 'btn btn-danger', 'data-action': 'confirm-logout-all' }, 'Log out everywhere');
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => dialog.close() }, 'Stay signed in');
  const titleId = id('logout-all-title');
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, 'Log out everywhere?'),
    h('p', null, 'This ends every sign-in of your account: other browsers, phones and this one. Each of them will need your password again.'),
    error,
    h('div', { class: 'actions' }, confirm, cancel));
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    confirm.disabled = true;
    confirm.textContent = 'Logging out…';
    try {
      await logoutEverywhere();
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      confirm.disabled = false;
      confirm.textContent = 'Log out everywhere';
      return;
    }
    dialog.close();
    toast('You were logged out everywhere.', { key: 'logout-all' });
    navigate('/login', { replace: true });
  });
  const open = h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'logout-all' }, 'Log out everywhere…');
  open.addEventListener('click', () => {
    error.hidden = true;
    dialog.showModal();
    cancel.focus();
  });
  return h('section', { class: 'card' }, h('h2', null, 'Log out'),
    h('p', null, 'Log out of InterviewRoom in this browser, or on every browser and device you signed in on.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'logout', onclick: async () => {
        await logout();
        navigate('/');
      } }, 'Log out'),
      open),
    dialog);
}

function profileSection(profile) {
  const name = field({ label: 'Name', name: 'displayName', autocomplete: 'name', required: false, hint: 'How the interviewer addresses you.' });
  name.input.value = profile.displayName || '';
  name.input.maxLength = 100;
  const levelId = id('experience');
  const level = h('select', { id: levelId, name: 'experienceLevel' },
    LEVELS.map(([value, label]) => h('option', { value, selected: (profile.experienceLevel || '') === value }, label)));
  const companies = field({ label: 'Target companies', name: 'targetCompanies', required: false,
    hint: 'Separate names with commas, up to 20.' });
  companies.input.value = (profile.targetCompanies || []).join(', ');
  const summary = errorSummary();
  const status = h('p', { class: 'form-status', role: 'status' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save profile');
  const form = h('form', { class: 'profile-form', novalidate: true }, summary.el, name.el,
    h('div', { class: 'field' }, h('label', { for: levelId }, 'Experience level'), level),
    companies.el, save, status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    const list = companies.input.value.split(',').map((c) => c.trim()).filter(Boolean);
    const errors = [];
    const display = name.input.value.trim();
    if (!display && profile.displayName) errors.push({ field: name, message: 'Enter a name (it cannot be emptied once set)' });
    if (list.length > 20) errors.push({ field: companies, message: 'Name at most 20 companies' });
    if (list.some((c) => c.length > 100)) errors.push({ field: companies, message: 'Each company name can be at most 100 characters' });
    if (summary.show(errors)) return;
    const body = { targetCompanies: list };
    if (display) body.displayName = display;
    if (level.value) body.experienceLevel = level.value;
    save.disabled = true;
    try {
      Object.assign(profile, await api('/api/users/profile', { method: 'PATCH', body }));
      status.textContent = 'Saved.';
    } catch (err) {
      const byName = { displayName: name, targetCompanies: companies };
      const fieldErrors = (err.problem && err.problem.errors) || [];
      summary.show(fieldErrors.length ? fieldErrors.map((e) => ({ field: byName[e.field], message: e.message })) : [{ message: err.message }]);
    } finally {
      save.disabled = false;
    }
  });
  return h('section', { class: 'card' }, h('h2', null, 'Profile'), form);
}

/** Interview audio recording, on unless turned off here (PATCH /api/users/profile {recordAudio}). */
function recordingSection(profile) {
  const boxId = id('record-audio');
  const box = h('input', { id: boxId, type: 'checkbox', name: 'recordAudio', checked: profile.recordAudio !== false,
    'aria-describedby': `${boxId}-hint` });
  const status = h('p', { class: 'form-status', role: 'status' });
  box.addEventListener('change', async () => {
    const wanted = box.checked;
    box.disabled = true;
    status.textContent = 'Saving…';
    try {
      Object.assign(profile, await api('/api/users/profile', { method: 'PATCH', body: { recordAudio: wanted } }));
      status.textContent = wanted ? 'Your next interviews are recorded.' : 'Your next interviews are not recorded.';
    } catch (err) {
      box.checked = !wanted;
      status.textContent = err.message;
    } finally {
      box.disabled = false;
    }
  });
  return h('section', { class: 'card' }, h('h2', null, 'Interview recordings'),
    h('div', { class: 'field field-checkbox' }, h('div', { class: 'checkbox' }, box,
      h('label', { for: boxId }, 'Record the audio of my interviews'))),
    h('p', { id: `${boxId}-hint`, class: 'muted' },
      'Both voices are recorded while an interview runs, so you can replay it on its summary page. '
      + 'Recordings are deleted after a shorter window than the rest of your data (see the Privacy Policy). '
      + 'Turning this off affects your next interviews; recordings already made stay until then.'),
    status);
}

function dataSection(profile) {
  const status = h('p', { class: 'form-status', role: 'status' });
  const button = h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'export' }, 'Download my data');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'Preparing your file…';
    try {
      const data = await api('/api/users/data-export');
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
      const a = h('a', { href: url, download: `interviewroom-data-${new Date().toISOString().slice(0, 10)}.json`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      status.textContent = 'Your data was downloaded as a JSON file.';
    } catch (err) {
      status.textContent = err.message;
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card' }, h('h2', null, 'Your data'),
    h('p', null, 'Download everything InterviewRoom holds about you (profile, sessions, transcripts, code, evaluations, payments, links to your recordings) as one JSON file.'),
    button, status);
}

function deleteSection(profile, navigate) {
  const confirmId = id('confirm-email');
  const input = h('input', { id: confirmId, type: 'email', name: 'confirmEmail', autocomplete: 'off', spellcheck: 'false' });
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const confirm = h('button', { type: 'submit', class: 'btn btn-danger', 'data-action': 'confirm-delete' }, 'Delete my account');
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => dialog.close() }, 'Keep my account');
  const titleId = id('delete-title');
  const form = h('form', { method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, 'Delete your account?'),
    h('p', null, 'Your account is disabled at once. Signing in again within the restore window (see the Privacy Policy) brings it back; after that it is deleted for good with everything in it: sessions, transcripts, code, evaluations and unused credits. An active subscription is not refunded.'),
    h('div', { class: 'field' }, h('label', { for: confirmId }, `Type your email address (${profile.email}) to confirm`), error, input),
    h('div', { class: 'actions' }, confirm, cancel));
  const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId }, form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (input.value.trim().toLowerCase() !== profile.email.toLowerCase()) {
      error.textContent = 'Type your email address exactly as shown to delete the account';
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    confirm.disabled = true;
    confirm.textContent = 'Deleting…';
    try {
      await api('/api/users/data', { method: 'DELETE' });
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      confirm.disabled = false;
      confirm.textContent = 'Delete my account';
      return;
    }
    dialog.close();
    await logout();
    toast(await deletedMessage(), { key: 'deleted' });
    navigate('/', { replace: true });
  });
  const open = h('button', { type: 'button', class: 'btn btn-danger', 'data-action': 'delete' }, 'Delete my account…');
  open.addEventListener('click', () => {
    input.value = '';
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    dialog.showModal();
    input.focus();
  });
  return h('section', { class: 'card danger-zone' }, h('h2', null, 'Delete account'),
    h('p', null, 'Disable your account now; it and all of its data are deleted for good once the restore window has passed.'), open, dialog);
}

/** What happens next, with the restore window the server enforces (GET /api/legal). */
async function deletedMessage() {
  try {
    const { accountRestoreDays } = await api('/api/legal', { anonymous: true });
    if (accountRestoreDays) {
      return `Your account was deleted. Sign in again within ${accountRestoreDays} days to restore it; after that its data is gone for good.`;
    }
  } catch {
    // the plain message below
  }
  return 'Your account was deleted.';
}
