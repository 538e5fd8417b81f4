// The listing's filters: "Use my position" asks the browser for it only when
// clicked (never on load) and searches around it; typing a city drops it.
// Without this file the city field does the same job.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  function dropPosition() {
    form.querySelectorAll("input[name=lat], input[name=lng]").forEach(function (input) { input.remove(); });
  }
  form.addEventListener("input", function (event) {
    if (event.target && event.target.name === "city") { dropPosition(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-near-me]");
    if (!button || !navigator.geolocation) { return; }
    var status = form.querySelector("[data-near-me-status]");
    if (status) { status.textContent = button.getAttribute("data-locating"); }
    navigator.geolocation.getCurrentPosition(function (position) {
      dropPosition();
      var city = form.querySelector("input[name=city]");
      if (city) { city.value = ""; }
      [["lat", position.coords.latitude], ["lng", position.coords.longitude]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1].toFixed(5);
        form.appendChild(input);
      });
      var sort = form.querySelector("select[name=sort]");
      if (sort) { sort.value = "distance"; }
      if (status) { status.textContent = ""; }
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }, function () {
      if (status) { status.textContent = button.getAttribute("data-denied"); }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
})();
