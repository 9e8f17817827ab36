// Share of results at or above target per assessment point; data from a json_script element (CSP: no inline scripts).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("progress-data");
    var canvas = document.getElementById("progress-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: [{ label: "At or above target %", data: data.share, borderColor: "#1d70b8", backgroundColor: "#1d70b8" }] },
      options: { animation: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "% of results at or above target" } } } }
    });
  });
})();
