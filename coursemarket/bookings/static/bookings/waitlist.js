// Show one name field per seat on the waitlist join page; without this file
// every field shows and only the first ones (one per seat) are used.
(function () {
  "use strict";
  var seats = document.querySelector("[data-waitlist-seats]");
  if (!seats) { return; }
  var rows = document.querySelectorAll("[data-attendee-row]");
  var wrap = document.querySelector("[data-attendees]");
  function update() {
    var n = parseInt(seats.value, 10) || 1;
    if (wrap) { wrap.hidden = n < 2; }
    rows.forEach(function (row, index) { row.hidden = index >= n; });
  }
  seats.addEventListener("change", update);
  update();
})();
