/* ONDE import status page (templates/schools/imports/status.html): polls the job's state
   while it runs and updates the progress bar, then reloads the page once it has finished.
   Its parameters come from the #avancement section's data- attributes (no inline script:
   the pages are served under a Content-Security-Policy that allows scripts from the ENT only). */
(function () {
  "use strict";
  var section = document.getElementById("avancement");
  if (!section || section.getAttribute("data-finished") === "1") { return; }
  var url = section.getAttribute("data-state-url");
  var bar = document.getElementById("barre-import");
  var status = document.getElementById("etat-import");
  var lastText = status.textContent;
  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    var text = state.status_label;
    if (state.phase && !state.finished) {
      text += " — " + state.phase + " : " + state.processed + " / " + state.total;
    }
    if (text !== lastText) { status.textContent = text; lastText = text; }
  }
  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
}());
