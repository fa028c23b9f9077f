/*
 * Public results page charts. The page carries the figures in a json_script
 * block (#results-chart-data); each chart names the canvas it draws on. The
 * tables beside the charts hold the same numbers, so the page still reads
 * without JavaScript.
 */
(function () {
  "use strict";

  // Bootstrap's primary blue for money awarded, amber for money paid out.
  var COLOURS = { committed: "#0d6efd", disbursed: "#d9822b" };

  function draw() {
    var source = document.getElementById("results-chart-data");
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
      // Room for every region or sector name, one pair of bars per line.
      canvas.parentElement.style.height = Math.max(200, 60 + 34 * chart.labels.length) + "px";
      new window.Chart(canvas, {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: chart.series.map(function (series) {
            return {
              label: series.label,
              data: series.data,
              borderColor: COLOURS[series.kind],
              backgroundColor: COLOURS[series.kind]
            };
          })
        },
        options: {
          indexAxis: "y",
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: {
              beginAtZero: true,
              ticks: { callback: function (value) { return number.format(value); } }
            }
          },
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: function (context) {
                  return context.dataset.label + ": " + number.format(context.parsed.x) + "\u00a0" + chart.currency;
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
