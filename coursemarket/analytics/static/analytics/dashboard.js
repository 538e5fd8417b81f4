// The analytics dashboard's charts (Chart.js, vendored). The numbers come from
// the page (json_script); every chart has its table and a sentence beside it.
// In a right-to-left page the time axis runs right to left (newest day on the
// left), as Arabic readers read a timeline; the value axis moves to the right.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("analytics-chart-data");
    if (!source || !window.Chart) return;
    var data = JSON.parse(source.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var styles = getComputedStyle(document.documentElement);
    var primary = styles.getPropertyValue("--cm-primary").trim() || "#4338ca";
    var ink = styles.getPropertyValue("--cm-muted").trim() || "#4b5563";
    var palette = [primary, "#047857", "#b45309", "#be123c"];
    var font = { family: getComputedStyle(document.body).fontFamily };
    window.Chart.defaults.color = ink;
    window.Chart.defaults.font.family = font.family;

    function options(formatValue) {
      return {
        responsive: true,
        maintainAspectRatio: false,
        locale: data.locale,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { rtl: rtl, display: true, position: "bottom" },
          tooltip: {
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            callbacks: formatValue ? { label: function (item) { return item.dataset.label + ": " + formatValue(item.raw, item.dataset.currency); } } : {},
          },
        },
        scales: {
          x: { reverse: rtl, ticks: { autoSkip: true, maxRotation: 0 }, grid: { display: false } },
          y: { position: rtl ? "right" : "left", beginAtZero: true, ticks: { precision: 0 } },
        },
      };
    }

    var bookingsCanvas = document.getElementById("bookings-chart");
    if (bookingsCanvas) {
      bookingsCanvas.chart = new window.Chart(bookingsCanvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [
            // Started (seats held at checkout) beside confirmed (paid, or free), like pretix's ordered and paid.
            { label: data.ordersLabel, data: data.orders, backgroundColor: "#a5b4fc" },
            { label: data.bookingsLabel, data: data.bookings, backgroundColor: primary },
          ],
        },
        options: options(null),
      });
    }
    var revenueCanvas = document.getElementById("revenue-chart");
    if (revenueCanvas) {
      var currencies = Object.keys(data.revenue);
      var money = function (value, currency) {
        try {
          return new Intl.NumberFormat(data.locale, { style: "currency", currency: currency }).format(Number(value));
        } catch (error) {
          return value + " " + currency;
        }
      };
      revenueCanvas.chart = new window.Chart(revenueCanvas, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: currencies.flatMap(function (currency, index) {
            var colour = palette[index % palette.length];
            return [
              {
                type: "bar",
                label: data.revenueLabel + " (" + currency + ")",
                currency: currency,
                data: data.revenue[currency].map(Number),
                backgroundColor: colour,
                yAxisID: "y",
              },
              {
                type: "line",
                label: data.revenueTotalLabel + " (" + currency + ")",
                currency: currency,
                data: data.revenueTotal[currency].map(Number),
                borderColor: colour,
                backgroundColor: colour,
                borderDash: [5, 4],
                pointRadius: 0,
                tension: 0.2,
                yAxisID: "total",
              },
            ];
          }),
        },
        options: (function () {
          var revenueOptions = options(money);
          // The running total on its own axis, on the other side from the day's figures.
          revenueOptions.scales.total = { position: rtl ? "left" : "right", beginAtZero: true, grid: { display: false } };
          return revenueOptions;
        })(),
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
