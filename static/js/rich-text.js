/* ENT Groupement — the one rich-text editor of every feature (Trix, static/vendor/trix/).

   Progressive enhancement: each <textarea data-rich-text> stays a plain textarea taking HTML
   when scripts do not run. Here it becomes a hidden input of the same name, filled by a
   <trix-editor>; the server sanitises what either sends (apps/richtext/sanitise.py). The
   attribute's value names the sanitiser's profile (apps/richtext/forms.py writes it):
   "notebook" (or empty) for the cahier de textes, "publication" for published pages, which
   also keep headings; the toolbar offers what the profile keeps.

   Loaded (deferred) before trix.umd.min.js, whose default CSS goes into <style> elements: the
   page's Content-Security-Policy lets those in with the nonce this script's data attribute
   carries, which Trix reads from <meta name="trix-csp-nonce"> in the head. */
(function () {
  "use strict";

  var script = document.currentScript;
  var nonce = script ? script.getAttribute("data-trix-style-nonce") : "";
  if (nonce && !document.head.querySelector('meta[name="trix-csp-nonce"]')) {
    var meta = document.createElement("meta");
    meta.setAttribute("name", "trix-csp-nonce");
    meta.setAttribute("content", nonce);
    document.head.appendChild(meta);
  }

  /* Files go through the form's attachments field: none is taken into the text, whether
     chosen, dropped or pasted. */
  document.addEventListener("trix-file-accept", function (event) {
    event.preventDefault();
  });
  document.addEventListener("trix-attachment-add", function (event) {
    /* A picture pasted from a web page arrives as an attachment without a file. */
    if (event.attachment) {
      event.attachment.remove();
    }
  });

  /* The toolbar in French: Trix builds it from its config when the first editor starts. */
  var FRENCH = {
    bold: "Gras",
    italic: "Italique",
    link: "Lien",
    unlink: "Retirer le lien",
    url: "Adresse du lien",
    urlPlaceholder: "Adresse du lien (https://…)",
    quote: "Citation",
    bullets: "Liste à puces",
    numbers: "Liste numérotée",
    indent: "Augmenter le retrait",
    outdent: "Diminuer le retrait",
    undo: "Annuler",
    redo: "Rétablir",
    attachFiles: "Joindre des fichiers",
    heading1: "Intertitre",
    strike: "Barré",
    code: "Code",
    remove: "Retirer",
    captionPlaceholder: "Ajouter une légende…"
  };
  document.addEventListener("trix-before-initialize", function () {
    var config = window.Trix && window.Trix.config;
    if (config && config.lang) {
      Object.assign(config.lang, FRENCH);
    }
    /* Trix's one heading is an <h1>; a published page has its own title as <h1>, so the
       text's headings are <h2> (the "publication" profile keeps <h2> and <h3>). */
    if (config && config.blockAttributes && config.blockAttributes.heading1) {
      config.blockAttributes.heading1.tagName = "h2";
    }
  });

  /* Buttons for what a profile does not keep (apps/richtext/sanitise.py): files (they go
     through the form's attachments field), strike-through and code everywhere; headings too
     in the cahier de textes (an entry sits under the page's own). */
  var UNUSED = [
    ".trix-button-group--file-tools",
    '[data-trix-attribute="strike"]',
    '[data-trix-attribute="code"]'
  ];
  var UNUSED_BY_PROFILE = {
    notebook: ['[data-trix-attribute="heading1"]'],
    publication: []
  };
  document.addEventListener("trix-initialize", function (event) {
    var toolbar = event.target.toolbarElement;
    if (!toolbar) {
      return;
    }
    var profile = event.target.getAttribute("data-rich-text-profile") || "notebook";
    var unused = UNUSED.concat(UNUSED_BY_PROFILE[profile] || UNUSED_BY_PROFILE.notebook);
    unused.forEach(function (selector) {
      toolbar.querySelectorAll(selector).forEach(function (element) {
        element.remove();
      });
    });
  });

  function enhance(textarea) {
    var id = textarea.id;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = textarea.name;
    input.id = id + "_html";
    input.value = textarea.value;

    var editor = document.createElement("trix-editor");
    /* The field's <label for> and the error summary's links now point at the editor, and
       its help and error stay announced with it. */
    editor.id = id;
    editor.setAttribute("input", input.id);
    editor.className = "rich-text";
    editor.setAttribute(
      "data-rich-text-profile",
      textarea.getAttribute("data-rich-text") || "notebook"
    );
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      /* Named by its label for every assistive technology, not only those that follow
         <label for> to a custom element. */
      label.id = label.id || id + "_label";
      editor.setAttribute("aria-labelledby", label.id);
    }
    ["aria-describedby", "aria-invalid"].forEach(function (name) {
      if (textarea.hasAttribute(name)) {
        editor.setAttribute(name, textarea.getAttribute(name));
      }
    });
    /* Trix keeps its toolbar out of the Tab order: its shortcuts are told to keyboard users. */
    var keys = document.createElement("p");
    keys.className = "help";
    keys.id = id + "_keys";
    keys.textContent =
      "Au clavier : Ctrl+B (⌘+B sur Mac) gras, Ctrl+I italique, Ctrl+K lien.";
    editor.setAttribute(
      "aria-describedby",
      ((editor.getAttribute("aria-describedby") || "") + " " + keys.id).trim()
    );
    textarea.replaceWith(input, keys, editor);
  }

  function enhanceAll() {
    document.querySelectorAll("textarea[data-rich-text]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
