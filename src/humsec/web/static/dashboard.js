// humsec dashboard: draw every Plotly figure the server sent (data-figure JSON), on the first
// load and after each HTMX swap. No other behaviour lives in scripts.
(function () {
  function draw(el) {
    if (!window.Plotly || el.dataset.drawn) return;
    var fig = JSON.parse(el.dataset.figure);
    el.dataset.drawn = "1";
    window.Plotly.newPlot(el, fig.data, fig.layout || {}, {
      responsive: true, displaylogo: false, modeBarButtonsToRemove: ["select2d", "lasso2d"]
    });
  }
  function drawAll(root) {
    var found = root.querySelectorAll ? root.querySelectorAll("[data-figure]") : [];
    if (root.dataset && root.dataset.figure) draw(root);
    found.forEach(draw);
  }
  document.addEventListener("DOMContentLoaded", function () {
    drawAll(document);
    if (window.htmx) window.htmx.onLoad(drawAll);
  });
})();
// Show error pages (4xx/5xx) in the swapped area too, so a refused form says why.
document.addEventListener("DOMContentLoaded", function () {
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      {code: "204", swap: false},
      {code: "[2345]..", swap: true}
    ];
  }
});
