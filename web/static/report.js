// Niaga report pages: the report's chart (bars by category, or a line over
// time), drawn with Chart.js from the canvas's data attribute. The same
// figures are in the tables below it and in every download.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var canvas = document.getElementById("report-chart");
    if (!canvas || typeof Chart === "undefined") { return; }
    var c = JSON.parse(canvas.dataset.chart);
    var nf = new Intl.NumberFormat(c.lang === "en" ? "en-US" : "id-ID", { maximumFractionDigits: 0 });
    var fmt = function (v) { return (c.money ? c.currency : "") + nf.format(v); };
    // Axis ticks in thousands, millions, billions keep long Rupiah readable.
    var short = new Intl.NumberFormat(c.lang === "en" ? "en-US" : "id-ID", { notation: "compact", maximumFractionDigits: 1 });
    var line = !!c.line;
    var big = Math.max.apply(null, c.values.map(Math.abs)) >= 1e6;
    var value = { ticks: { color: "#4a5561", callback: function (v) { return big ? short.format(v) : nf.format(v); } }, grid: { color: "#e3e6e1" } };
    var category = { ticks: { color: "#17202a", autoSkip: line, maxTicksLimit: line ? 8 : undefined }, grid: { display: false } };
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: c.labels,
        datasets: [{
          label: c.title, data: c.values,
          backgroundColor: "#2e7d50", borderColor: "#0b6142",
          borderWidth: line ? 2 : 0, pointRadius: line ? 2 : 0, tension: 0
        }]
      },
      options: {
        indexAxis: line ? "x" : "y",
        responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (ctx) { return fmt(ctx.raw); } } }
        },
        scales: line ? { x: category, y: value } : { x: value, y: category }
      }
    });
  });
})();
