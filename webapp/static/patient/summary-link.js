/* "Open a printable summary" under the latest result card (not for an emergency: that advice is
 * to call 911 now). The address comes from POST /api/summary, which answers only this chat's own
 * conversation (its socket token, as Bearer; or the page's cookie); it is signed, lasts an hour and
 * dies with "Start over". Loaded after chat.js; reads its token through window.MILD_CHAT.
 */
(function () {
  "use strict";

  var log = document.getElementById("log");
  if (!log || !window.fetch) { return; }
  var LINK_CLASS = "result-card__keep";
  var STALE_MS = 50 * 60 * 1000;   // addresses last 60 minutes: renew before that
  var TRIES = 6;

  function token() {
    return window.MILD_CHAT && typeof window.MILD_CHAT.token === "function" ? window.MILD_CHAT.token() : null;
  }

  function requestUrl() {
    var headers = { "Accept": "application/json" };
    var t = token();
    if (t) { headers.Authorization = "Bearer " + t; }
    return window.fetch("/api/summary", { method: "POST", headers: headers, credentials: "same-origin",
                                          cache: "no-store" })
      .then(function (resp) {
        if (!resp.ok) { throw new Error("summary " + resp.status); }
        return resp.json();
      })
      .then(function (body) {
        if (!body || typeof body.url !== "string" || body.url.indexOf("/summary/") !== 0) {
          throw new Error("summary reply");
        }
        return body.url;
      });
  }

  function addLink(card, url) {
    if (!card.isConnected || card.querySelector("." + LINK_CLASS)) { return; }
    var p = document.createElement("p");
    p.className = LINK_CLASS;
    var a = document.createElement("a");
    a.className = "btn btn--quiet";
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener";
    a.textContent = "Open a printable summary";
    var hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " (opens in a new tab)";
    a.appendChild(hint);
    var made = Date.now();
    a.addEventListener("click", function (ev) {
      if (Date.now() - made < STALE_MS) { return; }
      ev.preventDefault();
      requestUrl().then(function (fresh) {
        a.href = fresh;
        made = Date.now();
        window.open(fresh, "_blank", "noopener");
      }, function () { /* the result is gone (started over): the link goes too */ p.remove(); });
    });
    p.appendChild(a);
    card.appendChild(p);
  }

  /* The result is stored in the conversation when Rasa ends the turn, a moment after the card shows. */
  function linkFor(card, attempt) {
    requestUrl().then(function (url) {
      if (card === latestCard()) { addLink(card, url); }
    }, function () {
      if (attempt + 1 < TRIES && card.isConnected && card === latestCard()) {
        window.setTimeout(function () { linkFor(card, attempt + 1); }, 500 * (attempt + 1));
      }
    });
  }

  function latestCard() {
    var cards = log.querySelectorAll(".result-card");
    return cards.length ? cards[cards.length - 1] : null;
  }

  function update() {
    var card = latestCard();
    Array.prototype.forEach.call(log.querySelectorAll("." + LINK_CLASS), function (p) {
      if (p.parentNode !== card) { p.remove(); }
    });
    if (!card || card.getAttribute("data-outcome") === "emergency" || card.hasAttribute("data-summary-asked")) {
      return;
    }
    card.setAttribute("data-summary-asked", "true");
    linkFor(card, 0);
  }

  new MutationObserver(update).observe(log, { childList: true });
})();
