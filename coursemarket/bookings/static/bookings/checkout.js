// Checkout: the hold's countdown, the payment choice and the card step
// (Stripe.js card element, 3-D Secure). Without JavaScript the page still
// shows the deadline and takes free and bank-transfer payments.
(function () {
  "use strict";
  var form = document.querySelector("[data-checkout-form]");
  if (!form) { return; }
  var button = form.querySelector("[data-pay-button]");
  var errorBox = document.querySelector("[data-pay-error]");

  // --- Countdown -----------------------------------------------------------
  var clock = document.querySelector("[data-countdown]");
  if (clock) {
    var ends = Date.now() + parseInt(clock.getAttribute("data-seconds"), 10) * 1000;
    var label = clock.querySelector("[data-countdown-value]");
    var tick = function () {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      label.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      clock.classList.toggle("is-low", left < 120);
      if (left === 0) {
        window.clearInterval(timer);
        document.querySelector("[data-hold-expired]").hidden = false;
        if (button) { button.disabled = true; }
      }
    };
    var timer = window.setInterval(tick, 1000);
    tick();
  }

  // --- Provider choice -------------------------------------------------------
  var cardPanel = document.querySelector("[data-card-panel]");
  var bankPanel = document.querySelector("[data-bank-panel]");
  function provider() {
    var checked = form.querySelector("input[name=provider]:checked") || form.querySelector("input[name=provider]");
    return checked ? checked.value : "";
  }
  function showPanels() {
    if (cardPanel) { cardPanel.hidden = provider() !== "stripe"; }
    if (bankPanel) { bankPanel.hidden = provider() !== "bank_transfer"; }
  }
  form.addEventListener("change", showPanels);
  showPanels();

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
    if (message) { errorBox.focus(); }
  }
  function busy(on) {
    button.disabled = on;
    button.classList.toggle("is-busy", on);
  }

  // --- Card step -------------------------------------------------------------
  var mount = document.querySelector("#card-element");
  // stripe-init.js made them (right after Stripe.js loaded).
  var stripe = window.cmStripe, card = window.cmCard;
  if (!mount || !stripe || !card) { return; }
  card.mount(mount);
  mount.classList.add("is-mounted");

  async function paymentMethodId() {
    // Real Stripe.js makes a PaymentMethod; localstripe's stand-in only tokens.
    var made = await stripe.createPaymentMethod({ type: "card", card: card });
    if (made && made.paymentMethod) { return made.paymentMethod.id; }
    if (made && made.error) { throw new Error(made.error.message); }
    var token = await stripe.createToken(card);
    if (token.error) { throw new Error(token.error.message || form.getAttribute("data-card-invalid")); }
    return token.token.card.id;
  }

  form.addEventListener("submit", async function (event) {
    if (provider() !== "stripe") { return; }
    event.preventDefault();
    if (button.disabled) { return; }
    showError("");
    if (!form.reportValidity()) { return; }
    busy(true);
    try {
      var data = new FormData(form);
      try { data.set("payment_method", await paymentMethodId()); }
      catch (e) { throw new Error(form.getAttribute("data-card-invalid")); }
      var response = await fetch(form.action, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") }
      });
      var answer = await response.json();
      if (answer.pay_key) { form.querySelector("input[name=pay_key]").value = answer.pay_key; }
      if (answer.redirect) { window.location.assign(answer.redirect); return; }
      if (answer.action === "authenticate") {
        await stripe.confirmCardPayment(answer.client_secret);
        window.location.assign(answer.return_url);
        return;
      }
      throw new Error(answer.error || form.getAttribute("data-pay-failed"));
    } catch (e) {
      showError(e.message || form.getAttribute("data-pay-failed"));
      busy(false);
    }
  });
})();
