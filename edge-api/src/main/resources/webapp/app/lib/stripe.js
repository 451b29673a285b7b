// Stripe.js, loaded once and only on the page that takes a payment, from the URL the server names
// (https://js.stripe.com/v3/ in production: Stripe requires it to come from Stripe, never bundled;
// tests point it at a stand-in). The page's CSP allows exactly that script's sources.

let loading = null;

function inject(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.addEventListener('load', () => (window.Stripe ? resolve(window.Stripe) : reject(new Error('Stripe.js did not start.'))));
    script.addEventListener('error', () => {
      script.remove();
      reject(new Error('Could not load the payment form. Check your connection and try again.'));
    });
    document.head.append(script);
  });
}

/** A Stripe instance for the publishable key; a failed load may be retried by calling again. */
export async function loadStripe(url, publishableKey) {
  if (!loading) loading = window.Stripe ? Promise.resolve(window.Stripe) : inject(url);
  try {
    const Stripe = await loading;
    return Stripe(publishableKey);
  } catch (err) {
    loading = null;
    throw err;
  }
}
