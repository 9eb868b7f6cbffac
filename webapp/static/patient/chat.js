/* Patient chat widget for the MILD screening assistant.
 *
 * The conversation id is issued by the web server, never chosen here: POST /api/session answers
 * {session_id, token} for the conversation of this browser's HttpOnly cookie (or a new one), and
 * the token (signed, short-lived, kept in memory only) is what Rasa's socket.io channel accepts in
 * session_request. {id, last activity} stay in localStorage only to know whether to resume; the
 * conversation is redrawn from /api/history (cookie) after a reload.
 *
 * Everything the user or the bot wrote is inserted with textContent, never as HTML.
 */
(function () {
  "use strict";

  var CFG = window.MILD_CHAT_CONFIG || {};
  var STORE_KEY = "mild.chat.session.v1";
  var SIZE_KEY = "mild.chat.textsize.v1";
  var TEXT_SIZES = [100, 115, 130, 150, 175, 200];
  var TTL_MS = (CFG.sessionTtlMinutes || 60) * 60 * 1000;
  var REPLY_TIMEOUT_MS = 30000;
  // The page itself carries the words (with the clinic's numbers) if the config did not load.
  var UNREACHABLE = CFG.unreachableMessage ||
    (document.getElementById("status-text") || {}).textContent || "We can't reach the assistant right now.";

  var el = {
    log: document.getElementById("log"),
    scroller: document.getElementById("scroller"),
    intro: document.getElementById("intro"),
    status: document.getElementById("status"),
    statusText: document.getElementById("status-text"),
    typing: document.getElementById("typing-inner"),
    form: document.getElementById("composer"),
    input: document.getElementById("message-input"),
    start: document.getElementById("start-screening"),
    startOver: document.getElementById("start-over"),
    confirm: document.getElementById("start-over-confirm"),
    confirmYes: document.getElementById("start-over-yes"),
    confirmNo: document.getElementById("start-over-no"),
    progress: document.getElementById("progress"),
    sendButton: document.getElementById("send"),
    composerNote: document.getElementById("composer-note"),
    smaller: document.getElementById("text-smaller"),
    larger: document.getElementById("text-larger")
  };

  var session = null;        // {id, lastActivity, started}
  var sessionToken = null;   // socket.io token for session.id (memory only)
  var retriedConfirm = false;
  var socket = null;
  var confirmed = false;     // session_confirm received on the current connection
  var outbox = [];           // messages typed while not connected
  var lastAction = "typed";  // "button" when the last message came from a button
  var waitingTimer = null;
  var burstTimer = null;
  var burst = { quickReplies: null, card: null };
  var counter = 0;
  var historyFailed = false;
  var lastPointer = "mouse"; // "touch" after a tap: no answer button gets the focus (or a tint) by itself
  var PAGE_TITLES = { "Start screening": true };  // bubbles of the page's own buttons, nothing to lose
  var EMERGENCY_NOTE = "The screening has stopped because of a warning sign: call 911 or go to the " +
    "nearest emergency department now.";

  /* ---------- storage ---------- */

  // In the embed's frame the host page keeps these (webapp/static/embed/frame.js): a third-party
  // frame's own storage is blocked or partitioned by browsers.
  var hostStore = window.MILD_CHAT_STORAGE || null;

  function storageGet(key) {
    if (hostStore) { return hostStore.get(key); }
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    if (hostStore) { hostStore.set(key, value); return; }
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode: keep in memory */ }
  }

  /* Asks the web server for this browser's conversation (fresh: a new one) and a socket token. */
  function requestSession(fresh) {
    var request = { "new": !!fresh };
    // In the embed's frame (a third-party context, no cookie) a resume token kept in this frame's
    // storage names the conversation (CFG.resumeKey, webapp/embed/routes.py).
    if (CFG.resumeKey && !fresh) { request.resume = storageGet(CFG.resumeKey) || undefined; }
    return window.fetch(CFG.sessionUrl || "/api/session", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(request),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (resp) {
      if (!resp.ok) { throw new Error("session " + resp.status); }
      return resp.json();
    }).then(function (body) {
      if (!body || typeof body.session_id !== "string" || typeof body.token !== "string") {
        throw new Error("session reply");
      }
      sessionToken = body.token;
      if (CFG.resumeKey && typeof body.resume_token === "string") { storageSet(CFG.resumeKey, body.resume_token); }
      if (!session || session.id !== body.session_id) {
        session = { id: body.session_id, lastActivity: Date.now(), started: false };
        saveSession();
      }
      return session;
    });
  }

  function loadSession() {
    var raw = storageGet(STORE_KEY);
    var data = null;
    try { data = raw ? JSON.parse(raw) : null; } catch (e) { data = null; }
    var now = Date.now();
    var fresh = !data || typeof data.id !== "string" || typeof data.lastActivity !== "number" ||
      now - data.lastActivity > TTL_MS;
    session = fresh ? null : data;
    return requestSession(fresh);
  }

  function saveSession() { storageSet(STORE_KEY, JSON.stringify(session)); }

  function touch() {
    session.lastActivity = Date.now();
    saveSession();
  }

  /* ---------- rendering (textContent only) ---------- */

  function make(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function srPrefix(label) {
    return make("span", "visually-hidden", label + " ");
  }

  /* New messages scroll into view, except that a result card shown since the patient's last
     message stays anchored at its top: what follows it (the appointment offer) is one scroll away
     instead of pushing the result out of sight on a small screen. */
  var pinnedCard = null;

  /* At the normal text sizes only the chat panel scrolls (the page stays one screen, the header
     with the clinic's numbers and the message box stay put), so the panel is scrolled by hand:
     scrollIntoView would scroll every scrollable ancestor, the page included. With large text
     (html.text-large) the page scrolls as a whole and scrollIntoView is right. */
  function scrollIntoPanel(node, block) {
    if (document.documentElement.classList.contains("text-large")) {
      node.scrollIntoView({ block: block });
      return;
    }
    var box = el.scroller.getBoundingClientRect();
    var r = node.getBoundingClientRect();
    var margin = 8;
    var delta = block === "start" ? r.top - box.top - margin : r.bottom - box.bottom + margin;
    el.scroller.scrollTop += delta;
  }

  function scrollToEnd() {
    window.requestAnimationFrame(function () {
      if (pinnedCard && pinnedCard.isConnected) {
        scrollIntoPanel(pinnedCard, "start");
        return;
      }
      var last = el.log.lastElementChild;
      if (last) { scrollIntoPanel(last, "end"); }
    });
  }

  /* "Start over" only once there is something to lose: an answer, a summary or a result. */
  function somethingToLose() {
    if (el.log.querySelector(".result-card, .answer-summary")) { return true; }
    var users = el.log.querySelectorAll(".msg--user");
    return Array.prototype.some.call(users, function (u) { return u.getAttribute("data-page") !== "true"; });
  }

  function updateControls() {
    var show = somethingToLose();
    el.startOver.hidden = !show;
    if (!show) { closeConfirm(false); }
  }

  /* After an emergency result nothing more can be typed: the text box says why and the card stays. */
  function setEnded(ended) {
    el.input.disabled = ended;
    el.sendButton.disabled = ended;
    el.composerNote.hidden = !ended;
    el.composerNote.textContent = ended ? EMERGENCY_NOTE : "";
    el.input.placeholder = ended ? "Screening stopped: call 911" : "Type your answer here";
  }

  /* "Question 4 of about 12", sent by the bot with each question (counted from its plan). */
  function setProgress(p) {
    var ok = p && typeof p === "object" && typeof p.number === "number" && typeof p.total === "number" &&
      p.number > 0 && p.total >= p.number && p.total <= 100;
    el.progress.hidden = !ok;
    el.progress.textContent = ok ? "Question " + p.number + " of about " + p.total : "";
  }

  function isProgress(msg) {
    return msg && typeof msg === "object" && msg.type === "progress";
  }

  function updateIntro() {
    el.intro.hidden = el.log.childElementCount > 0;
  }

  function append(node) {
    el.log.appendChild(node);
    updateIntro();
    updateControls();
    scrollToEnd();
    return node;
  }

  function addUser(text, fromPage) {
    var p = make("p", "msg msg--user");
    if (fromPage) { p.setAttribute("data-page", "true"); }
    p.appendChild(srPrefix("You:"));
    p.appendChild(document.createTextNode(String(text)));
    return append(p);
  }

  function addBotText(text) {
    var p = make("p", "msg msg--bot");
    p.appendChild(srPrefix("Assistant:"));
    p.appendChild(document.createTextNode(String(text)));
    return append(p);
  }

  function addNotice(text) {
    return append(make("p", "msg msg--notice", text));
  }

  function removeQuickReplies() {
    var groups = el.log.querySelectorAll(".quick-replies");
    Array.prototype.forEach.call(groups, function (g) { g.parentNode.removeChild(g); });
  }

  function addQuickReplies(buttons) {
    removeQuickReplies();
    var valid = (buttons || []).filter(function (b) {
      return b && typeof b.title === "string" && typeof b.payload === "string";
    });
    if (!valid.length) { return null; }
    var group = make("div", "quick-replies");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Answer options");
    valid.forEach(function (b) {
      var btn = make("button", "quick-reply", b.title);
      btn.type = "button";
      btn.setAttribute("data-payload", b.payload);
      btn.addEventListener("click", function () {
        send(b.payload, b.title, "button");
      });
      group.appendChild(btn);
    });
    return append(group);
  }

  function telHref(tel) {
    var clean = String(tel || "").replace(/[^0-9+]/g, "");
    return clean ? "tel:" + clean : null;
  }

  function callLink(label, tel, extraClass) {
    var href = telHref(tel);
    if (!href) { return null; }
    var a = make("a", "call-link" + (extraClass ? " " + extraClass : ""), label);
    a.href = href;
    return a;
  }

  function listSection(card, heading, items, className) {
    var list = (items || []).filter(function (x) { return x !== null && x !== undefined && String(x).trim() !== ""; });
    if (!list.length) { return; }
    card.appendChild(make("h4", null, heading));
    var ul = make("ul", className);
    list.forEach(function (item) {
      ul.appendChild(make("li", null, typeof item === "object" ? (item.text || "") : item));
    });
    card.appendChild(ul);
  }

  function addCard(data) {
    counter += 1;
    var outcome = String(data.outcome || "").replace(/[^a-z_]/g, "");
    var card = make("article", "result-card" + (outcome ? " result-card--" + outcome : ""));
    var titleId = "result-title-" + counter;
    card.setAttribute("aria-labelledby", titleId);
    card.setAttribute("data-outcome", outcome);
    card.appendChild(make("p", "result-card__label", "Your screening result"));
    var h = make("h3", "result-card__title", data.title || "Your screening result");
    h.id = titleId;
    h.tabIndex = -1;
    card.appendChild(h);
    if (data.summary) { card.appendChild(make("p", "result-card__summary", data.summary)); }
    // An emergency's call buttons come right under what to do, on the first screen of a phone.
    var callsAt = outcome === "emergency" ? card.childElementCount : -1;
    listSection(card, "Why", data.reasons, "result-card__reasons");
    listSection(card, "Please note", data.notes, "result-card__notes");
    if (data.next_step) {
      card.appendChild(make("h4", null, "Next step"));
      card.appendChild(make("p", "result-card__next", data.next_step));
    }
    var calls = make("ul", "result-card__calls");
    calls.setAttribute("aria-label", "Call");
    if (outcome === "emergency") {
      var li911 = make("li");
      li911.appendChild(callLink("Call 911", "911", "call-link--emergency"));
      calls.appendChild(li911);
    }
    (Array.isArray(data.phones) ? data.phones : []).forEach(function (p) {
      if (!p || typeof p !== "object") { return; }
      var a = callLink("Call " + (p.office || "") + " " + (p.display || ""), p.tel);
      if (a) {
        var li = make("li");
        li.appendChild(a);
        calls.appendChild(li);
      }
    });
    if (calls.childElementCount) {
      if (callsAt >= 0 && card.children[callsAt]) { card.insertBefore(calls, card.children[callsAt]); }
      else { card.appendChild(calls); }
    }
    if (data.disclaimer) { card.appendChild(make("p", "result-card__disclaimer", data.disclaimer)); }
    pinnedCard = card;
    setProgress(null);
    if (outcome === "emergency") { setEnded(true); }
    return append(card);
  }

  function isCard(msg) {
    return msg && typeof msg === "object" && msg.type === "result_card";
  }

  /* "Here is what I understood": the answers read back before the result. One row per answer
     (label, value, the person's words), a "Change" button that shows the row's other values,
     and the confirm button. Its buttons send payloads like quick replies; once anything is
     sent they are disabled (the summary stays as a record of what was confirmed). */
  var WORDS_MAX = 60;

  function isSummary(msg) {
    return msg && typeof msg === "object" && msg.type === "answer_summary";
  }

  function clip(text, max) {
    text = String(text);
    return text.length > max ? text.slice(0, max - 1).replace(/\s+$/, "") + "\u2026" : text;
  }

  function validButton(b) {
    return b && typeof b.title === "string" && typeof b.payload === "string";
  }

  function summaryButton(className, b) {
    var btn = make("button", className, b.title);
    btn.type = "button";
    btn.setAttribute("data-payload", b.payload);
    btn.addEventListener("click", function () {
      if (btn.disabled) { return; }
      send(b.payload, b.title, "button");
    });
    return btn;
  }

  function setExpanded(toggle, panel, open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
  }

  function summaryRow(row, summaryId, index, toggles) {
    var li = make("li", "answer-summary__row");
    li.setAttribute("data-slot", String(row.slot || "").replace(/[^a-z_]/g, ""));
    var text = make("div", "answer-summary__text");
    var line = make("p", "answer-summary__line");
    line.appendChild(make("span", "answer-summary__label", row.label || ""));
    line.appendChild(make("span", "visually-hidden", ": "));
    line.appendChild(make("span", "answer-summary__value", row.value_label || ""));
    text.appendChild(line);
    if (typeof row.words === "string" && row.words.trim() !== "") {
      var full = row.words.trim();
      var words = make("p", "answer-summary__words");
      var shown = make("span", null, "\u201c" + clip(full, WORDS_MAX) + "\u201d");
      shown.setAttribute("aria-hidden", "true");
      words.title = full;
      words.appendChild(shown);
      words.appendChild(make("span", "visually-hidden", "You said: \u201c" + full + "\u201d"));
      text.appendChild(words);
    }
    li.appendChild(text);
    var options = (Array.isArray(row.options) ? row.options : []).filter(validButton);
    if (options.length) {
      var panelId = summaryId + "-options-" + index;
      var toggle = make("button", "answer-summary__change", "Change");
      toggle.type = "button";
      toggle.appendChild(make("span", "visually-hidden", " " + (row.label || "this answer")));
      toggle.setAttribute("aria-controls", panelId);
      var panel = make("div", "answer-summary__options");
      panel.id = panelId;
      panel.setAttribute("role", "group");
      panel.setAttribute("aria-label", "New answer for " + (row.label || "this question"));
      options.forEach(function (b) { panel.appendChild(summaryButton("answer-summary__option", b)); });
      setExpanded(toggle, panel, false);
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggles.forEach(function (t) { setExpanded(t.toggle, t.panel, false); });
        setExpanded(toggle, panel, open);
      });
      toggles.push({ toggle: toggle, panel: panel });
      li.appendChild(toggle);
      li.appendChild(panel);
    }
    return li;
  }

  function addSummary(data) {
    counter += 1;
    var summaryId = "answer-summary-" + counter;
    var box = make("section", "answer-summary");
    box.id = summaryId;
    box.setAttribute("aria-labelledby", summaryId + "-title");
    var h = make("h3", "answer-summary__title", data.title || "Here is what I understood");
    h.id = summaryId + "-title";
    h.tabIndex = -1;
    box.appendChild(h);
    var list = make("ul", "answer-summary__rows");
    var toggles = [];
    (Array.isArray(data.rows) ? data.rows : []).forEach(function (row, i) {
      if (row && typeof row === "object") { list.appendChild(summaryRow(row, summaryId, i, toggles)); }
    });
    box.appendChild(list);
    if (data.note) { box.appendChild(make("p", "answer-summary__note", data.note)); }
    if (validButton(data.confirm)) {
      box.appendChild(summaryButton("btn btn--primary answer-summary__confirm", data.confirm));
    }
    pinnedCard = box;
    setProgress(null);
    return append(box);
  }

  function disableSummaries() {
    var buttons = el.log.querySelectorAll(".answer-summary button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
  }

  /* ---------- status, typing ---------- */

  function showStatus(text, kind) {
    el.statusText.textContent = text;
    el.status.classList.toggle("status--info", kind === "info");
    el.status.hidden = false;
  }
  function hideStatus() { el.status.hidden = true; }

  function showTyping() {
    el.typing.hidden = false;
    window.clearTimeout(waitingTimer);
    waitingTimer = window.setTimeout(function () {
      hideTyping();
      showStatus("The assistant is taking longer than usual. You can wait, try again, or call us.", "info");
    }, REPLY_TIMEOUT_MS);
  }
  function hideTyping() {
    el.typing.hidden = true;
    window.clearTimeout(waitingTimer);
  }

  /* ---------- focus after a burst of bot messages ---------- */

  /* After a burst of bot messages (the card's scrolling is pinnedCard's job, see scrollToEnd):
     someone answering with buttons gets the focus on a new result card's title, else on the first
     new answer button; someone typing keeps the text box. */
  function endOfBurst() {
    var qr = burst.quickReplies;
    var card = burst.card;
    burst = { quickReplies: null, card: null };
    var active = document.activeElement;
    var idle = active === el.input && el.input.value === "";
    var nothingFocused = !active || active === document.body || active === el.log;
    if (lastAction !== "button" || !(idle || nothingFocused)) { return; }
    if (card && card.isConnected) {
      var h = card.querySelector(".result-card__title, .answer-summary__title");
      if (h) { h.focus({ preventScroll: true }); return; }
    }
    if (qr && qr.isConnected && lastPointer !== "touch") {
      var first = qr.querySelector("button");
      if (first) { first.focus(); }
    }
  }

  function noteBurst(kind, node) {
    if (kind === "quickReplies") { burst.quickReplies = node; }
    if (kind === "card") { burst.card = node; }
    window.clearTimeout(burstTimer);
    burstTimer = window.setTimeout(endOfBurst, 120);
  }

  /* ---------- incoming ---------- */

  function onBotMessage(msg) {
    hideTyping();
    hideStatus();
    touch();
    if (!msg || typeof msg !== "object") {
      if (typeof msg === "string" && msg) { addBotText(msg); }
      return;
    }
    if (isCard(msg)) {
      noteBurst("card", addCard(msg));
      return;
    }
    if (isCard(msg.data)) {
      noteBurst("card", addCard(msg.data));
      return;
    }
    if (msg.custom && isCard(msg.custom.data)) {
      noteBurst("card", addCard(msg.custom.data));
      return;
    }
    /* Rasa's socket.io channel emits json_message={"data": summary} as the summary itself;
       msg.data and msg.custom.data are the other shapes a custom message may take. */
    var summary = isSummary(msg) ? msg : isSummary(msg.data) ? msg.data :
      (msg.custom && isSummary(msg.custom.data)) ? msg.custom.data : null;
    if (summary) {
      noteBurst("card", addSummary(summary));
      return;
    }
    var progress = isProgress(msg) ? msg : isProgress(msg.data) ? msg.data :
      (msg.custom && isProgress(msg.custom.data)) ? msg.custom.data : null;
    if (progress) {
      setProgress(progress);
      return;
    }
    if (typeof msg.text === "string" && msg.text !== "") { addBotText(msg.text); }
    var buttons = msg.quick_replies || msg.buttons;
    if (Array.isArray(buttons) && buttons.length) {
      noteBurst("quickReplies", addQuickReplies(buttons));
    } else {
      noteBurst("text", null);
    }
  }

  /* ---------- outgoing ---------- */

  function emitMessage(item) {
    socket.emit("user_uttered", {
      message: item.message,
      metadata: item.display ? { display: item.display } : {}
    });
  }

  function flushOutbox() {
    while (outbox.length && socket && confirmed) {
      emitMessage(outbox.shift());
    }
  }

  /* Sends a message. display: the user's bubble (null: no bubble); how: "button" | "typed" | "page". */
  function send(message, display, how) {
    message = String(message || "").trim();
    if (!message) { return; }
    if (!session) { showStatus(UNREACHABLE); return; }
    lastAction = how === "typed" ? "typed" : "button";
    pinnedCard = null;
    removeQuickReplies();
    disableSummaries();
    if (display !== null && display !== undefined && display !== "") { addUser(display, how === "page"); }
    if (!session.started) { session.started = true; }
    touch();
    if (message !== "/restart") { showTyping(); }
    if (how !== "typed" && (document.activeElement === document.body || !document.activeElement ||
        !document.activeElement.isConnected || document.activeElement === el.start)) {
      el.input.focus();
    }
    var item = { message: message, display: how === "button" ? display : null };
    if (socket && confirmed && socket.connected) {
      emitMessage(item);
    } else {
      outbox.push(item);
      connect();
    }
  }

  /* ---------- socket ---------- */

  function connect() {
    if (socket) { return; }
    if (typeof window.io !== "function" || !CFG.socketUrl) {
      showStatus(UNREACHABLE);
      return;
    }
    socket = window.io(CFG.socketUrl, {
      path: CFG.socketPath || "/socket.io",
      transports: ["websocket"],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 8000,
      timeout: 10000
    });
    function requestRoom() {
      socket.emit("session_request", { session_token: sessionToken });
    }
    socket.on("connect", function () {
      confirmed = false;
      retriedConfirm = false;
      // A fresh token for every (re)connection: the last one may have expired meanwhile.
      requestSession(false).then(requestRoom, requestRoom);
    });
    socket.on("session_confirm", function (id) {
      if (typeof id === "string" && id !== session.id) {
        // The channel did not accept the token (expired, or the server's secret changed).
        if (!retriedConfirm) {
          retriedConfirm = true;
          requestSession(false).then(requestRoom, requestRoom);
          return;
        }
        session = { id: id, lastActivity: Date.now(), started: session.started };
        saveSession();
      }
      confirmed = true;
      if (!historyFailed) { hideStatus(); }
      flushOutbox();
    });
    socket.on("connect_error", function () {
      confirmed = false;
      showStatus(UNREACHABLE);
      hideTyping();
    });
    socket.on("disconnect", function (reason) {
      confirmed = false;
      if (reason === "io server disconnect") { socket.connect(); }
      if (reason !== "io client disconnect") {
        window.setTimeout(function () {
          if (!socket || !socket.connected) { showStatus(UNREACHABLE); hideTyping(); }
        }, 2500);
      }
    });
    socket.on("bot_uttered", onBotMessage);
  }

  /* ---------- history ---------- */

  function renderTranscript(entries) {
    el.log.textContent = "";
    setProgress(null);
    setEnded(false);
    var lastButtons = null;
    entries.forEach(function (e, i) {
      if (!e || typeof e !== "object") { return; }
      if (e.from === "user") {
        pinnedCard = null;
        addUser(e.text || "", i === 0 && PAGE_TITLES[e.text] === true);
      } else if (e.card && isCard(e.card)) {
        addCard(e.card);
      } else if (e.summary && isSummary(e.summary)) {
        addSummary(e.summary);
        if (i !== entries.length - 1) { disableSummaries(); }
      } else if (e.from === "bot") {
        if (e.text) { addBotText(e.text); }
        if (e.progress) { setProgress(e.progress); }
      }
      lastButtons = (i === entries.length - 1 && e.from === "bot" && Array.isArray(e.buttons)) ? e.buttons : null;
    });
    if (lastButtons && lastButtons.length) { addQuickReplies(lastButtons); }
    updateIntro();
    updateControls();
    scrollToEnd();
  }

  function loadHistory() {
    if (!session.started) { updateIntro(); return Promise.resolve(); }
    el.intro.hidden = true;
    var url = CFG.historyUrl || "/api/history";
    var headers = { "Accept": "application/json" };
    if (sessionToken) { headers.Authorization = "Bearer " + sessionToken; }
    return window.fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (resp) {
        return resp.json().catch(function () { return {}; }).then(function (body) {
          return { status: resp.status, body: body };
        });
      })
      .then(function (r) {
        if (r.status === 200 && r.body && Array.isArray(r.body.transcript)) {
          renderTranscript(r.body.transcript);
        } else if (r.status === 400 || r.status === 404) {
          // Not this browser's conversation any more: start afresh.
          return requestSession(true).then(updateIntro, updateIntro);
        } else {
          historyFailed = true;
          showStatus((r.body && r.body.message) || UNREACHABLE);
          updateIntro();
        }
      })
      .catch(function () {
        historyFailed = true;
        showStatus(UNREACHABLE);
        updateIntro();
      });
  }

  /* ---------- controls ---------- */

  function openConfirm() {
    el.confirm.hidden = false;
    el.startOver.setAttribute("aria-expanded", "true");
    el.confirmNo.focus();
  }

  function closeConfirm(refocus) {
    if (el.confirm.hidden) { return; }
    el.confirm.hidden = true;
    el.startOver.setAttribute("aria-expanded", "false");
    if (refocus && !el.startOver.hidden) { el.startOver.focus(); }
  }

  function startOver() {
    closeConfirm(false);
    setProgress(null);
    setEnded(false);
    window.clearTimeout(burstTimer);
    burst = { quickReplies: null, card: null };
    hideTyping();
    el.log.textContent = "";
    pinnedCard = null;
    updateIntro();
    updateControls();
    el.input.value = "";
    if (session.started) {
      send("/restart", null, "page");
    }
    el.start.focus();
  }

  function applyTextSize(index) {
    index = Math.max(0, Math.min(TEXT_SIZES.length - 1, index));
    document.documentElement.style.fontSize = TEXT_SIZES[index] + "%";
    // From 150% on, the page scrolls as a whole (the chat panel no longer fits one screen).
    document.documentElement.classList.toggle("text-large", TEXT_SIZES[index] >= 150);
    el.smaller.disabled = index === 0;
    el.larger.disabled = index === TEXT_SIZES.length - 1;
    el.smaller.title = "Smaller text (now " + TEXT_SIZES[index] + "%)";
    el.larger.title = "Larger text (now " + TEXT_SIZES[index] + "%)";
    storageSet(SIZE_KEY, String(index));
    return index;
  }

  function init() {
    var sizeIndex = parseInt(storageGet(SIZE_KEY) || "0", 10);
    sizeIndex = applyTextSize(isNaN(sizeIndex) ? 0 : sizeIndex);

    // After a size change the layout reflows: bring the latest messages back into view.
    // At either end one button is disabled: keep the keyboard focus on the other one.
    el.smaller.addEventListener("click", function () {
      sizeIndex = applyTextSize(sizeIndex - 1);
      if (el.smaller.disabled) { el.larger.focus(); }
      scrollToEnd();
    });
    el.larger.addEventListener("click", function () {
      sizeIndex = applyTextSize(sizeIndex + 1);
      if (el.larger.disabled) { el.smaller.focus(); }
      scrollToEnd();
    });

    el.form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = el.input.value;
      if (!text.trim()) { el.input.focus(); return; }
      el.input.value = "";
      send(text, text, "typed");
      el.input.focus();
    });

    el.start.addEventListener("click", function () {
      send("/start_screening", "Start screening", "page");
    });

    el.startOver.addEventListener("click", function () {
      if (el.confirm.hidden) { openConfirm(); } else { closeConfirm(true); }
    });
    el.confirmYes.addEventListener("click", startOver);
    el.confirmNo.addEventListener("click", function () { closeConfirm(true); });
    el.confirm.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); closeConfirm(true); }
    });
    // The kind of the last pointer: after a tap, no answer button is focused on its own.
    document.addEventListener("pointerdown", function (ev) { lastPointer = ev.pointerType || "mouse"; }, true);
    document.addEventListener("keydown", function () { lastPointer = "keyboard"; }, true);

    loadSession().then(loadHistory, function () {
      historyFailed = true;
      showStatus(UNREACHABLE);
      updateIntro();
    }).then(function () {
      if (session) { connect(); }
      document.body.setAttribute("data-chat-ready", "true");
    });
  }

  // For the page's own helpers (summary-link.js): the current socket token, never stored.
  window.MILD_CHAT = { token: function () { return sessionToken; } };

  function begin() {
    if (hostStore && hostStore.ready) { hostStore.ready.then(init, init); } else { init(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})();
