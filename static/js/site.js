// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
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
  // htmx sends the CSRF token with every unsafe request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
// Remember the browser's time zone so pages show times in it before sign-in.
// The value goes in as it is: IANA names ("America/New_York") use only
// characters a cookie may hold, and the server reads the name it was given.
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!tz || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(tz)) { return; }
    var stored = document.cookie.split("; ").filter(function (pair) {
      return pair.indexOf("cm_tz=") === 0;
    }).map(function (pair) { return pair.slice(6); });
    if (stored.length !== 1 || stored[0] !== tz) {
      var secure = window.location.protocol === "https:" ? "; Secure" : "";
      document.cookie = "cm_tz=" + tz + "; path=/; max-age=31536000; SameSite=Lax" + secure;
    }
  } catch (e) { /* older browsers: UTC it is */ }
})();
