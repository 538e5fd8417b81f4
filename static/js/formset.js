// "Add a row" for Django formsets: clones <template id="PREFIX-empty">,
// replacing __prefix__ with the next index, and bumps PREFIX-TOTAL_FORMS.
(function () {
  "use strict";
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      var added = rows.lastElementChild;
      var number = added.querySelector(".meeting-number");
      if (number) { number.textContent = String(index + 1); }
      total.value = String(index + 1);
      var first = added.querySelector("input");
      if (first) { first.focus(); }
    });
  });
})();
