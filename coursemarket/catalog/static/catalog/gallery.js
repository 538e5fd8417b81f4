// The course page's gallery: a link per picture opens it large in a <dialog>
// (focus moves in and comes back, Escape closes); Previous/Next and the arrow
// keys step through, in reading order (in right-to-left pages the left arrow
// goes forward). Without this script each link opens the picture itself.
(function () {
  "use strict";
  var dialog = document.querySelector("[data-gallery-dialog]");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-gallery-item]"));
  var image = dialog.querySelector("[data-gallery-image]");
  var caption = dialog.querySelector("[data-gallery-caption]");
  var current = 0, opener = null;
  var rtl = document.documentElement.dir === "rtl";
  function show(index) {
    current = (index + items.length) % items.length;
    var item = items[current];
    image.src = item.getAttribute("href");
    image.alt = item.getAttribute("data-alt") || "";
    caption.textContent = item.getAttribute("data-alt") || "";
  }
  items.forEach(function (item, index) {
    item.addEventListener("click", function (event) {
      event.preventDefault();
      opener = item;
      show(index);
      dialog.showModal();
    });
  });
  dialog.querySelector("[data-gallery-prev]").addEventListener("click", function () { show(current - 1); });
  dialog.querySelector("[data-gallery-next]").addEventListener("click", function () { show(current + 1); });
  dialog.querySelector("[data-gallery-close]").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("keydown", function (event) {
    if (event.key === "ArrowRight") { show(current + (rtl ? -1 : 1)); event.preventDefault(); }
    if (event.key === "ArrowLeft") { show(current + (rtl ? 1 : -1)); event.preventDefault(); }
  });
  dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
  dialog.addEventListener("close", function () { if (opener) opener.focus(); });
})();
