// Share menu (promotions/includes/share_menu.html): on a phone with the Web
// Share API the button opens the phone's own share sheet; elsewhere (or if
// the sheet is dismissed without sharing) the menu of plain links opens.
// "Copy link" copies the link. Copies and shares are recorded by a POST to
// our own page; the links record themselves (they go through it).
(function () {
  "use strict";

  function record(menu, channel) {
    var body = new FormData();
    body.append("channel", channel);
    body.append("kind", menu.dataset.shareKind || "");
    body.append("id", menu.dataset.shareId || "");
    body.append("path", location.pathname);
    fetch(menu.dataset.shareRecord, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
      .catch(function () {});
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy"));
    });
  }

  function phoneShare() {
    return typeof navigator.share === "function" && window.matchMedia("(pointer: coarse)").matches;
  }

  document.querySelectorAll("[data-share]").forEach(function (menu) {
    if (menu.dataset.shareBound) return;  // the script may be on the page twice
    menu.dataset.shareBound = "1";
    var summary = menu.querySelector("summary");
    var status = menu.querySelector("[data-share-status]");
    summary.addEventListener("click", function (event) {
      if (menu.open || !phoneShare()) return;
      event.preventDefault();
      navigator.share({ title: menu.dataset.shareTitle || document.title, url: menu.dataset.shareUrl })
        .then(function () { record(menu, "native"); })
        .catch(function (error) { if (!error || error.name !== "AbortError") menu.open = true; });
    });
    menu.querySelectorAll("[data-share-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = menu.querySelector(".share-copy input");
        copy(input.value).then(function () {
          status.textContent = button.dataset.copied;
          record(menu, "copy");
        }, function () { input.select(); });
      });
    });
  });

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    if (button.dataset.copyBound) return;
    button.dataset.copyBound = "1";
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copyTarget);
      copy(input.value).then(function () {
        button.textContent = button.dataset.copied;
      }, function () { input.select(); });
    });
  });

  // Close an open menu with Escape, focus back on its button.
  if (window.cmShareKeys) return;
  window.cmShareKeys = true;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("[data-share][open]").forEach(function (menu) {
      menu.open = false;
      menu.querySelector("summary").focus();
    });
  });
})();
