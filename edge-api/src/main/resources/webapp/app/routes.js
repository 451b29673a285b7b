// The client's pages. The edge serves the HTML shell for exactly these paths (WebAppRoutes.PAGES):
// add a page in both places (docs/web.md).
//   access: 'public' (anyone), 'guest' (signed-in visitors go to the dashboard), 'user' (sign in first)
export const ROUTES = [
  { path: '/', page: () => import('./pages/landing/landing.js'), access: 'guest' },
  { path: '/login', page: () => import('./pages/login/login.js'), access: 'guest' },
  { path: '/signup', page: () => import('./pages/signup/signup.js'), access: 'guest' },
  { path: '/dashboard', page: () => import('./pages/dashboard/dashboard.js'), access: 'user' },
  { path: '/practice', page: () => import('./pages/practice/practice.js'), access: 'user' },
  { path: '/onboarding', page: () => import('./pages/onboarding/onboarding.js'), access: 'user' },
  { path: '/account', page: () => import('./pages/account/account.js'), access: 'user' },
  { path: '/billing', page: () => import('./pages/billing/billing.js'), access: 'user' },
  { path: '/interview/:id', page: () => import('./pages/interview/interview.js'), access: 'user' },
  { path: '/sessions/:id/summary', page: () => import('./pages/summary/summary.js'), access: 'user' },
  { path: '/admin', page: () => import('./pages/admin/admin.js'), access: 'user' },
  { path: '/admin/sessions/:id', page: () => import('./pages/admin/session.js'), access: 'user' },
  { path: '/admin/settings', page: () => import('./pages/admin/settings.js'), access: 'user' },
  { path: '/terms', page: () => import('./pages/legal/terms.js'), access: 'public' },
  { path: '/privacy', page: () => import('./pages/legal/privacy.js'), access: 'public' },
];

export const NOT_FOUND = () => import('./pages/notfound/notfound.js');
