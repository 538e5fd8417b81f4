// On phones the account navigation is a sideways-scrolling row: bring the
// current page's pill into view. Nothing depends on this file.
(function () {
  "use strict";
  var nav = document.querySelector(".settings-nav");
  var current = nav && nav.querySelector("[aria-current=page]");
  if (!nav || !current || nav.scrollWidth <= nav.clientWidth) { return; }
  var item = current.getBoundingClientRect();
  var box = nav.getBoundingClientRect();
  nav.scrollLeft += (item.left + item.width / 2) - (box.left + box.width / 2);
})();
