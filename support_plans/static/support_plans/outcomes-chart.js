// Outcomes over time: a stacked bar chart from the JSON the page carries (no inline script: strict CSP).
document.addEventListener("DOMContentLoaded", function () {
  var canvas = document.getElementById("psp-outcomes");
  var source = document.getElementById("psp-outcomes-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Successful", data: data.successful, backgroundColor: "#0b6e3a" },
        { label: "Unsuccessful", data: data.unsuccessful, backgroundColor: "#a4161a" }
      ]
    },
    options: {
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
});
