/* ENT Groupement — the messagerie's compose page saves its draft as one types: a few seconds
   after the last keystroke, the form (without its files) is posted with action=autosave; the
   server answers 204 and, for a new message, the address of the draft it created, which the
   form then posts to. Without JavaScript every button of the form saves the draft first. */
(function () {
  "use strict";

  var DELAY = 3000;

  function start(form) {
    var timer = null;
    var status = form.querySelector("[data-autosave-status]");

    function save() {
      var data = new FormData(form);
      data.delete("attachments");
      data.set("action", "autosave");
      fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" }
      }).then(function (answer) {
        if (answer.status !== 204) { return; }
        var draft = answer.headers.get("X-Draft-Url");
        if (draft) { form.setAttribute("action", draft); }
        if (status) { status.textContent = "Brouillon enregistré."; }
      }).catch(function () {
        if (status) { status.textContent = "Brouillon non enregistré : vérifiez la connexion."; }
      });
    }

    form.addEventListener("input", function (event) {
      if (event.target && event.target.type === "file") { return; }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, DELAY);
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosave]").forEach(start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
