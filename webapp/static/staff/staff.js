/* Staff console: a phone intake on the caller's behalf.
 *
 * The dialogue lives in the bot. This page only sends the caller's words or a button payload to
 * /staff/api/intakes/<id>/messages and draws what comes back: the bot's latest messages (the script
 * to read and the answer buttons) and the intake's state from the tracker (answers, outcome,
 * read-back, appointment request). All bot and caller text is set with textContent, never as HTML.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.body.getAttribute("data-config") || "{}");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var STORAGE_KEY = "mildStaffIntake";

  var main = document.getElementById("console");
  var ui = {};
  [
    "start-panel", "start-intake", "new-intake", "intake", "emergency-banner", "emergency-script", "script",
    "script-panel",
    "answer-buttons", "words-form", "words", "send-words", "status", "outcome-panel", "outcome-provisional",
    "outcome-title", "outcome-summary", "outcome-reasons", "outcome-notes-block", "outcome-notes", "outcome-next",
    "readback-panel", "readback", "appointment-panel", "appointment", "done-panel", "next-intake", "answers",
    "meta-staff", "meta-intake"
  ].forEach(function (id) { ui[id] = document.getElementById(id); });

  var catalog = {};
  (config.catalog || []).forEach(function (q) { catalog[q.slot] = q; });

  var intake = null;          // conversation id of the current intake
  var state = null;           // the latest state from the server
  var busy = false;
  var answerButtons = [];     // the current question's answer buttons, in shortcut order
  var openChange = null;      // slot whose change options are open in the side panel
  var changeButtons = [];
  var armedNew = 0;
  var lastWords = null;       // the caller's words sent last (shown above the bot's reply)           // time the "new intake" button was pressed once during an intake

  // --- small DOM helpers (text only) ---------------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function show(node, visible) { node.hidden = !visible; }
  function setStatus(text, isError) {
    ui.status.textContent = text || "";
    ui.status.classList.toggle("error", !!isError);
  }
  function keyLabel(index) { return index < 9 ? String(index + 1) : ""; }

  // --- talking to the server -----------------------------------------------------------------
  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRF-Token"] = csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (resp) {
      if (resp.status === 401 || (resp.redirected && resp.url.indexOf("/staff/login") !== -1)) {
        throw new Error("Your session has ended. Reload the page and sign in again.");
      }
      return resp.json().catch(function () { return null; }).then(function (data) {
        if (!resp.ok || !data) {
          throw new Error((data && (data.message || data.error)) || config.unavailable || "Request failed.");
        }
        return data;
      });
    });
  }

  function setBusy(value) {
    busy = value;
    main.setAttribute("data-busy", value ? "true" : "false");
    main.setAttribute("aria-busy", value ? "true" : "false");
    var buttons = main.querySelectorAll("button[data-sends]");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = value;
    ui["send-words"].disabled = value;
  }

  function startIntake() {
    if (busy) return;
    setBusy(true);
    setStatus("Starting the intake…");
    api("POST", config.api, {}).then(function (data) {
      intake = data.intake;
      try { sessionStorage.setItem(STORAGE_KEY, intake); } catch (e) { /* private mode */ }
      openChange = null;
      ui.words.value = "";
      setStatus("");
      render(data);
    }).catch(function (err) {
      setStatus(err.message, true);
    }).then(function () { setBusy(false); afterRender(); });
  }

  function send(message) {
    if (busy || !intake || !message) return;
    setBusy(true);
    setStatus("Sending…");
    api("POST", config.api + "/" + encodeURIComponent(intake) + "/messages", { message: message }).then(function (data) {
      setStatus("");
      lastWords = message.charAt(0) === "/" ? null : message;
      render(data);
    }).catch(function (err) {
      setStatus(err.message, true);
    }).then(function () { setBusy(false); afterRender(); });
  }

  function resume(id) {
    setBusy(true);
    api("GET", config.api + "/" + encodeURIComponent(id)).then(function (data) {
      if (!data.state || !data.state.answered_by) throw new Error("");
      intake = id;
      render(data);
    }).catch(function () {
      try { sessionStorage.removeItem(STORAGE_KEY); } catch (e) { /* ignore */ }
      showStart();
    }).then(function () { setBusy(false); afterRender(); });
  }

  // --- drawing ---------------------------------------------------------------------------------
  function showStart() {
    intake = null;
    state = null;
    show(ui["start-panel"], true);
    show(ui.intake, false);
    show(ui["new-intake"], false);
    main.setAttribute("data-phase", "idle");
    ui["start-intake"].focus();
  }

  function render(data) {
    show(ui["start-panel"], false);
    show(ui.intake, true);
    show(ui["new-intake"], true);
    renderScript(data.messages || []);
    renderState(data.state || {});
  }

  function renderScript(messages) {
    clear(ui.script);
    clear(ui["answer-buttons"]);
    answerButtons = [];
    var buttons = null;
    if (lastWords) ui.script.appendChild(el("p", "echo", "Entered: \u201c" + lastWords + "\u201d"));
    lastWords = null;
    messages.forEach(function (message) {
      if (message.card) {
        if (message.card.outcome !== "emergency") {
          ui.script.appendChild(el("p", "script-line", "First read back the answers below and let the caller correct them; then read the outcome."));
        }
        return;
      }
      String(message.text || "").split("\n").forEach(function (line) {
        line = line.trim();
        if (!line) return;
        var isHint = /^hint:/i.test(line);
        ui.script.appendChild(el("p", isHint ? "hint-line" : "script-line", line));
      });
      if (message.buttons && message.buttons.length) buttons = message.buttons;
    });
    (buttons || []).forEach(function (button, index) {
      var node = answerButton(button.title, button.payload, keyLabel(index));
      node.classList.add("answer");
      ui["answer-buttons"].appendChild(node);
      answerButtons.push(node);
    });
    show(ui["script-panel"], ui.script.childNodes.length > 0);
    show(ui["answer-buttons"], answerButtons.length > 0);
  }

  function answerButton(title, payload, key) {
    var node = el("button", "choice");
    node.type = "button";
    node.setAttribute("data-sends", "");
    node.setAttribute("data-payload", payload);
    if (key) {
      node.setAttribute("data-key", key);
      node.setAttribute("aria-keyshortcuts", key);
      node.appendChild(el("kbd", "", key));
    }
    node.appendChild(el("span", "choice-title", title));
    node.addEventListener("click", function () { send(payload); });
    return node;
  }

  function renderState(s) {
    state = s;
    main.setAttribute("data-phase", s.phase || "");
    main.setAttribute("data-requested-slot", s.requested_slot || "");
    main.setAttribute("data-outcome", s.outcome || "");
    main.setAttribute("data-final", s.final ? "true" : "false");
    ui["meta-staff"].textContent = s.staff_name || "";
    ui["meta-intake"].textContent = s.intake || "";

    // red flag
    var emergency = s.outcome === "emergency";
    show(ui["emergency-banner"], emergency);
    ui["emergency-script"].textContent = emergency ? (s.emergency_script || "") : "";
    document.body.classList.toggle("is-emergency", emergency);

    renderOutcome(s);
    renderReadback(s);
    renderAppointment(s);
    renderAnswers(s);

    var done = s.phase === "done" || s.phase === "emergency";
    show(ui["done-panel"], done);
    show(ui["words-form"], !done);
  }

  function renderOutcome(s) {
    var card = s.card || {};
    show(ui["outcome-panel"], !!s.outcome && s.outcome !== "emergency");
    ui["outcome-panel"].className = "card outcome o-" + (s.outcome || "none");
    show(ui["outcome-provisional"], !!s.outcome && !s.final);
    ui["outcome-title"].textContent = card.title || s.outcome_title || "";
    ui["outcome-summary"].textContent = card.summary ? "Read: \u201c" + card.summary + "\u201d" : "";
    fillList(ui["outcome-reasons"], s.reasons || []);
    fillList(ui["outcome-notes"], s.notes || []);
    show(ui["outcome-notes-block"], (s.notes || []).length > 0);
    ui["outcome-next"].textContent = card.next_step ? "Next step: " + card.next_step : "";
  }

  function fillList(list, items) {
    clear(list);
    items.forEach(function (item) { list.appendChild(el("li", "", item)); });
  }

  function renderReadback(s) {
    var rows = s.readback || [];
    show(ui["readback-panel"], rows.length > 0);
    clear(ui.readback);
    rows.forEach(function (row) {
      var li = el("li");
      li.setAttribute("data-slot", row.slot);
      li.appendChild(el("span", "rb-sentence", row.sentence || (row.label + ": " + row.value_label)));
      var detail = el("span", "rb-detail");
      detail.appendChild(el("span", "rb-label", row.label + ": "));
      detail.appendChild(el("strong", "rb-value", row.value_label));
      if (row.words) detail.appendChild(el("span", "words", " \u00b7 caller said \u201c" + row.words + "\u201d"));
      li.appendChild(detail);
      ui.readback.appendChild(li);
    });
  }

  function renderAppointment(s) {
    var rows = s.appointment || null;
    show(ui["appointment-panel"], !!rows);
    clear(ui.appointment);
    (rows || []).forEach(function (row) {
      var dt = el("dt", "", row.label);
      var dd = el("dd", row.asking ? "asking" : "", row.value_label || (row.asking ? "asking now" : "\u2014"));
      dd.setAttribute("data-slot", row.slot);
      ui.appointment.appendChild(dt);
      ui.appointment.appendChild(dd);
    });
  }

  function renderAnswers(s) {
    clear(ui.answers);
    changeButtons = [];
    (s.answers || []).forEach(function (answer) {
      var li = el("li", "answer-row");
      li.setAttribute("data-slot", answer.slot);
      if (answer.asking) li.classList.add("asking");
      if (answer.value === null || answer.value === undefined) li.classList.add("empty");
      var toggle = el("button", "answer-toggle");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", openChange === answer.slot ? "true" : "false");
      toggle.appendChild(el("span", "a-label", answer.label));
      var valueText = answer.value_label || (answer.asking ? "asking now" : "\u2014");
      toggle.appendChild(el("span", "a-value", valueText));
      if (answer.words && answer.typed) toggle.appendChild(el("span", "words", "\u201c" + answer.words + "\u201d"));
      if (answer.changed) toggle.appendChild(el("span", "tag", "changed"));
      toggle.addEventListener("click", function () {
        openChange = openChange === answer.slot ? null : answer.slot;
        renderAnswers(state);
        if (openChange) {
          var first = ui.answers.querySelector(".change-options button");
          if (first) first.focus();
        }
      });
      li.appendChild(toggle);
      if (openChange === answer.slot) li.appendChild(changeOptions(answer));
      ui.answers.appendChild(li);
    });
  }

  function changeOptions(answer) {
    var q = catalog[answer.slot] || { options: [] };
    var box = el("div", "change-options");
    box.appendChild(el("p", "hint", q.question || ""));
    var group = el("div", "change-grid");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Change " + (q.label || answer.slot));
    (q.options || []).forEach(function (option, index) {
      var node = answerButton(option.title, option.payload, keyLabel(index));
      if (node.getAttribute("data-payload") === currentPayload(answer)) node.classList.add("current");
      node.addEventListener("click", function () { openChange = null; });
      group.appendChild(node);
      changeButtons.push(node);
    });
    box.appendChild(group);
    if (q.number) {
      var form = el("form", "number-change");
      var input = el("input");
      input.type = "number";
      input.min = q.number.min;
      input.max = q.number.max;
      input.step = q.number.step;
      input.setAttribute("aria-label", (q.label || answer.slot) + " in " + q.number.unit);
      if (typeof answer.value === "number") input.value = answer.value;
      var unit = el("span", "unit", q.number.unit);
      var submit = el("button", "", "Set");
      submit.type = "submit";
      submit.setAttribute("data-sends", "");
      form.appendChild(input);
      form.appendChild(unit);
      form.appendChild(submit);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var value = Number(input.value);
        if (input.value === "" || !isFinite(value) || value < q.number.min || value > q.number.max) {
          setStatus("Enter a number from " + q.number.min + " to " + q.number.max + ".", true);
          return;
        }
        if (q.number.integer) value = Math.round(value);
        var payload = {};
        payload[answer.slot] = value;
        openChange = null;
        send("/inform" + JSON.stringify(payload));
      });
      box.appendChild(form);
    }
    return box;
  }

  function currentPayload(answer) {
    if (answer.value === null || answer.value === undefined) return null;
    var payload = {};
    payload[answer.slot] = answer.value;
    return "/inform" + JSON.stringify(payload);
  }

  // Where the keyboard should be after each turn: in the words field when the caller answers by
  // typing (age, name, phone), otherwise nowhere in particular so that 1, 2, 3 pick an answer.
  function afterRender() {
    if (!state) return;
    var done = state.phase === "done" || state.phase === "emergency";
    if (!done && state.typed_answer && !openChange) {
      ui.words.focus();
    } else if (document.activeElement && document.activeElement !== document.body &&
               !(openChange && ui.answers.contains(document.activeElement))) {
      document.activeElement.blur();
    }
  }

  function newIntakeRequested() {
    var done = !state || state.phase === "done" || state.phase === "emergency";
    if (done || Date.now() - armedNew < 5000) {
      armedNew = 0;
      ui["new-intake"].textContent = "New intake";
      startIntake();
      return;
    }
    armedNew = Date.now();
    ui["new-intake"].textContent = "Press again to abandon this intake";
    setStatus("This intake is not finished. Press \u201cNew intake\u201d again within 5 seconds to leave it and start another.");
  }

  // --- events ------------------------------------------------------------------------------------
  ui["start-intake"].addEventListener("click", startIntake);
  ui["next-intake"].addEventListener("click", startIntake);
  ui["new-intake"].addEventListener("click", newIntakeRequested);
  ui["words-form"].addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = ui.words.value.trim();
    if (!text || busy) return;
    ui.words.value = "";
    send(text);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return;
    var target = ev.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
    if (ev.key === "Escape") {
      if (openChange) { openChange = null; renderAnswers(state); }
      if (typing) target.blur();
      return;
    }
    if (typing) return;
    if (/^[1-9]$/.test(ev.key)) {
      var list = openChange ? changeButtons : answerButtons;
      var button = list[Number(ev.key) - 1];
      ev.preventDefault();
      if (button && !busy) button.click();
      return;
    }
    if (ev.key === "/" && intake && !ui["words-form"].hidden) {
      ev.preventDefault();
      ui.words.focus();
      return;
    }
    if ((ev.key === "n" || ev.key === "N") && !busy) {
      if (!intake) { ev.preventDefault(); startIntake(); }
      else if (state && (state.phase === "done" || state.phase === "emergency")) { ev.preventDefault(); startIntake(); }
    }
  });

  // --- start ---------------------------------------------------------------------------------------
  var saved = null;
  try { saved = sessionStorage.getItem(STORAGE_KEY); } catch (e) { saved = null; }
  if (saved && /^staff-[0-9a-f]{32}$/.test(saved)) {
    resume(saved);
  } else {
    showStart();
  }
})();
