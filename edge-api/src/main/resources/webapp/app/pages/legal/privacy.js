import { renderLegal } from './legal.js';

export function render(main) {
  return renderLegal(main, 'Privacy Policy', 'privacyVersion', (legal) => [
    ['What we collect', [
      'Account data: your email address, a hash of your password, the terms version you accepted and when.',
      recording(legal),
      'Interview data: the transcript of the conversation, snapshots of your code, test runs and the evaluation.',
      'Billing data: your credit balance and purchases; card details are handled by Stripe and never reach us.',
      'Operational data: request logs without the content of your interviews, kept to run and secure the service.']],
    ['How AI processes your data', 'Your voice is sent to a speech AI provider (OpenAI or Google) to run the live conversation. Your code and transcript are sent to Anthropic to observe the code during the interview and to write the evaluation. These providers process the data on our behalf and do not use it to train models under our agreements.'],
    ['Third parties', ['OpenAI and Google: the live voice conversation.', 'Anthropic: code observation and evaluation.', 'Stripe: payments.', 'Our hosting and storage providers.']],
    ['How long we keep it', keeping(legal)],
    ['Your rights', 'You can get a copy of everything we hold about you as JSON, have your account and all its data deleted, or have your data corrected, at any time.'],
    ['Cookies', 'We set one cookie: a strictly necessary sign-in cookie that keeps you logged in. We use no tracking or advertising cookies, so there is no cookie banner.'],
  ]);
}

/** Whether interviews are recorded here, and how to stop it, as GET /api/legal publishes it. */
function recording(legal) {
  if (legal && legal.recordingEnabled === false) {
    return 'Audio: your voice is streamed to run the interview and is not stored as audio on this service.';
  }
  return 'Audio: each interview is recorded (your voice and the interviewer\'s) so you can replay it on its summary page; '
    + 'the recording is stored encrypted where our storage provider supports it and only you can open it. '
    + 'You can turn recording off at any time on your Account page ("Record the audio of my interviews"); it then stops for your next interviews.';
}

/** The windows the server's retention job enforces, as GET /api/legal publishes them. */
function keeping(legal) {
  if (!legal || !legal.retentionDays) {
    return 'Transcripts, code snapshots and evaluations are deleted after a fixed retention period, interview recordings after a shorter one. Deleting your account disables it at once; it can be restored by signing in for a limited time, then everything is deleted.';
  }
  const audio = legal.recordingRetentionDays
    ? `Interview recordings (audio) are kept for ${legal.recordingRetentionDays} days, then deleted. ` : '';
  return `Transcripts, code snapshots and evaluations are kept for ${legal.retentionDays} days, then deleted. ${audio}`
    + `Deleting your account disables it at once; signing in again within ${legal.accountRestoreDays} days restores it, `
    + 'after that the account and all its data are deleted for good.';
}
