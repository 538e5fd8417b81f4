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
  // htmx sends the CSRF token with every unsafe request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
// Remember the browser's time zone so pages show times in it before sign-in.
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("cm_tz=" + encodeURIComponent(tz)) === -1) {
      document.cookie = "cm_tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* older browsers: UTC it is */ }
})();
