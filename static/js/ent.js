/* ENT Groupement — small enhancements shared by every page (no inline script: the pages are
   served under a Content-Security-Policy that allows scripts from the ENT only). */
(function () {
  "use strict";

  /* A wide table scrolls inside its own box on a phone instead of widening the page; the box
     is a named, focusable region so that keyboard users can scroll it too. */
  function makeRegion(box, table) {
    if (!box.hasAttribute("tabindex")) {
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      var caption = table ? table.querySelector("caption") : null;
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Tableau");
    }
  }

  function wrapWideTables() {
    document.querySelectorAll("table.listing").forEach(function (table) {
      if (table.parentElement && table.parentElement.classList.contains("table-scroll")) {
        return;
      }
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    // Boxes written in the templates themselves get the same keyboard access.
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      makeRegion(box, box.querySelector("table"));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wrapWideTables);
  } else {
    wrapWideTables();
  }
})();
