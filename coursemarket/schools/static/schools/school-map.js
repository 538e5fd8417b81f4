// The school page's map: one marker per location card. Tiles come from the
// server's MAP_TILE_URL (data-tile-url); without it this file is not loaded and
// the address cards with their OpenStreetMap links stand on their own.
(function () {
  "use strict";
  function init() {
    var el = document.getElementById("school-map");
    if (!el || typeof L === "undefined") { return; }
    var points = Array.prototype.map.call(document.querySelectorAll("[data-map-point]"), function (card) {
      return { lat: parseFloat(card.dataset.lat), lng: parseFloat(card.dataset.lng), name: card.dataset.name };
    }).filter(function (p) { return isFinite(p.lat) && isFinite(p.lng); });
    if (!points.length) { el.remove(); return; }
    L.Icon.Default.imagePath = el.dataset.iconPath || L.Icon.Default.imagePath;
    var map = L.map(el, { scrollWheelZoom: false });
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    var bounds = [];
    points.forEach(function (p) {
      L.marker([p.lat, p.lng], { title: p.name, alt: p.name }).addTo(map).bindPopup(document.createTextNode(p.name));
      bounds.push([p.lat, p.lng]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 15); } else { map.fitBounds(bounds, { padding: [32, 32], maxZoom: 15 }); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
