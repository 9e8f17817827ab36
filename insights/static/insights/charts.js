// The statistics page's charts; data comes from a json_script element (no inline scripts under the CSP).
// Every chart has a table of the same figures beside it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("insights-charts");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var blue = "#1d70b8", red = "#d4351c", green = "#00703c";
    function draw(id, config) {
      var canvas = document.getElementById(id);
      if (canvas) { config.options = Object.assign({ animation: false }, config.options || {}); new Chart(canvas, config); }
    }
    draw("comparison-chart", {
      type: "bar",
      data: { labels: data.comparison.labels, datasets: [{ label: "Attendance %", data: data.comparison.attendance, backgroundColor: blue }] },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: "% of possible sessions" } } } }
    });
    draw("trend-chart", {
      type: "line",
      data: { labels: data.trend.labels, datasets: [{ label: "Attendance %", data: data.trend.attendance, borderColor: blue, backgroundColor: blue }] },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: "% of possible sessions" } } } }
    });
    draw("behaviour-chart", {
      type: "bar",
      data: {
        labels: data.behaviour.labels,
        datasets: [
          { label: "Positive", data: data.behaviour.positive, backgroundColor: green },
          { label: "Negative", data: data.behaviour.negative, backgroundColor: red }
        ]
      }
    });
  });
})();
