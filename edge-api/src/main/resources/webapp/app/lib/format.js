import { h } from './dom.js';

export function difficultyBadge(difficulty) {
  const label = { easy: 'Easy', medium: 'Medium', hard: 'Hard' }[difficulty] || difficulty;
  return h('span', { class: `badge badge-${difficulty}` }, label);
}

export function formatDate(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDuration(seconds) {
  if (seconds == null) return '—';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

export const LANGUAGES = { python: 'Python', javascript: 'JavaScript', java: 'Java' };

/** A score on the rubric's 0–10 scale, one decimal. */
export function score10(value) {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** The rubric's dimensions as people read them (the keys are the evaluation's). */
export const DIMENSIONS = {
  problem_solving: 'Problem solving',
  code_quality: 'Code quality',
  communication: 'Communication',
  efficiency: 'Efficiency',
  testing: 'Testing',
};
