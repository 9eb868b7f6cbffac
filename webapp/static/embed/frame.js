/* The chat frame of the embed (/embed/frame?host=<host page origin>).
 *
 * Inside another site the frame is a third-party document: browsers block or partition its
 * storage (Chromium with third-party cookies blocked, Safari, Firefox), so what the chat keeps
 * between page loads (its conversation's resume token, session record, text size) is kept by the
 * loader in the host page's own storage. window.MILD_CHAT_STORAGE, read by chat.js, is that store:
 * seeded by the host page on start ("mild-chat:storage"), every change sent back
 * ("mild-chat:store"). Messages go only to the origin named by ?host= (the browser delivers them
 * only if the parent really is that origin) and are accepted only from the parent window.
 * Escape asks the panel to close; "mild-chat:focus" puts the keyboard on the start button or the
 * message box.
 */
(function () {
  "use strict";
  var memory = {};
  var hostOrigin = null;
  try { hostOrigin = new URL(window.location.href).searchParams.get("host"); } catch (e) { hostOrigin = null; }
  var framed = window.parent !== window && !!hostOrigin;
  var resolveReady;
  var ready = new Promise(function (resolve) { resolveReady = resolve; });

  function post(message) {
    if (framed) { window.parent.postMessage(message, hostOrigin); }
  }

  window.MILD_CHAT_STORAGE = {
    ready: ready,
    get: function (key) { return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null; },
    set: function (key, value) {
      memory[key] = String(value);
      post({ type: "mild-chat:store", data: memory });
    }
  };

  if (!framed) { resolveReady(); return; }
  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent || ev.origin !== hostOrigin || !ev.data) { return; }
    if (ev.data.type === "mild-chat:storage") {
      var data = ev.data.data;
      if (data && typeof data === "object") {
        Object.keys(data).forEach(function (k) { if (typeof data[k] === "string") { memory[k] = data[k]; } });
      }
      resolveReady();
    } else if (ev.data.type === "mild-chat:focus") {
      var start = document.getElementById("start-screening");
      var intro = document.getElementById("intro");
      var target = start && intro && !intro.hidden ? start : document.getElementById("message-input");
      if (target) { target.focus(); }
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !ev.defaultPrevented) { post({ type: "mild-chat:close" }); }
  });
  post({ type: "mild-chat:hello" });
  window.setTimeout(resolveReady, 3000);  // no answer from the host page: start with nothing kept
})();
