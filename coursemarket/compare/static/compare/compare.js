/* The compare tray and the "Compare" toggles (compare app).
 *
 * Pages are cached for anonymous visitors, so nothing about a visitor's tray is in them: this script loads the
 * tray (GET /<lang>/compare/tray/ as an htmx-style fragment) when the visitor may have one (signed in, or the
 * cm_compare cookie the tray sets), shows which courses are in it (aria-pressed on each toggle), and adds or
 * removes a course with a POST carrying the CSRF token the fragment holds. Without JavaScript the toggles open
 * the tray page and the tray's buttons are plain forms.
 *
 * On the comparison pages it also applies "Show differences only" at once and keeps the address in step. */
(() => {
  "use strict";
  const slot = document.getElementById("compare-tray-slot");
  const live = document.getElementById("compare-tray-live");
  const url = slot && slot.dataset.trayUrl;
  let slugs = new Set();
  let loading = null;

  const toggles = () => document.querySelectorAll("[data-compare-toggle]");
  const paintToggles = () => toggles().forEach((form) => {
    const button = form.querySelector("button");
    if (button) button.setAttribute("aria-pressed", slugs.has(form.dataset.compareToggle) ? "true" : "false");
  });

  function paint(html, announce) {
    slot.innerHTML = html;
    const tray = slot.querySelector(".compare-tray");
    slugs = new Set(((tray && tray.dataset.slugs) || "").split(",").filter(Boolean));
    paintToggles();
    // Scrolling to a focused control or an anchor leaves room for the sticky tray (WCAG 2.4.11).
    document.documentElement.style.setProperty("--compare-tray-space", `${slot.offsetHeight}px`);
    const message = slot.querySelector(".compare-tray-message");
    if (announce && live && message) live.textContent = message.textContent.trim();
  }

  function load() {
    if (!loading) {
      loading = fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then((response) => response.text())
        .then((html) => paint(html, false));
    }
    return loading;
  }

  function token() {
    const input = slot.querySelector("[data-compare-csrf] input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  async function post(data) {
    await load();
    const response = await fetch(url, {
      method: "POST",
      body: data,
      headers: { "HX-Request": "true", "X-CSRFToken": token() },
      credentials: "same-origin",
    });
    paint(await response.text(), true);
  }

  if (slot && url) {
    document.addEventListener("submit", (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      if (form.matches("[data-compare-toggle]")) {
        event.preventDefault();
        const slug = form.dataset.compareToggle;
        load().then(() => {
          const data = new FormData();
          data.set("action", slugs.has(slug) ? "remove" : "add");
          data.set("course", slug);
          return post(data);
        });
      } else if (slot.contains(form) && form.matches("[data-compare-action]")) {
        event.preventDefault();
        post(new FormData(form));
      }
    });
    if (slot.hasAttribute("data-signed-in") || /(?:^|;\s*)cm_compare=[1-9]/.test(document.cookie)) load();
    else paintToggles(); // nothing chosen yet
    document.addEventListener("htmx:afterSwap", paintToggles); // new cards (listing filters, pages)
  }

  // "Show differences only": rows the same in every column hide, and sections left empty with them.
  const table = document.querySelector("[data-compare-table]");
  const diff = document.querySelector("[data-compare-diff]");
  if (table && diff) {
    const allSame = document.querySelector("[data-compare-all-same]");
    const apply = () => {
      const on = diff.checked;
      table.classList.toggle("is-diff", on);
      let shown = 0;
      table.querySelectorAll("tbody[data-compare-section]").forEach((section) => {
        const rows = section.querySelectorAll("tr[data-row]");
        let visible = 0;
        rows.forEach((row) => {
          row.hidden = on && row.hasAttribute("data-same");
          if (!row.hidden) visible += 1;
        });
        section.hidden = visible === 0;
        shown += visible;
      });
      if (allSame) allSame.hidden = shown !== 0;
      const address = new URL(window.location.href);
      if (on) address.searchParams.set("diff", "1");
      else address.searchParams.delete("diff");
      window.history.replaceState(null, "", address.toString());
    };
    diff.addEventListener("change", apply);
  }
})();
