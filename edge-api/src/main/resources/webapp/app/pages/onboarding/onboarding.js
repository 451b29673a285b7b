// First run after sign-up: welcome, a microphone check with a live level meter, a speaker check,
// and a tour of the interview screen. Every step can be skipped; finishing (or skipping the whole
// setup) stores onboardingCompleted on the profile, so the next login goes to the dashboard.
import { api } from '../../lib/api.js';
import { h, pageTitle } from '../../lib/dom.js';
import { toast } from '../../lib/toast.js';

/** RMS at which the meter says "we can hear you": the capture VAD's speech threshold (docs/web.md). */
const HEARD_RMS = 0.01;
const STEPS = ['Welcome', 'Microphone', 'Speakers', 'The interview screen'];

export function render(main, { navigate }) {
  let audio = null; // { ctx, stream, timer }
  const live = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });
  const progress = h('ol', { class: 'steps', 'aria-label': 'Setup steps' });
  const body = h('div', { class: 'onboarding-step' });
  const skipAll = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'data-action': 'skip-setup' }, 'Skip setup');
  let step = 0;

  function release() {
    if (!audio) return;
    clearInterval(audio.timer);
    if (audio.stream) audio.stream.getTracks().forEach((t) => t.stop());
    audio.ctx.close().catch(() => {});
    audio = null;
  }

  function context() {
    if (!audio) audio = { ctx: new AudioContext(), stream: null, timer: 0 };
    return audio.ctx;
  }

  async function finish() {
    skipAll.disabled = true;
    release();
    try {
      await api('/api/users/profile', { method: 'PATCH', body: { onboardingCompleted: true } });
    } catch (err) {
      skipAll.disabled = false;
      toast(`Your setup could not be saved: ${err.message}`, { kind: 'error', key: 'onboarding' });
      return;
    }
    navigate('/dashboard', { replace: true });
  }

  function show(next) {
    if (audio && audio.stream) {
      clearInterval(audio.timer);
      audio.stream.getTracks().forEach((t) => t.stop());
      audio.stream = null;
    }
    step = next;
    progress.replaceChildren(...STEPS.map((name, i) => h('li', { class: i === step ? 'current' : i < step ? 'done' : null,
      'aria-current': i === step ? 'step' : null }, name)));
    const content = [welcome, microphone, speakers, tour][step]();
    const last = step === STEPS.length - 1;
    body.replaceChildren(h('h2', { tabindex: '-1', 'data-step': String(step) }, STEPS[step]), ...content,
      h('div', { class: 'actions' },
        step > 0 ? h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => show(step - 1) }, 'Back') : null,
        h('button', { type: 'button', class: 'btn btn-primary', 'data-action': 'next', onclick: () => (last ? finish() : show(step + 1)) },
          last ? 'Go to my dashboard' : 'Continue'),
        h('button', { type: 'button', class: 'btn btn-ghost', 'data-action': 'skip', onclick: () => (last ? finish() : show(step + 1)) },
          'Skip')));
    live.textContent = `Step ${step + 1} of ${STEPS.length}: ${STEPS[step]}`;
    if (next > 0) body.querySelector('h2').focus();
  }

  function welcome() {
    return [
      h('p', null, 'Practise a coding interview out loud. Here is how it works:'),
      h('ul', { class: 'points' },
        h('li', null, h('strong', null, 'Talk it through. '), 'A voice AI interviewer asks questions and listens while you think aloud.'),
        h('li', null, h('strong', null, 'Write real code. '), 'An editor with Python, JavaScript or Java; run your code against tests at any time.'),
        h('li', null, h('strong', null, 'Get a scored evaluation. '), 'After the session you see how you did on problem solving, code and communication.')),
      h('p', { class: 'muted' }, 'The next steps check your microphone and speakers (about a minute).'),
    ];
  }

  function microphone() {
    const bar = h('span', { class: 'level-bar' });
    const meter = h('div', { class: 'level', role: 'meter', 'aria-label': 'Microphone level', 'aria-valuemin': '0',
      'aria-valuemax': '100', 'aria-valuenow': '0' }, bar);
    const status = h('p', { class: 'form-status', 'aria-live': 'polite' });
    const tips = h('div', { class: 'tips notice', role: 'alert', hidden: true });
    const start = h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'mic-test' }, 'Test my microphone');
    start.addEventListener('click', async () => {
      start.disabled = true;
      tips.hidden = true;
      status.textContent = 'Asking for your microphone…';
      try {
        const ctx = context();
        await ctx.resume();
        const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true } });
        audio.stream = stream;
        const analyser = ctx.createAnalyser();
        analyser.fftSize = 1024;
        ctx.createMediaStreamSource(stream).connect(analyser);
        const samples = new Float32Array(analyser.fftSize);
        let heard = false;
        status.textContent = 'Say something, for example your name. The bar should move.';
        audio.timer = setInterval(() => {
          analyser.getFloatTimeDomainData(samples);
          let sum = 0;
          for (const s of samples) sum += s * s;
          const rms = Math.sqrt(sum / samples.length);
          // a speaking voice is around 0.05–0.2 RMS: scale so that fills most of the bar
          const level = Math.min(100, Math.round(Math.sqrt(rms / 0.2) * 100));
          meter.setAttribute('aria-valuenow', String(level));
          bar.style.transform = `scaleX(${level / 100})`;
          if (!heard && rms >= HEARD_RMS) {
            heard = true;
            status.textContent = 'We can hear you. Your microphone works.';
            meter.classList.add('heard');
          }
        }, 50);
      } catch (err) {
        status.textContent = '';
        start.disabled = false;
        start.textContent = 'Try again';
        tips.replaceChildren(...troubleshooting(err));
        tips.hidden = false;
      }
    });
    return [
      h('p', null, 'The interviewer needs to hear you. Your voice is only sent while an interview runs; this test stays in your browser.'),
      start, meter, status, tips,
    ];
  }

  function speakers() {
    const status = h('p', { class: 'form-status', 'aria-live': 'polite' });
    const heardIt = h('div', { class: 'actions', hidden: true },
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { status.textContent = 'Great: your speakers work.'; heardIt.hidden = true; } }, 'Yes, I heard it'),
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => {
        status.textContent = 'Check that your volume is up and not muted, that the right output (headphones or speakers) is chosen in your system settings, then play it again.';
        heardIt.hidden = true;
      } }, 'No, I did not'));
    const play = h('button', { type: 'button', class: 'btn btn-secondary', 'data-action': 'play-tone' }, 'Play a test sound');
    play.addEventListener('click', async () => {
      play.disabled = true;
      const ctx = context();
      await ctx.resume();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = 660;
      const t = ctx.currentTime;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(0.25, t + 0.03);
      gain.gain.setValueAtTime(0.25, t + 0.55);
      gain.gain.linearRampToValueAtTime(0, t + 0.6);
      osc.connect(gain).connect(ctx.destination);
      status.textContent = 'Playing…';
      osc.addEventListener('ended', () => {
        play.disabled = false;
        play.textContent = 'Play it again';
        play.dataset.played = String(Number(play.dataset.played || 0) + 1);
        status.textContent = 'Did you hear a short tone?';
        heardIt.hidden = false;
      });
      osc.start(t);
      osc.stop(t + 0.6);
    });
    return [h('p', null, 'You will hear the interviewer through your speakers or headphones. Headphones work best: they keep the interviewer\'s voice out of your microphone.'),
      play, status, heardIt];
  }

  function tour() {
    const parts = [
      ['Problem', 'on the left: the task, examples and constraints, and the conversation so far.'],
      ['Editor', 'on the right: write your solution; it is saved as you type.'],
      ['Run and Submit', 'Run tries your code on the examples; Submit runs every test, including hidden ones.'],
      ['Timer and status', 'at the top: the time left, and whether the interviewer is listening, thinking or speaking.'],
      ['Microphone', 'mute and unmute; you can interrupt the interviewer by speaking.'],
      ['End interview', 'finishes the session; your evaluation follows a minute later.'],
    ];
    return [
      h('p', null, 'The interview screen needs a desktop browser (1024 px wide or more). It has these parts:'),
      h('dl', { class: 'tour' }, parts.map(([term, text]) => [h('dt', null, term), h('dd', null, text)])),
    ];
  }

  skipAll.addEventListener('click', finish);
  main.append(h('div', { class: 'narrow onboarding' },
    h('div', { class: 'page-head' }, pageTitle('Welcome to InterviewRoom', 'Get ready'), skipAll),
    progress, live, h('section', { class: 'card' }, body)));
  show(0);
  return release;
}

/** What to try when the microphone cannot be opened, by the browser's reason. */
function troubleshooting(err) {
  const name = err && err.name;
  const why = name === 'NotAllowedError' || name === 'SecurityError'
    ? 'Your browser blocked the microphone for this site.'
    : name === 'NotFoundError' || name === 'OverconstrainedError'
      ? 'No microphone was found.'
      : name === 'NotReadableError'
        ? 'Another app is using your microphone.'
        : 'The microphone could not be started.';
  return [
    h('h3', null, why),
    h('ul', null,
      h('li', null, 'Click the lock or microphone icon in the address bar, set Microphone to Allow, then press Try again.'),
      h('li', null, 'Check that a microphone is plugged in and chosen as the input in your system\'s sound settings.'),
      h('li', null, 'Close other apps that use the microphone (video calls, recorders).'),
      h('li', null, 'Still stuck? Try the latest Chrome, Edge or Firefox.')),
  ];
}
