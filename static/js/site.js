// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  var script = document.currentScript;
  // The "js" class is set by an inline line in <head> (web/base.html), before the first style pass: setting it
  // here, after the first paint, restyled and relaid the whole page. Kept for a page without that line.
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  // The anonymous visitor's language switcher: go to this page in the chosen
  // language and remember it for bare addresses (what /i18n/setlang/ does for
  // signed-in people). Without this file the links below it do the same.
  document.querySelectorAll("[data-language-links]").forEach(function (select) {
    select.hidden = false;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var secure = window.location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "django_language=" + encodeURIComponent(select.value) +
        "; path=/; max-age=31536000; SameSite=Lax" + secure;
      window.location.assign(option.getAttribute("data-url"));
    });
  });
  // Tab strips scroll sideways on phones: bring the current tab into view (it may sit past the edge, to the
  // left in right-to-left pages). Only the strip scrolls, never the page.
  // Again once the web fonts are in: they change the tabs' widths. "instant", so a page that smooth-scrolls
  // does not leave the tab half way.
  function showCurrentTabs() {
    document.querySelectorAll("nav [aria-current=page]").forEach(function (tab) {
      for (var strip = tab.parentElement; strip && strip !== document.body; strip = strip.parentElement) {
        var overflow = window.getComputedStyle(strip).overflowX;
        if ((overflow === "auto" || overflow === "scroll") && strip.scrollWidth > strip.clientWidth) {
          var box = strip.getBoundingClientRect();
          var item = tab.getBoundingClientRect();
          var margin = 16;
          if (item.right > box.right) {
            strip.scrollBy({ left: item.right - box.right + margin, behavior: "instant" });
          } else if (item.left < box.left) {
            strip.scrollBy({ left: item.left - box.left - margin, behavior: "instant" });
          }
          return;
        }
      }
    });
  }
  showCurrentTabs();
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(showCurrentTabs); }
  window.addEventListener("load", showCurrentTabs);
  // Bootstrap's behaviours (the menu's collapse, the account dropdown, the filter sheet, closing an alert) load
  // when the visitor first reaches for one: hovering, touching or focusing a [data-bs-toggle]/[data-bs-dismiss]
  // control starts the download, and a click that comes before it has arrived is held and replayed once it
  // has. Parsing 80 KB of Bootstrap on every page load cost main-thread time no first paint needs.
  var bootstrapUrl = script && script.getAttribute("data-bootstrap");
  var bootstrapLoading = null;
  var TRIGGERS = "[data-bs-toggle], [data-bs-dismiss]";
  function loadBootstrap() {
    if (!bootstrapLoading) {
      bootstrapLoading = new Promise(function (resolve, reject) {
        if (window.bootstrap || !bootstrapUrl) { resolve(); return; }
        var tag = document.createElement("script");
        tag.src = bootstrapUrl;
        tag.nonce = script.nonce;
        tag.onload = resolve;
        tag.onerror = function () { bootstrapLoading = null; reject(); };
        document.head.appendChild(tag);
      });
    }
    return bootstrapLoading;
  }
  function trigger(event) {
    return event.target && event.target.closest ? event.target.closest(TRIGGERS) : null;
  }
  ["pointerover", "touchstart", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (trigger(event)) { loadBootstrap().catch(function () {}); }
    }, { passive: true });
  });
  document.addEventListener("click", function (event) {
    if (window.bootstrap) { return; }
    var control = trigger(event);
    if (!control) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    loadBootstrap().then(function () { control.click(); }, function () {});
  }, true);
  if (document.querySelector(".offcanvas.show, .modal.show")) { loadBootstrap().catch(function () {}); }
  // htmx loads with the page (deferred, web/base.html), not on demand: htmx records each field's value when it
  // starts, so a value typed before it arrived would never count as "changed" (the city search, the header
  // search, the listing's search box) and a replayed keystroke would do nothing.
  // htmx sends the CSRF token with every unsafe request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
// Remember the browser's time zone so pages show times in it before sign-in.
// The value goes in as it is: IANA names ("America/New_York") use only
// characters a cookie may hold, and the server reads the name it was given.
// The name comes from a worker (js/tz-worker.js): the first Intl call loads the time zone data, which took
// 35-150 ms of the page's main thread on a phone profile. Once the page is idle, so it never delays a paint.
(function () {
  var script = document.currentScript;
  var workerUrl = script && script.getAttribute("data-tz-worker");
  if (!workerUrl || typeof Worker === "undefined") { return; }
  function remember(tz) {
    if (typeof tz !== "string" || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(tz)) { return; }
    var stored = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf("cm_tz=") === 0;
    }).map(function (pair) { return pair.slice(6); });
    if (stored.length !== 1 || stored[0] !== tz) {
      var secure = window.location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "cm_tz=" + tz + "; path=/; max-age=31536000; SameSite=Lax" + secure;
    }
  }
  function ask() {
    try {
      var worker = new Worker(workerUrl);
      worker.onmessage = function (event) { remember(event.data); worker.terminate(); };
      worker.onerror = function () { worker.terminate(); };
    } catch (e) { /* no worker: UTC it is */ }
  }
  function whenIdle() {
    if (window.requestIdleCallback) { window.requestIdleCallback(ask, { timeout: 5000 }); } else { window.setTimeout(ask, 1); }
  }
  if (document.readyState === "complete") { whenIdle(); } else { window.addEventListener("load", whenIdle); }
})();
