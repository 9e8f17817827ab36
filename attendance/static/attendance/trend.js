// Weekly trend chart; data comes from a json_script element (no inline scripts under the CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("trend-data");
    var canvas = document.getElementById("trend-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Attendance %", data: data.attendance, borderColor: "#1d70b8", backgroundColor: "#1d70b8", pointStyle: "circle" },
          { label: "Absence %", data: data.absence, borderColor: "#d4351c", backgroundColor: "#d4351c", borderDash: [6, 4], pointStyle: "rectRot" }
        ]
      },
      options: { animation: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "% of possible sessions" } } } }
    });
  });
})();
