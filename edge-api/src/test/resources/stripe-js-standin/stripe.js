/*
 * TEST-ONLY stand-in for Stripe.js v3 (https://js.stripe.com/v3/). Served by the fake Stripe of the
 * tests (FakeStripe, StripeJsStandIn); never part of the application jar.
 *
 * Only the surface InterviewRoom's billing page uses, with the call shapes and results of Stripe's
 * official type definitions, github.com/stripe/stripe-js at commit
 * 1a6a2c6dc4fd25ccd0c52f42136ee98776f0c2f5:
 *   types/stripe-js/index.d.ts           Stripe(publishableKey, options?) -> Stripe
 *   types/stripe-js/stripe.d.ts          elements({clientSecret, ...}); confirmPayment({elements, confirmParams?,
 *                                        redirect?: 'always' | 'if_required'}) -> Promise<PaymentIntentResult>,
 *                                        PaymentIntentResult = {paymentIntent} | {error: StripeError};
 *                                        StripeError {type, code?, decline_code?, doc_url?, message?, param?,
 *                                        payment_intent?, payment_method?}
 *   types/stripe-js/elements-group.d.ts  elements.create('payment', options?) -> StripePaymentElement
 *   types/stripe-js/elements/base.d.ts   element.mount(selector | HTMLElement), unmount(), destroy(), on('ready' | 'change')
 *
 * As with Stripe's, card data lives only in the Payment Element's frame (served from this script's
 * origin): the frame validates the fields (StripeError type 'validation_error') and confirms the
 * PaymentIntent itself with POST /v1/payment_intents/{id}/confirm, sending the publishable key and the
 * client secret, never a secret key. The page gets back only the result.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var ORIGIN = new URL(script.src).origin;
  var FRAME_URL = ORIGIN + '/v3/payment-element.html';

  function integrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  }

  function intentIdOf(clientSecret) {
    var match = /^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/.exec(clientSecret || '');
    return match ? match[1] : null;
  }

  function PaymentElement(group, options) {
    this._group = group;
    this._options = options || {};
    this._frame = null;
    this._handlers = { ready: [], change: [], loaderror: [] };
    this._ready = null;
    this._destroyed = false;
  }

  PaymentElement.prototype.on = function (event, handler) {
    if (!this._handlers[event]) throw integrationError('The Payment Element stand-in does not emit "' + event + '".');
    this._handlers[event].push(handler);
    return this;
  };

  PaymentElement.prototype._emit = function (event, payload) {
    this._handlers[event].forEach(function (handler) { handler(payload); });
  };

  PaymentElement.prototype.mount = function (target) {
    if (this._destroyed) throw integrationError('This Element has already been destroyed. Please create a new one.');
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container || !(container instanceof HTMLElement)) {
      throw integrationError('The selector you specified (' + target + ') applies to no DOM elements that are currently on the page.');
    }
    if (this._frame) throw integrationError('This Element is already mounted. Use `unmount()` first.');
    var frame = document.createElement('iframe');
    frame.name = '__privateStripeFrame' + Math.floor(Math.random() * 100000);
    frame.title = 'Secure payment input frame';
    frame.setAttribute('allow', 'payment *');
    frame.src = FRAME_URL;
    // CSSOM, not a style attribute: the page's CSP (style-src 'self') allows it, as it does for Stripe.js
    frame.style.border = '0';
    frame.style.width = '100%';
    frame.style.height = '240px';
    frame.style.display = 'block';
    var self = this;
    this._ready = new Promise(function (resolve) {
      frame.addEventListener('load', function () {
        resolve(frame);
        self._emit('ready', { elementType: 'payment' });
      }, { once: true });
    });
    container.append(frame);
    this._frame = frame;
  };

  PaymentElement.prototype.unmount = function () {
    if (this._frame) this._frame.remove();
    this._frame = null;
    this._ready = null;
  };

  PaymentElement.prototype.destroy = function () {
    this.unmount();
    this._destroyed = true;
    this._group._payment = null;
  };

  /** Asks the frame to confirm: it answers on a private channel with {paymentIntent} or {error}. */
  PaymentElement.prototype._confirm = function (request) {
    if (!this._ready) {
      return Promise.reject(integrationError('stripe.confirmPayment(): the Payment Element is not mounted.'));
    }
    return this._ready.then(function (frame) {
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) { resolve(event.data); };
        frame.contentWindow.postMessage({ type: 'stand-in:confirm', request: request }, ORIGIN, [channel.port2]);
      });
    });
  };

  function Elements(stripe, options) {
    this._stripe = stripe;
    this._clientSecret = options.clientSecret;
    this._payment = null;
  }

  Elements.prototype.create = function (type, options) {
    if (type !== 'payment') throw integrationError('The Stripe.js stand-in only provides the "payment" Element, not "' + type + '".');
    if (this._payment) throw integrationError('Can only create one Element of type payment.');
    this._payment = new PaymentElement(this, options);
    return this._payment;
  };

  Elements.prototype.getElement = function (type) {
    return type === 'payment' ? this._payment : null;
  };

  function Stripe(key, options) {
    if (!(this instanceof Stripe)) return new Stripe(key, options);
    if (typeof key !== 'string' || !/^pk_(test|live)_[A-Za-z0-9_]+$/.test(key)) {
      throw integrationError('Invalid value for Stripe(): apiKey should be a publishable key (pk_test_... or pk_live_...). You specified: ' + typeof key + '.');
    }
    this._key = key;
  }

  Stripe.prototype.elements = function (options) {
    options = options || {};
    if (!intentIdOf(options.clientSecret)) {
      throw integrationError('Invalid value for elements(): clientSecret should be a client secret of the form ${id}_secret_${secret}.');
    }
    return new Elements(this, options);
  };

  Stripe.prototype.confirmPayment = function (options) {
    options = options || {};
    var elements = options.elements;
    var redirect = options.redirect === undefined ? 'always' : options.redirect;
    var params = options.confirmParams || {};
    if (!elements || !(elements instanceof Elements)) {
      return Promise.reject(integrationError('stripe.confirmPayment(): expected an `elements` group created by this Stripe instance.'));
    }
    if (redirect !== 'always' && redirect !== 'if_required') {
      return Promise.reject(integrationError('Invalid value for confirmPayment(): redirect should be "always" or "if_required".'));
    }
    if (redirect === 'always' && typeof params.return_url !== 'string') {
      return Promise.reject(integrationError('stripe.confirmPayment(): the `confirmParams.return_url` argument is required unless passing `redirect: \'if_required\'`'));
    }
    if (!elements._payment) {
      return Promise.reject(integrationError('stripe.confirmPayment(): could not find a Payment Element in this `elements` group.'));
    }
    var clientSecret = elements._clientSecret;
    return elements._payment._confirm({
      key: this._key,
      clientSecret: clientSecret,
      intentId: intentIdOf(clientSecret),
      returnUrl: params.return_url || null,
    }).then(function (result) {
      // card payments need no redirect; with redirect 'always' Stripe.js still goes to return_url
      if (result.paymentIntent && redirect === 'always') {
        var url = new URL(params.return_url);
        url.searchParams.set('payment_intent', result.paymentIntent.id);
        url.searchParams.set('payment_intent_client_secret', clientSecret);
        url.searchParams.set('redirect_status', result.paymentIntent.status === 'succeeded' ? 'succeeded' : 'processing');
        window.location.assign(url.toString());
        return new Promise(function () {});
      }
      return result;
    });
  };

  window.Stripe = Stripe;
})();
