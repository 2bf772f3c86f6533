/* ENT Groupement — the cahier de textes' rich-text editor (Trix, static/vendor/trix/).

   Progressive enhancement: each <textarea data-rich-text> stays a plain textarea taking HTML
   when scripts do not run. Here it becomes a hidden input of the same name, filled by a
   <trix-editor>; the server sanitises what either sends (apps/homework/formatting.py).

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
    heading1: "Titre",
    strike: "Barré",
    code: "Code",
    remove: "Retirer",
    captionPlaceholder: "Ajouter une légende…"
  };
  document.addEventListener("trix-before-initialize", function () {
    if (window.Trix && window.Trix.config && window.Trix.config.lang) {
      Object.assign(window.Trix.config.lang, FRENCH);
    }
  });

  /* Buttons for what the ENT does not keep (apps/homework/formatting.py): files, headings
     (an entry sits under the page's own), strike-through and code. */
  var UNUSED = [
    ".trix-button-group--file-tools",
    '[data-trix-attribute="heading1"]',
    '[data-trix-attribute="strike"]',
    '[data-trix-attribute="code"]'
  ];
  document.addEventListener("trix-initialize", function (event) {
    var toolbar = event.target.toolbarElement;
    if (!toolbar) {
      return;
    }
    UNUSED.forEach(function (selector) {
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
