/* The MILD screening assistant on another web site: one line in the host page,
 *
 *   <script src="https://<assistant-host>/embed.js" data-office="woburn" async></script>
 *
 * adds a launcher button in a corner that opens the chat (the same chat as the assistant's own
 * page, /embed/frame) in a panel. Options, all optional, as data- attributes of that script tag:
 *   data-office     "woburn" | "beverly": that office's number comes first in the chat
 *   data-open       "true": the panel is open when the page loads (default: closed)
 *   data-lang       language of the launcher's and panel's labels: "en" (the only one so far)
 *   data-position   "bottom-right" (default) | "bottom-left"
 *
 * Isolation: the chat runs in an iframe of the assistant's origin (the host page's CSS and scripts
 * cannot reach it, nor it theirs); the launcher and the panel live in a shadow root whose styles
 * are a constructed stylesheet (no <style> in the host page, allowed by a strict host CSP), sizes in
 * px (the host's root font size does not matter), the shadow host reset with `all: initial`
 * (inline, !important) and the top z-index. No global variable is defined; outside the shadow root
 * it writes only two keys of the host's storage: whether the panel was open (sessionStorage), and
 * what the chat keeps between page loads (localStorage "mild-chat-embed.chat.v1": its conversation's
 * resume token and session record, no message text), since a third-party frame's own storage is
 * blocked or partitioned by browsers.
 *
 * The assistant serves this file with its allow-list written in (MILD_ALLOWED_ORIGINS): on a page
 * of another origin it does nothing but say why in the console. (The frame itself is also refused
 * by the browser there: Content-Security-Policy frame-ancestors.)
 */
(function () {
  "use strict";

  var SETTINGS = /*MILD_EMBED_SETTINGS*/{};
  var TAG = "mild-chat-embed";
  var OPEN_KEY = "mild-chat-embed.open";
  var CHAT_KEY = "mild-chat-embed.chat.v1";
  var LABELS = {
    en: {
      launcher: "Back or leg pain? Chat with us",
      title: "Screening assistant",
      close: "Close the chat",
      frame: "Screening assistant chat"
    }
  };
  var POSITIONS = ["bottom-right", "bottom-left"];
  var PREFIX = "[MILD chat] ";

  var script = document.currentScript ||
    document.querySelector('script[src$="/embed.js"], script[src*="/embed.js?"]');
  if (!script || !script.src) {
    console.error(PREFIX + "not started: cannot find its own <script> tag (load it with src=\".../embed.js\").");
    return;
  }
  var base = new URL(script.src, window.location.href).origin;
  var here = window.location.origin;
  var allowed = Array.isArray(SETTINGS.allowedOrigins) ? SETTINGS.allowedOrigins : [];
  if (allowed.indexOf(here) === -1) {
    console.error(PREFIX + "not started: this page's origin " + here + " is not on the assistant's allow-list. " +
      "The assistant's operator adds it to MILD_ALLOWED_ORIGINS on " + base + ".");
    return;
  }
  if (document.querySelector(TAG)) {
    console.warn(PREFIX + "embed.js is included twice; the second copy does nothing.");
    return;
  }

  function data(name) { return (script.getAttribute("data-" + name) || "").trim().toLowerCase(); }

  var lang = data("lang") || "en";
  if (!LABELS[lang]) {
    console.warn(PREFIX + "no labels in language \"" + lang + "\"; using English.");
    lang = "en";
  }
  var L = LABELS[lang];
  var office = data("office");
  if (office && (SETTINGS.offices || []).indexOf(office) === -1) {
    console.warn(PREFIX + "unknown data-office \"" + office + "\" (one of: " + (SETTINGS.offices || []).join(", ") + ").");
    office = "";
  }
  var position = data("position") || "bottom-right";
  if (POSITIONS.indexOf(position) === -1) {
    console.warn(PREFIX + "unknown data-position \"" + position + "\" (one of: " + POSITIONS.join(", ") + ").");
    position = "bottom-right";
  }
  var side = position === "bottom-left" ? "left" : "right";

  function remembered() {
    try { return window.sessionStorage.getItem(OPEN_KEY); } catch (e) { return null; }
  }
  function remember(open) {
    try { window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0"); } catch (e) { /* storage blocked */ }
  }
  // What the chat keeps between page loads (its conversation's resume token, ...): a third-party
  // frame's own storage is blocked or partitioned by browsers, so the frame keeps it here, in this
  // site's storage, through messages (webapp/static/embed/frame.js).
  function chatStore() {
    try { return JSON.parse(window.localStorage.getItem(CHAT_KEY) || "{}") || {}; } catch (e) { return {}; }
  }
  function keepChatStore(data) {
    try { window.localStorage.setItem(CHAT_KEY, JSON.stringify(data)); } catch (e) { /* storage blocked */ }
  }

  var CSS = [
    ":host { all: initial; }",
    "* { box-sizing: border-box; }",
    ".launcher { all: initial; box-sizing: border-box; position: fixed; bottom: 20px; " + side + ": 20px;",
    "  z-index: 2147483647; display: inline-flex; align-items: center; gap: 10px; min-height: 52px;",
    "  max-width: calc(100vw - 40px); padding: 12px 20px; border: 2px solid #ffffff; border-radius: 26px;",
    "  background: #00566b; color: #ffffff; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.35);",
    "  font: 600 16px/1.25 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; text-align: left; }",
    ".launcher:hover { background: #003f4f; }",
    ".launcher:focus-visible, .close:focus-visible { outline: 3px solid #b35900; outline-offset: 2px;",
    "  box-shadow: 0 0 0 6px #ffffff; }",
    ".launcher svg { width: 24px; height: 24px; flex: none; fill: currentColor; }",
    ".panel { position: fixed; bottom: 88px; " + side + ": 20px; z-index: 2147483647; display: flex;",
    "  flex-direction: column; width: 400px; max-width: calc(100vw - 40px); height: 640px;",
    "  max-height: calc(100vh - 108px); background: #ffffff; border: 1px solid #8a969f; border-radius: 12px;",
    "  overflow: hidden; box-shadow: 0 10px 36px rgba(0,0,0,.35); color: #1b1f23;",
    "  font: 16px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; }",
    ".panel[hidden] { display: none; }",
    ".bar { display: flex; align-items: center; justify-content: space-between; gap: 8px; flex: none;",
    "  padding: 6px 6px 6px 16px; background: #003f4f; color: #ffffff; }",
    ".title { margin: 0; font: 700 16px/1.25 inherit; font-family: inherit; }",
    ".close { all: initial; box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center;",
    "  gap: 6px; min-width: 44px; min-height: 44px; padding: 0 12px; border: 2px solid #ffffff; border-radius: 8px;",
    "  background: transparent; color: #ffffff; cursor: pointer;",
    "  font: 600 15px/1 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; }",
    ".close:hover { background: #002b36; }",
    ".close svg { width: 16px; height: 16px; fill: currentColor; }",
    "iframe { display: block; flex: 1 1 auto; width: 100%; height: 100%; min-height: 0; border: 0; background: #f7f9fa; }",
    "@media (max-width: 600px), (max-height: 500px) {",
    "  .panel { top: 0; bottom: 0; left: 0; right: 0; width: 100%; max-width: none; height: 100%;",
    "    max-height: none; border: 0; border-radius: 0; box-shadow: none; }",
    "  .launcher[aria-expanded='true'] { display: none; }",
    "}",
    "@media (prefers-reduced-motion: no-preference) { .launcher { transition: background-color .15s; } }"
  ].join("\n");

  var ICON_CHAT = ["0 0 24 24", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z" +
    "m3 6v2h2V9H7zm4 0v2h2V9h-2zm4 0v2h2V9h-2z"];
  var ICON_CLOSE = ["0 0 16 16", "M3.3 2 8 6.7 12.7 2 14 3.3 9.3 8l4.7 4.7-1.3 1.3L8 9.3 3.3 14 2 12.7 6.7 8 2 3.3z"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // Built node by node (no innerHTML: a host page with Trusted Types would refuse it).
  function icon(spec) {
    var NS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", spec[0]);
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(NS, "path");
    path.setAttribute("d", spec[1]);
    svg.appendChild(path);
    return svg;
  }

  function mount() {
    var host = document.createElement(TAG);
    // The host page's rules cannot reach inside the shadow root; these keep them off its host too.
    host.style.setProperty("all", "initial", "important");
    host.style.setProperty("display", "block", "important");
    host.style.setProperty("position", "static", "important");
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function" &&
        "replaceSync" in CSSStyleSheet.prototype) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", null, CSS));  // older browsers (a strict host CSP may block it)
    }

    var launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", "mild-chat-panel");
    launcher.appendChild(icon(ICON_CHAT));
    launcher.appendChild(el("span", null, L.launcher));

    var panel = el("div", "panel");
    panel.id = "mild-chat-panel";
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", "mild-chat-title");
    panel.hidden = true;
    var bar = el("div", "bar");
    var title = el("p", "title", L.title);
    title.id = "mild-chat-title";
    var close = el("button", "close");
    close.type = "button";
    close.setAttribute("aria-label", L.close);
    close.appendChild(icon(ICON_CLOSE));
    bar.appendChild(title);
    bar.appendChild(close);
    panel.appendChild(bar);

    root.appendChild(panel);
    root.appendChild(launcher);
    // Under <html>, after <body>: transforms, filters or overflow on the host's body do not move it.
    document.documentElement.appendChild(host);

    var frame = null;

    function ensureFrame() {
      if (frame) { return; }
      frame = document.createElement("iframe");
      frame.title = L.frame;
      frame.setAttribute("referrerpolicy", "no-referrer");
      frame.src = base + "/embed/frame?host=" + encodeURIComponent(here) +
        (office ? "&office=" + encodeURIComponent(office) : "");
      panel.appendChild(frame);
    }

    function open(focus) {
      ensureFrame();
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      remember(true);
      if (focus) {
        frame.focus();
        try { frame.contentWindow.postMessage({ type: "mild-chat:focus" }, base); } catch (e) { /* not loaded */ }
      }
    }

    // Closing only hides the panel: the frame, and the conversation in it, stay.
    function closePanel() {
      if (panel.hidden) { return; }
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      remember(false);
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (panel.hidden) { open(true); } else { closePanel(); }
    });
    close.addEventListener("click", closePanel);
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.stopPropagation(); closePanel(); }
    });
    window.addEventListener("message", function (ev) {
      if (!frame || ev.source !== frame.contentWindow || ev.origin !== base) { return; }
      var msg = ev.data || {};
      if (msg.type === "mild-chat:close") {
        closePanel();
      } else if (msg.type === "mild-chat:hello") {
        frame.contentWindow.postMessage({ type: "mild-chat:storage", data: chatStore() }, base);
      } else if (msg.type === "mild-chat:store" && msg.data && typeof msg.data === "object") {
        var clean = {};
        Object.keys(msg.data).forEach(function (k) {
          if (typeof msg.data[k] === "string" && msg.data[k].length < 2000) { clean[k] = msg.data[k]; }
        });
        keepChatStore(clean);
      }
    });

    var state = remembered();
    if (state === "1" || (state === null && data("open") === "true")) { open(false); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
