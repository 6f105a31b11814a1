/* Draws every Plotly figure on the page from its JSON data block (figure_html in
   peerwheel/core/charts.py): <script type="application/json" data-plotly-figure="DIV_ID">,
   which the browser never executes. The Content-Security-Policy allows no inline script, so
   this file is the only code that calls Plotly. Runs on page load and after every htmx swap;
   a figure already drawn into its (same) element is not drawn twice. */
(function () {
  "use strict";

  function drawAll() {
    if (typeof Plotly === "undefined") return;
    document.querySelectorAll("script[data-plotly-figure]").forEach(function (block) {
      var target = document.getElementById(block.getAttribute("data-plotly-figure"));
      if (!target || target.plotlyDrawnFrom === block) return;
      var figure = JSON.parse(block.textContent);
      Plotly.newPlot(target, figure.data, figure.layout || {}, figure.config || {});
      target.plotlyDrawnFrom = block;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  document.addEventListener("htmx:load", drawAll);
})();
