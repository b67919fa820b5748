// Charts follow the window's width on screen; for printing they are redrawn at the page's width.
(function () {
  var PRINT_WIDTH = 700;
  function charts() {
    return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot"));
  }
  window.addEventListener("beforeprint", function () {
    if (!window.Plotly) { return; }
    charts().forEach(function (chart) { Plotly.relayout(chart, { width: PRINT_WIDTH }); });
  });
  window.addEventListener("afterprint", function () {
    if (!window.Plotly) { return; }
    charts().forEach(function (chart) { Plotly.relayout(chart, { width: null, autosize: true }); });
  });
})();
