// The header search's suggestions: an ARIA combobox (WAI-ARIA APG "list
// autocomplete"). htmx fills the listbox as the visitor types; the arrows move
// through the options (aria-activedescendant), Enter opens the chosen one (or
// submits the search), Escape closes; the count is announced.
(function () {
  "use strict";
  const input = document.getElementById("site-search-q");
  const list = document.getElementById("site-search-options");
  const status = document.getElementById("site-search-status");
  if (!input || !list) return;
  let active = -1;

  const options = () => Array.from(list.querySelectorAll('[role="option"]'));
  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function choose(index) {
    const all = options();
    all.forEach((el, i) => el.setAttribute("aria-selected", i === index ? "true" : "false"));
    active = index;
    if (index >= 0 && all[index]) {
      input.setAttribute("aria-activedescendant", all[index].id);
      all[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  list.addEventListener("htmx:afterSwap", function () {
    const count = list.querySelector("#site-search-count");
    const found = options().length;
    if (status && count) status.textContent = count.textContent;
    if (found && input.value.trim() && document.activeElement === input) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
    active = -1;
  });
  input.addEventListener("keydown", function (event) {
    const all = options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      const step = event.key === "ArrowDown" ? 1 : -1;
      let next = active + step;
      if (next >= all.length) next = 0;
      if (next < 0) next = all.length - 1;
      choose(next);
    } else if (event.key === "Enter" && active >= 0 && all[active] && !list.hidden) {
      event.preventDefault();
      window.location.assign(all[active].dataset.href);
    } else if (event.key === "Escape") {
      if (!list.hidden) {
        event.preventDefault();
        close();
      }
    }
  });
  list.addEventListener("mousedown", function (event) {
    const option = event.target.closest('[role="option"]');
    if (option) {
      event.preventDefault();
      window.location.assign(option.dataset.href);
    }
  });
  input.addEventListener("blur", function () {
    window.setTimeout(close, 150);
  });
})();
