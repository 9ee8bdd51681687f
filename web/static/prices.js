// Niaga price board: the price history of one commodity and grade, one
// line per province, drawn with Chart.js from the page's data attribute.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var canvas = document.getElementById("price-chart");
    if (!canvas || typeof Chart === "undefined") { return; }
    var lines = JSON.parse(canvas.dataset.chart);
    var lang = canvas.dataset.lang === "en" ? "en-US" : "id-ID";
    var nf = new Intl.NumberFormat(lang);
    var cur = canvas.dataset.currency;
    var palette = ["#0b6142", "#9a5b00", "#1b5fc1", "#a4161a", "#6a3d9a", "#00747a"];
    // One category per sale date, in time order; a province without a sale
    // that day has a gap its line spans.
    var days = {};
    lines.forEach(function (l) { l.points.forEach(function (p) { days[p.d] = p.l; }); });
    var order = Object.keys(days).sort();
    var labels = order.map(function (d) { return days[d]; });
    var datasets = lines.map(function (l, i) {
      var by = {};
      l.points.forEach(function (p) { by[p.d] = p.p; });
      return {
        label: l.label,
        data: order.map(function (d) { return d in by ? by[d] : null; }),
        borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
        borderWidth: 2, pointRadius: 3, tension: 0.2, spanGaps: true
      };
    });
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: lines.length > 1, labels: { color: "#17202a" } },
          tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + cur + nf.format(c.raw); } } }
        },
        scales: {
          x: { ticks: { color: "#4a5561", maxTicksLimit: 8 }, grid: { color: "#e3e6e1" } },
          y: { ticks: { color: "#4a5561", callback: function (v) { return nf.format(v); } }, grid: { color: "#e3e6e1" } }
        }
      }
    });
  });
})();
