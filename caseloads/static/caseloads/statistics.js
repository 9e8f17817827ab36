// Caseload statistics chart; data from a json_script element (no inline scripts under the CSP). The same
// figures are in the table beside it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("statistics-data");
    var canvas = document.getElementById("statistics-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Sessions delivered of those due %", data: data.delivered, backgroundColor: "#1d70b8" },
          { label: "Groups on track for the entitlement %", data: data.on_track, backgroundColor: "#00703c" },
          { label: "LPR completion this window %", data: data.lpr, backgroundColor: "#f47738" },
          { label: "LPRs on time %", data: data.on_time, backgroundColor: "#4c2c92" }
        ]
      },
      options: { animation: false, indexAxis: data.labels.length > 8 ? "y" : "x",
                 scales: { y: { min: 0, max: data.labels.length > 8 ? undefined : 100 } } }
    });
  });
})();
