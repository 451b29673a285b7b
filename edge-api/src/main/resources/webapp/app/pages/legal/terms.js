import { renderLegal } from './legal.js';

export function render(main) {
  return renderLegal(main, 'Terms of Service', 'termsVersion', [
    ['1. The service', 'InterviewRoom lets you practise technical interviews with an AI interviewer that speaks with you, observes the code you write, runs it against tests, and evaluates the session.'],
    ['2. Your account', 'You need an account to take interviews. Keep your password secret; you are responsible for what happens under your account. You must be at least 16 years old.'],
    ['3. AI processing of your voice and code', 'When you take an interview, your microphone audio, the transcript of what you say, and the code you write are sent to AI providers to run the interview and to evaluate it. Do not say or type anything you do not want processed this way, such as personal data of others or secrets.'],
    ['4. Credits and payments', 'Each interview uses one credit. New accounts receive three free credits. Purchased credits do not expire. A session that fails because of our fault is refunded automatically.'],
    ['5. Evaluations', 'Scores and recommendations are produced automatically and are for practice only. They are not an assessment by a person and are not a hiring decision.'],
    ['6. Acceptable use', 'Do not attack the service, run code meant to escape the sandbox or harm others, or use the interviewer to produce unlawful content. We may suspend accounts that do.'],
    ['7. Changes', 'If these terms change we publish a new version and ask you to accept it. The version you accepted and when are stored with your profile.'],
  ]);
}
