/*
 * Funding report charts (admin). The page carries the figures in a
 * json_script block (#funding-chart-data); each chart names the canvas it
 * draws on. The tables beside the charts hold the same numbers, so the
 * page still reads without JavaScript.
 */
(function () {
  "use strict";

  // Admin blue for money committed, amber for money paid out.
  var COLOURS = { committed: "#417690", disbursed: "#d9822b" };

  function draw() {
    var source = document.getElementById("funding-chart-data");
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var locale = document.documentElement.lang || spec.locale || undefined;
    var number = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });

    spec.charts.forEach(function (chart) {
      var canvas = document.getElementById(chart.canvas);
      if (!canvas) {
        return;
      }
      var horizontal = chart.type === "bar";
      if (horizontal) {
        // Room for every region or sector name, one bar pair per line.
        canvas.parentElement.style.height = Math.max(220, 60 + 34 * chart.labels.length) + "px";
      }
      var valueAxis = horizontal ? "x" : "y";
      var scales = {};
      scales[valueAxis] = {
        beginAtZero: true,
        ticks: { callback: function (value) { return number.format(value); } }
      };
      new window.Chart(canvas, {
        type: chart.type,
        data: {
          labels: chart.labels,
          datasets: chart.series.map(function (series) {
            return {
              label: series.label,
              data: series.data,
              borderColor: COLOURS[series.kind],
              backgroundColor: COLOURS[series.kind],
              borderWidth: 2,
              pointRadius: chart.labels.length > 36 ? 0 : 3
            };
          })
        },
        options: {
          indexAxis: horizontal ? "y" : "x",
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: scales,
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: function (context) {
                  var value = horizontal ? context.parsed.x : context.parsed.y;
                  return context.dataset.label + ": " + number.format(value) + "\u00a0" + chart.currency;
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
