// Loaded right after Stripe.js, before the deferred scripts: creates the
// card element, then undoes a side effect of localstripe's stand-in Stripe.js,
// which declares a global `class Element` that hides the DOM's Element from
// every other script (Bootstrap's menus break). Real Stripe.js needs none of it.
(function () {
  "use strict";
  var script = document.currentScript;
  if (typeof window.Stripe !== "function" || !script) { return; }
  var stripe = window.Stripe(script.getAttribute("data-stripe-key"));
  window.cmStripe = stripe;
  window.cmCard = stripe.elements().create("card", { hidePostalCode: true });
})();
/* global Element: writable */
if (typeof Element === "function" && Element !== window.Element) {
  // eslint-disable-next-line no-global-assign
  Element = window.Element;
}
