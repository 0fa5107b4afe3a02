// humsec dashboard: draw every Plotly figure the server sent (data-figure JSON), on the first
// load and after each HTMX swap; follow running jobs' progress (below). No other behaviour
// lives in scripts.
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

// A running job's progress ([data-job-events]): the job's server-sent events move the bar as
// they come; when the job ends, HTMX fetches the final fragment (with the results) once.
// Where the browser has no EventSource, or the stream breaks, the fragment is polled instead
// (every 0.7 s). document.body.dataset.jobProgress says which way the page followed it.
(function () {
  var ENDED = {done: true, failed: true, cancelled: true};
  var polled = {};  // job ids whose stream failed: polled from then on
  function refresh(el, delay) {
    setTimeout(function () { window.htmx.trigger(el, "humsec-poll"); }, delay);
  }
  function show(el, view) {
    var percent = Math.round(view.progress * 100);
    var bar = el.querySelector("progress");
    if (bar) { bar.value = percent; bar.textContent = percent + " %"; }
    var parts = {"[data-job-status]": view.status, "[data-job-percent]": String(percent),
                 "[data-job-message]": view.error || view.message};
    Object.keys(parts).forEach(function (selector) {
      var part = el.querySelector(selector);
      if (part) part.textContent = parts[selector];
    });
  }
  function follow(el) {
    if (!el.dataset || !el.dataset.jobEvents || el.dataset.followed) return;
    el.dataset.followed = "1";
    var job = el.dataset.jobId;
    if (!window.EventSource || polled[job]) {
      document.body.dataset.jobProgress = "polling";
      refresh(el, 700);
      return;
    }
    document.body.dataset.jobProgress = "events";
    var source = new window.EventSource(el.dataset.jobEvents);
    var ended = false;
    source.addEventListener("job", function (event) {
      var view = JSON.parse(event.data);
      show(el, view);
      if (ENDED[view.status]) {
        ended = true;
        source.close();
        refresh(el, 0);
      }
    });
    source.onerror = function () {
      if (ended) return;
      source.close();
      polled[job] = true;
      document.body.dataset.jobProgress = "polling";
      refresh(el, 700);
    };
  }
  function followAll(root) {
    if (root.dataset && root.dataset.jobEvents) follow(root);
    var found = root.querySelectorAll ? root.querySelectorAll("[data-job-events]") : [];
    found.forEach(follow);
  }
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) return;
    followAll(document);
    window.htmx.onLoad(followAll);
  });
})();
