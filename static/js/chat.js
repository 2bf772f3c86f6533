/* ENT Groupement — a chat room, live. The page works without it (forms post and the page
   reloads); with it, posts and the teacher's decisions go over the room's WebSocket, new posts
   appear and are announced politely to screen readers, and a cut connection resumes from the
   last version seen, with nothing missed and nothing twice. */
(function () {
  "use strict";

  var ACTIONS = { publier: "release", supprimer: "delete", couper: "mute" };
  var BEAT_MS = 25000;

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("chat");
    if (!root || !window.ENTLive || !window.WebSocket) {
      return;
    }
    var list = document.getElementById("chat-posts");
    var empty = document.getElementById("chat-empty");
    var status = document.getElementById("chat-status");
    var announce = document.getElementById("chat-announce");
    var form = document.getElementById("chat-form");
    var body = document.getElementById("chat-body");
    var last = parseInt(root.getAttribute("data-version"), 10) || 0;
    var beat = null;
    var connection = null;

    function say(text, closed) {
      status.textContent = text;
      status.classList.toggle("chat-status-closed", Boolean(closed));
    }

    function allowWriting(allowed) {
      if (!form) {
        return;
      }
      form.querySelectorAll("textarea, button").forEach(function (element) {
        element.disabled = !allowed;
      });
    }

    function place(message) {
      var template = document.createElement("template");
      template.innerHTML = message.html.trim();
      var item = template.content.firstElementChild;
      var existing = document.getElementById("post-" + message.number);
      if (existing) {
        existing.replaceWith(item);
      } else {
        var after = null;
        list.querySelectorAll("li[data-number]").forEach(function (other) {
          if (!after && parseInt(other.getAttribute("data-number"), 10) > message.number) {
            after = other;
          }
        });
        list.insertBefore(item, after);
        if (!item.classList.contains("chat-mine")) {
          var author = item.querySelector(".chat-author");
          var text = item.querySelector(".chat-body");
          announce.textContent =
            (author ? author.textContent : "") + " : " + (text ? text.textContent : "");
        }
        item.scrollIntoView({ block: "nearest" });
      }
      if (empty) {
        empty.classList.add("hidden");
      }
    }

    function onMessage(message) {
      if (message.type === "state") {
        say(message.reason || (message.open ? "Le salon est ouvert." : ""), !message.may_write);
        allowWriting(message.may_write);
      } else if (message.type === "post") {
        place(message);
        last = Math.max(last, message.id);
      } else if (message.type === "caught_up") {
        last = Math.max(last, message.id);
      } else if (message.type === "error") {
        announce.textContent = message.message;
        say(message.message, true);
      }
    }

    connection = window.ENTLive.connect(root.getAttribute("data-room-socket"), {
      open: function (socket) {
        socket.send({ type: "resume", after: last });
        window.clearInterval(beat);
        beat = window.setInterval(function () {
          socket.send({ type: "beat" });
        }, BEAT_MS);
      },
      message: onMessage,
      close: function (code) {
        window.clearInterval(beat);
        if (code === 4401) {
          window.location.reload(); // the session ended: the page asks to log in again
        }
      },
    });

    if (form) {
      form.addEventListener("submit", function (event) {
        if (!connection.isOpen()) {
          return; // the form posts, the page reloads
        }
        event.preventDefault();
        var text = body.value.trim();
        if (!text) {
          say("Écris un message avant de l'envoyer.", true);
          return;
        }
        connection.send({ type: "post", body: text });
        body.value = "";
        body.focus();
      });
      body.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          // With its button: the form then says what it does, also when it posts itself.
          form.requestSubmit(form.querySelector("button[name=action]"));
        }
      });
    }

    list.addEventListener("submit", function (event) {
      var target = event.target;
      if (!target.hasAttribute("data-chat-act")) {
        return;
      }
      var button = event.submitter;
      var action = button ? ACTIONS[button.value] : null;
      if (!action || !connection.isOpen()) {
        // Posted by the page: a post that arrived live has no token of its own.
        if (!target.querySelector("input[name=csrfmiddlewaretoken]") && form) {
          var token = form.querySelector("input[name=csrfmiddlewaretoken]");
          if (token) {
            target.appendChild(token.cloneNode());
          }
        }
        return;
      }
      event.preventDefault();
      var payload = { type: action, number: parseInt(target.elements.number.value, 10) };
      if (action === "mute") {
        payload.user = parseInt(target.elements.user.value, 10);
      }
      connection.send(payload);
    });
  });
})();
