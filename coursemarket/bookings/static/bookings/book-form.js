// Booking form on session cards: reveal one name field per seat when more
// than one seat is chosen. Without this file the server asks for the names.
(function () {
  "use strict";
  function sync(form) {
    var select = form.querySelector("[data-book-seats]");
    var box = form.querySelector("[data-book-attendees]");
    if (!select || !box) { return; }
    var seats = parseInt(select.value, 10) || 1;
    box.hidden = seats < 2;
    box.querySelectorAll("[data-attendee-row]").forEach(function (row) {
      var on = seats > 1 && parseInt(row.getAttribute("data-attendee-row"), 10) <= seats;
      var input = row.querySelector("input");
      row.hidden = !on;
      input.disabled = !on;
      input.required = on;
    });
  }
  document.querySelectorAll("[data-book-form]").forEach(function (form) {
    sync(form);
    form.addEventListener("change", function (event) {
      if (event.target.matches("[data-book-seats]")) { sync(form); }
    });
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
})();
