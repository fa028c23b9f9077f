/*
 * Reported figures (admin): bars per milestone for the chosen program.
 * The figures come in a json_script block (#milestone-chart-data); the
 * table above holds the sums, so the page reads without JavaScript.
 */
(function () {
  "use strict";

  var COLOURS = {
    revenue: "#417690",
    investment: "#d9822b",
    users: "#5b8c5a",
    jobs: "#8e6c8a"
  };

  function draw() {
    var source = document.getElementById("milestone-chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var locale = document.documentElement.lang || undefined;
    var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    spec.charts.forEach(function (chart) {
      var canvas = document.getElementById(chart.canvas);
      if (!canvas) {
        return;
      }
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: chart.series.map(function (series) {
            return {
              label: series.label,
              data: series.data,
              backgroundColor: COLOURS[series.kind],
              borderColor: COLOURS[series.kind]
            };
          })
        },
        options: {
          maintainAspectRatio: false,
          animation: false,
          scales: {
            y: { beginAtZero: true, ticks: { callback: function (v) { return number.format(v); } } }
          },
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: function (context) {
                  var unit = chart.unit ? "\u00a0" + chart.unit : "";
                  return context.dataset.label + ": " + number.format(context.parsed.y) + unit;
                }
              }
            }
          }
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
