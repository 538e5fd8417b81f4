// The operators' dashboard charts (Chart.js, vendored). The numbers come from
// the page (json_script); every chart has its table and a sentence beside it.
// As on a school's dashboard, in a right-to-left page the time axis runs right
// to left and the value axis moves to the right; the bar charts of the top
// categories and cities grow from the reading side.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("operator-chart-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var styles = getComputedStyle(document.documentElement);
    var primary = styles.getPropertyValue("--cm-primary").trim() || "#4338ca";
    var ink = styles.getPropertyValue("--cm-muted").trim() || "#4b5563";
    var palette = ["#047857", "#b45309", "#be123c", "#1d4ed8"];
    window.Chart.defaults.color = ink;
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    var money = function (value, currency) {
      try {
        return new Intl.NumberFormat(data.locale, { style: "currency", currency: currency }).format(Number(value));
      } catch (error) {
        return value + " " + currency;
      }
    };
    var base = function () {
      return {
        responsive: true,
        maintainAspectRatio: false,
        locale: data.locale,
        animation: false,
        plugins: { legend: { rtl: rtl, position: "bottom" }, tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" } },
      };
    };

    var gmvCanvas = document.getElementById("gmv-chart");
    if (gmvCanvas) {
      var currencies = Object.keys(data.gmv);
      var datasets = [{ type: "bar", label: data.bookingsLabel, data: data.bookings, backgroundColor: primary, yAxisID: "count" }];
      currencies.forEach(function (currency, index) {
        var colour = palette[index % palette.length];
        datasets.push({
          type: "line", label: data.gmvLabel + " (" + currency + ")", currency: currency,
          data: data.gmv[currency].map(Number), borderColor: colour, backgroundColor: colour,
          pointRadius: 2, tension: 0.2, yAxisID: "money",
        });
      });
      var options = base();
      options.interaction = { mode: "index", intersect: false };
      options.plugins.tooltip.callbacks = {
        label: function (item) {
          var set = item.dataset;
          return set.label + ": " + (set.currency ? money(item.raw, set.currency) : item.formattedValue);
        },
      };
      options.scales = {
        x: { reverse: rtl, ticks: { autoSkip: true, maxRotation: 0 }, grid: { display: false } },
        count: { position: rtl ? "right" : "left", beginAtZero: true, ticks: { precision: 0 } },
        money: { position: rtl ? "left" : "right", beginAtZero: true, grid: { display: false }, display: currencies.length > 0 },
      };
      gmvCanvas.chart = new window.Chart(gmvCanvas, { data: { labels: data.labels, datasets: datasets }, options: options });
    }
    ["categories", "cities"].forEach(function (key) {
      var canvas = document.getElementById(key + "-chart");
      if (!canvas) return;
      var options = base();
      options.indexAxis = "y";
      options.plugins.legend.display = false;
      options.scales = {
        x: { reverse: rtl, beginAtZero: true, ticks: { precision: 0 } },
        y: { position: rtl ? "right" : "left", grid: { display: false } },
      };
      canvas.chart = new window.Chart(canvas, {
        type: "bar",
        data: { labels: data[key].labels, datasets: [{ label: data.bookingsLabel, data: data[key].bookings, backgroundColor: primary }] },
        options: options,
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
