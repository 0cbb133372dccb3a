// Month-by-month index of the dashboard (data from the #trend-data JSON block; the table
// beside it holds the same figures for readers without the chart).
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        {
          label: data.label,
          data: data.percent,
          spanGaps: false,
          tension: 0.2,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      scales: { y: { min: 0, max: 100, title: { display: true, text: "%" } } },
    },
  });
})();
