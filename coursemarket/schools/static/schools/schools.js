// Schools: progressive enhancements for the dashboard. Every form works without this file.
(function () {
  "use strict";

  // Slug follows the name until someone edits the slug by hand.
  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
  }
  var source = document.querySelector("[data-slug-source]");
  var target = document.querySelector("[data-slug-target]");
  if (source && target) {
    var touched = target.value !== "" && target.value !== slugify(source.value);
    target.addEventListener("input", function () { touched = target.value !== ""; });
    var follow = function () {
      if (!touched) { target.value = slugify(source.value); }
    };
    source.addEventListener("input", follow);
    follow(); // a name typed before this script ran (slow connection) still fills the slug
  }

  // A native colour picker next to each hex field, kept in sync both ways.
  document.querySelectorAll("[data-color-input]").forEach(function (input) {
    var picker = document.createElement("input");
    picker.type = "color";
    picker.className = "color-swatch";
    picker.setAttribute("aria-hidden", "true");
    picker.tabIndex = -1;
    picker.value = /^#[0-9a-f]{6}$/i.test(input.value) ? input.value : "#4338ca";
    var wrap = document.createElement("div");
    wrap.className = "color-field";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(picker);
    wrap.appendChild(input);
    picker.addEventListener("input", function () { input.value = picker.value; });
    input.addEventListener("input", function () {
      if (/^#[0-9a-f]{6}$/i.test(input.value)) { picker.value = input.value; }
    });
  });

  // City picker: choosing a result fills the location form in place.
  function setField(name, value) {
    var field = document.querySelector("[data-location-form] [data-geo='" + name + "']");
    if (!field) { return; }
    field.value = value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".city-result");
    if (!link || !document.querySelector("[data-location-form]")) { return; }
    event.preventDefault();
    setField("city", link.dataset.city);
    setField("country", link.dataset.country);
    setField("latitude", link.dataset.latitude);
    setField("longitude", link.dataset.longitude);
    setField("geoname_id", link.dataset.geonameId);
    var results = document.getElementById("city-results");
    if (results) {
      var done = document.createElement("p");
      done.className = "city-picked";
      done.setAttribute("role", "status");
      done.textContent = "✓ " + link.querySelector(".city-result-name").textContent + " — " +
        link.querySelector(".city-result-meta").textContent;
      results.replaceChildren(done);
    }
    var next = document.querySelector("[data-location-form] input[name='street_address']");
    if (next) { next.focus(); }
  });
  // Arrow keys move through the results; Enter follows the link (handled above).
  document.addEventListener("keydown", function (event) {
    var search = document.getElementById("id_city-q");
    if (!search || (event.key !== "ArrowDown" && event.key !== "ArrowUp")) { return; }
    var links = Array.prototype.slice.call(document.querySelectorAll("#city-results .city-result"));
    if (!links.length) { return; }
    var index = links.indexOf(document.activeElement);
    if (document.activeElement !== search && index === -1) { return; }
    event.preventDefault();
    index = event.key === "ArrowDown" ? Math.min(index + 1, links.length - 1) : index - 1;
    (index < 0 ? search : links[index]).focus();
  });

  // Copy an invitation link.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.querySelector(button.dataset.copy);
      navigator.clipboard.writeText(field.value).then(function () {
        var label = button.innerHTML;
        button.textContent = "✓ " + button.dataset.copiedLabel;
        setTimeout(function () { button.innerHTML = label; }, 2000);
      });
    });
  });
  document.querySelectorAll("[data-invite-link]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });

  // Ask before destructive actions.
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
