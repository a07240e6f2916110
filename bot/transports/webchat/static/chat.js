/* The web chat in the page (templates/chat.html): takes the page's plain forms over.
 *
 * Without this script the page works as forms posting to /chat/send; with it, a message
 * goes to /chat/api/messages and the replies come back on one EventSource
 * (/chat/api/events), which reconnects by itself and resumes after the last entry it saw
 * (Last-Event-ID), so a reply missed while the phone slept arrives once, after waking.
 *
 * The conversation's token lives in sessionStorage (this tab only, gone when it closes):
 * a reload continues the conversation, rebuilt from the event stream. The conversation is
 * made at the first send, not at page load: a visit that asks nothing costs the server
 * nothing. Nothing here moves focus except where the person's own action removed it.
 * Every word comes from the page (data-t-* on <body>, from the catalogues).
 */
(function () {
  "use strict";
  if (!window.fetch || !window.EventSource || !window.JSON || !document.querySelector) {
    return; // an old browser keeps the plain forms
  }

  var KEY_TOKEN = "medborgarbot:token";
  var KEY_SEQ = "medborgarbot:seq";
  var body = document.body;
  var base = body.getAttribute("data-base") || "/chat";
  var lang = body.getAttribute("data-lang") || "sv";
  var kommun = body.getAttribute("data-kommun"); // the municipality the page is about
  var embed = body.getAttribute("data-embed") === "1";
  var main = document.getElementById("chat");
  var transcript = document.getElementById("transcript");
  var statusLine = document.getElementById("status");
  var urgent = document.getElementById("urgent");
  var composer = document.getElementById("composer");
  var input = document.getElementById("message");
  if (!main || !transcript || !statusLine || !composer || !input) {
    return;
  }

  function text(name) {
    return body.getAttribute("data-t-" + name) || "";
  }

  // sessionStorage may be refused (strict privacy settings): then the conversation lasts
  // as long as the page.
  var memory = {};
  var store = {
    get: function (key) {
      try { return window.sessionStorage.getItem(key); } catch (e) { return memory[key] || null; }
    },
    set: function (key, value) {
      try { window.sessionStorage.setItem(key, value); } catch (e) { memory[key] = value; }
    },
    drop: function (key) {
      try { window.sessionStorage.removeItem(key); } catch (e) { delete memory[key]; }
    }
  };

  var seen = {};     // entry id -> true: each entry is shown once
  var highest = 0;   // the highest entry id shown
  var source = null; // the one EventSource
  var retryTimer = null;
  var retryDelay = 2000;
  var pending = null; // {seq, text} of a send whose answer never came (network): resent as is
  var busy = false;

  Array.prototype.forEach.call(transcript.querySelectorAll("article[data-id]"), function (el) {
    var id = parseInt(el.getAttribute("data-id"), 10);
    if (id > 0) {
      seen[id] = true;
      highest = Math.max(highest, id);
    }
  });

  // A page rendered for a conversation (?c=…, the no-JS path) carries its token in the
  // form; otherwise this tab's conversation, if any.
  var formToken = composer.elements.token ? composer.elements.token.value : "";
  var token = formToken || store.get(KEY_TOKEN) || "";
  if (formToken && formToken !== store.get(KEY_TOKEN)) {
    store.set(KEY_TOKEN, formToken);
    store.drop(KEY_SEQ);
  }

  // --- status ------------------------------------------------------------------------
  var statusKind = "";
  function say(kind, message, isHtml) {
    statusKind = kind;
    if (isHtml) {
      statusLine.innerHTML = message; // our server's own line (already safe HTML)
    } else {
      statusLine.textContent = message;
    }
  }
  function unsay(kind) {
    if (!kind || statusKind === kind) {
      statusKind = "";
      statusLine.textContent = "";
    }
  }

  // --- the token in every form, so that the plain forms still work if the script stops --
  function spreadToken() {
    Array.prototype.forEach.call(document.querySelectorAll("input[name=token]"), function (el) {
      el.value = token;
    });
  }

  function setToken(value) {
    token = value;
    store.set(KEY_TOKEN, value);
    store.set(KEY_SEQ, "0");
    pending = null;
    spreadToken();
  }

  // The conversation has ended on the server (expired): forget it, keep what was said on
  // screen (without its ids, so the next conversation's entries 1, 2, … are new), and let
  // the next send start a new one.
  function forget() {
    if (source) { source.close(); source = null; }
    clearTimeout(retryTimer);
    token = "";
    store.drop(KEY_TOKEN);
    store.drop(KEY_SEQ);
    pending = null;
    seen = {};
    highest = 0;
    Array.prototype.forEach.call(transcript.querySelectorAll("article[data-id]"), function (el) {
      el.removeAttribute("data-id");
      el.removeAttribute("id");
    });
    disableChoices(null);
    spreadToken();
  }

  // --- entries -------------------------------------------------------------------------
  function disableForm(form) {
    if (form.classList.contains("used")) { return; }
    form.classList.add("used");
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
      b.disabled = true;
    });
    var note = document.createElement("p");
    note.className = "visually-hidden choices-note";
    note.textContent = text("used");
    form.appendChild(note);
  }

  // The person answered: every earlier offer of buttons is spent (except `keep`).
  function disableChoices(keep) {
    Array.prototype.forEach.call(transcript.querySelectorAll("form.choices"), function (f) {
      if (f !== keep) { disableForm(f); }
    });
  }

  // The server took the person's message `id`: offers made before it are spent. Not the
  // ones after it: the reply may have come down the stream before this answer did.
  function disableBefore(id) {
    Array.prototype.forEach.call(transcript.querySelectorAll("article[data-id]"), function (a) {
      var form = a.querySelector("form.choices");
      if (form && parseInt(a.getAttribute("data-id"), 10) < id) { disableForm(form); }
    });
  }

  function hidden(name, value) {
    var el = document.createElement("input");
    el.type = "hidden";
    el.name = name;
    el.value = value;
    return el;
  }

  function build(entry) {
    var art = document.createElement("article");
    art.id = "msg-" + entry.id;
    art.className = "msg msg-" + entry.kind + (entry.urgent ? " msg-urgent" : "");
    art.setAttribute("data-id", String(entry.id));
    art.setAttribute("lang", entry.lang || document.documentElement.lang);
    var prefix = document.createElement("span");
    prefix.className = "visually-hidden";
    prefix.setAttribute("lang", document.documentElement.lang);
    prefix.textContent = text(entry.kind === "you" ? "you" : entry.kind === "bot" ? "bot" : "notice");
    art.appendChild(prefix);
    var content = document.createElement("div");
    content.className = "msg-body";
    content.innerHTML = entry.html; // safe HTML from our server (nh3-cleaned, or escaped)
    art.appendChild(content);
    if (entry.choices && entry.choices.length) {
      var form = document.createElement("form");
      form.className = "choices";
      form.method = "post";
      form.action = base + "/send";
      form.appendChild(hidden("token", token));
      form.appendChild(hidden("lang", lang));
      entry.choices.forEach(function (c) {
        var b = document.createElement("button");
        b.type = "submit";
        b.className = "choice";
        b.name = "text";
        b.value = c.send;
        b.textContent = c.label;
        form.appendChild(b);
      });
      art.appendChild(form);
    }
    return art;
  }

  function showUrgent(entry) {
    if (!urgent) { return; }
    var holder = urgent.querySelector(".urgent-body");
    holder.innerHTML = entry.html;
    holder.setAttribute("lang", entry.lang || document.documentElement.lang);
    if (main.firstElementChild !== urgent) {
      main.insertBefore(urgent, main.firstElementChild);
    }
    urgent.hidden = false; // not a live region: the log announces the reply once
  }

  // Keep the newest entry in view when the person follows the conversation: they are at
  // its end, or writing in the composer. Not when they scrolled back to read something.
  // Scrolling moves no focus.
  function following() {
    var doc = document.documentElement;
    return composer.contains(document.activeElement) ||
      window.innerHeight + window.pageYOffset >= doc.scrollHeight - 120;
  }
  // The new entry from its start, and the composer under it when both fit.
  function reveal(art) {
    var top = art.getBoundingClientRect().top + window.pageYOffset;
    var end = composer.getBoundingClientRect().bottom + window.pageYOffset - window.innerHeight;
    var target = Math.min(top - 8, end + 8);
    if (target > window.pageYOffset) {
      window.scrollTo(0, target);
    }
  }

  function add(entry) {
    if (!entry || typeof entry.id !== "number" || seen[entry.id]) { return; }
    var follow = following();
    seen[entry.id] = true;
    if (entry.kind === "you") { disableChoices(null); }
    var art = build(entry);
    var next = null;
    if (entry.id < highest) { // out of order (never expected): keep the order of ids
      next = Array.prototype.filter.call(transcript.querySelectorAll("article[data-id]"),
        function (el) { return parseInt(el.getAttribute("data-id"), 10) > entry.id; })[0];
    }
    transcript.insertBefore(art, next || null);
    highest = Math.max(highest, entry.id);
    if (entry.urgent && entry.kind === "bot") { showUrgent(entry); }
    if (follow) { reveal(art); }
  }

  // --- the event stream ------------------------------------------------------------------
  function eventsUrl() {
    return base + "/api/events?token=" + encodeURIComponent(token) + "&after=" + highest;
  }

  function connect() {
    clearTimeout(retryTimer);
    if (source) { source.close(); }
    if (!token) { source = null; return; }
    var es = new EventSource(eventsUrl());
    source = es;
    es.addEventListener("open", function () {
      retryDelay = 2000;
      unsay("reconnecting");
    });
    es.addEventListener("entry", function (ev) {
      var entry;
      try { entry = JSON.parse(ev.data); } catch (e) { return; }
      add(entry);
    });
    es.addEventListener("error", function () {
      if (es !== source) { return; }
      say("reconnecting", text("reconnecting"));
      if (es.readyState === EventSource.CLOSED) {
        // The server answered with something other than a stream: an ended conversation
        // (410), or a failure. EventSource gives up on both; ask which it was.
        source = null;
        probe();
      } // else the EventSource reconnects by itself, with Last-Event-ID
    });
  }

  function probe() {
    var ctl = window.AbortController ? new AbortController() : null;
    fetch(eventsUrl(), {cache: "no-store", signal: ctl ? ctl.signal : undefined})
      .then(function (res) {
        if (ctl) { ctl.abort(); }
        if (res.status === 410) {
          forget();
          say("expired", text("expired"));
          return;
        }
        later();
      }, later);
  }

  function later() {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  }

  window.addEventListener("online", function () {
    if (token && !source) { connect(); }
  });

  // --- sending -----------------------------------------------------------------------------
  function post(path, data) {
    return fetch(base + path, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(data),
      cache: "no-store",
      credentials: "same-origin"
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        return {status: res.status, json: json || {}};
      });
    });
  }

  var HANDLED = {}; // a refusal already told to the person

  function refusal(res) {
    if (res.json && res.json.html) {
      say("refused", res.json.html, true);
    } else {
      say("failed", text("failed"));
    }
    return HANDLED;
  }

  function conversation() {
    if (token) { return Promise.resolve(token); }
    var start = kommun ? {lang: lang, kommun: kommun} : {lang: lang};
    return post("/api/conversations", start).then(function (res) {
      if (res.status === 201 && res.json.token) {
        setToken(res.json.token);
        connect();
        return token;
      }
      throw refusal(res);
    });
  }

  function nextSeq(message) {
    if (pending && pending.text === message) { return pending.seq; }
    var seq = (parseInt(store.get(KEY_SEQ), 10) || 0) + 1;
    store.set(KEY_SEQ, String(seq));
    pending = {seq: seq, text: message};
    return seq;
  }

  // Send `message`; `done()` when the server has it (202, or 200 for a repeat).
  function send(message, done, failed) {
    if (busy) { return; }
    busy = true;
    conversation().then(function () {
      var seq = nextSeq(message);
      return post("/api/messages", {token: token, seq: seq, text: message, lang: lang})
        .then(function (res) {
          pending = null; // the server answered: a new message gets a new number
          if (res.status === 202 || res.status === 200) {
            unsay();
            if (!source) { connect(); }
            done(res.json && typeof res.json.id === "number" ? res.json.id : 0);
            return;
          }
          if (res.status === 410) {
            forget();
            if (res.json && res.json.html) {
              say("expired", res.json.html, true);
            } else {
              say("expired", text("expired"));
            }
            throw HANDLED;
          }
          throw refusal(res);
        });
    }).catch(function (err) {
      if (err !== HANDLED) { say("failed", text("failed")); }
      if (failed) { failed(); }
    }).then(function () {
      busy = false;
    });
  }

  composer.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var message = input.value.trim();
    if (!message) {
      say("empty", text("empty"));
      return;
    }
    // The text stays in the field until the server has it.
    send(message, function (id) {
      if (input.value.trim() === message) { input.value = ""; }
      disableBefore(id);
    });
  });

  transcript.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("choices")) { return; }
    var button = ev.submitter || document.activeElement;
    if (!button || button.name !== "text" || !form.contains(button)) {
      return; // which button is unknown (an old browser): the plain form posts it
    }
    ev.preventDefault();
    if (form.classList.contains("used")) { return; }
    var hadFocus = form.contains(document.activeElement);
    send(button.value, function (id) {
      button.classList.add("chosen");
      disableForm(form);
      disableBefore(id);
      // The pressed button is now disabled and has lost focus: the field is where the
      // keyboard goes on.
      if (hadFocus) { input.focus(); }
    });
  });

  // "Vad har hänt?" under the transcript: asked like a typed message (without the
  // script the plain form posts it).
  var quick = document.getElementById("digest-ask");
  if (quick) {
    quick.addEventListener("submit", function (ev) {
      var button = ev.submitter || document.activeElement;
      if (!button || button.name !== "text" || !quick.contains(button)) { return; }
      ev.preventDefault();
      send(button.value, function (id) { disableBefore(id); });
    });
  }

  // --- inside the widget's frame -----------------------------------------------------------
  if (embed && window.parent !== window) {
    window.addEventListener("message", function (ev) {
      if (ev.source !== window.parent || !ev.data || ev.data.type !== "medborgarbot:focus") {
        return;
      }
      input.focus();
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" || ev.key === "Esc") {
        // The host page's dialog does not see keys pressed in here; ask it to close. The
        // message carries nothing but its type, so any parent may read it.
        window.parent.postMessage({type: "medborgarbot:close"}, "*");
      }
    });
  }

  spreadToken();
  if (token) { connect(); } // a reload: the stream replays the conversation after `highest`
}());
