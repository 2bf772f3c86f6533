/* ENT Groupement — live updates of a page over one WebSocket (no library, no build step).
   Elements with data-live="topic" are re-rendered by the server when the topic changes
   (unread counts, a moderation queue, a note's confirmations); a reload shows the same thing,
   so the page stays right without JavaScript. A page with a chat room carries its topics over
   the room's connection (chat.js) instead of a second one. */
(function () {
  "use strict";

  var STOP_CODES = [4401, 4403, 4404, 4423, 1008, 1009];
  var live = (window.ENTLive = {});

  live.topics = function () {
    var seen = {};
    var names = [];
    document.querySelectorAll("[data-live]").forEach(function (element) {
      var name = element.getAttribute("data-live");
      if (name && !seen[name]) {
        seen[name] = true;
        names.push(name);
      }
    });
    return names;
  };

  live.handle = function (message) {
    if (!message || message.type !== "live") {
      return false;
    }
    document.querySelectorAll("[data-live]").forEach(function (element) {
      if (element.getAttribute("data-live") === message.topic) {
        element.innerHTML = message.html; // rendered by the ENT's own templates (escaped)
      }
    });
    return true;
  };

  live.url = function (path) {
    return (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + path;
  };

  /* A socket that reconnects with back-off (1 s, 2 s, 4 s… up to 30 s, with jitter) unless the
     server closed it for good (session ended, refused, quiet hours). */
  live.connect = function (path, handlers) {
    var delay = 1000;
    var socket = null;
    var stopped = false;
    var holder = {
      send: function (payload) {
        if (socket && socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify(payload));
          return true;
        }
        return false;
      },
      isOpen: function () {
        return Boolean(socket && socket.readyState === WebSocket.OPEN);
      },
    };

    function open() {
      socket = new WebSocket(live.url(path));
      socket.addEventListener("open", function () {
        delay = 1000;
        var topics = live.topics();
        if (topics.length) {
          holder.send({ type: "watch", topics: topics });
        }
        if (handlers.open) {
          handlers.open(holder);
        }
      });
      socket.addEventListener("message", function (event) {
        var message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        if (!live.handle(message) && handlers.message) {
          handlers.message(message, holder);
        }
      });
      socket.addEventListener("close", function (event) {
        if (handlers.close) {
          handlers.close(event.code, holder);
        }
        if (stopped || STOP_CODES.indexOf(event.code) !== -1) {
          return;
        }
        var wait = delay + Math.floor(Math.random() * 500);
        delay = Math.min(delay * 2, 30000);
        window.setTimeout(open, wait);
      });
    }

    holder.stop = function () {
      stopped = true;
      if (socket) {
        socket.close();
      }
    };
    open();
    return holder;
  };

  document.addEventListener("DOMContentLoaded", function () {
    var path = document.body.getAttribute("data-live-socket");
    if (!path || document.querySelector("[data-room-socket]") || !live.topics().length) {
      return;
    }
    live.connect(path, {});
  });
})();
