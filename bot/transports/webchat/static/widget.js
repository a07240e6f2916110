/* The web chat's embed: <script src="(the bot's origin)/chat/widget.js" async></script>
 *
 * Adds, where the script tag stands (or at the end of <body> when it stands in <head>), a
 * button "Fråga om tryggheten" that opens the chat in a modal <dialog>: focus goes into
 * the chat's message field, Esc (here, or inside the chat) closes it, and focus returns to
 * the button. The chat itself is the bot's page in an iframe (/chat?embed=1): nothing of
 * the host page is read or sent, nothing is fetched from anywhere else, no cookie is set.
 *
 * Language: the script's data-lang, else the host page's <html lang> (en… -> en), else
 * Swedish. Municipality: the script's data-kommun (a police area's id: dorotea, …), if any.
 */
(function () {
  "use strict";
  // Captured at once: document.currentScript is only set while this file first runs.
  var script = document.currentScript;
  if (!script || !script.src || document.getElementById("medborgarbot-open")) {
    return; // not loaded by a script tag, or loaded twice
  }
  var src = new URL(script.src, document.baseURI);
  var origin = src.origin;
  var base = origin + src.pathname.replace(/\/widget\.js$/, ""); // ".../chat"

  // The button's and the dialog's few words. They live here, not in the bot's text
  // catalogues, because they must show before anything is asked of the bot: the host page
  // has no catalogue, and fetching the words first would delay the button and add a
  // request. Every word inside the chat comes from the catalogues.
  var TEXTS = {
    sv: {open: "Fråga om tryggheten", title: "Fråga om tryggheten", close: "Stäng",
         frame: "Chatt: fråga om tryggheten"},
    en: {open: "Ask about safety", title: "Ask about safety", close: "Close",
         frame: "Chat: ask about safety"}
  };
  // data-kommun: the municipality the host page is about (dorotea, lycksele, …), so that
  // a police area's one bot answers about it until the person names another.
  var kommun = script.getAttribute("data-kommun");
  var wanted = script.getAttribute("data-lang") ||
    (/^en\b/i.test(document.documentElement.lang || "") ? "en" : "sv");
  var words = TEXTS[wanted.toLowerCase().slice(0, 2) === "en" ? "en" : "sv"];
  var uiLang = words === TEXTS.en ? "en" : "sv";

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text) { el.textContent = text; }
    return el;
  }

  function setUp() {
    if (document.getElementById("medborgarbot-open")) { return; }
    document.head.appendChild(make("link", {rel: "stylesheet", href: base + "/static/widget.css"}));

    var button = make("button", {id: "medborgarbot-open", type: "button",
      "aria-haspopup": "dialog", lang: uiLang}, words.open);
    var dialog = make("dialog", {id: "medborgarbot-dialog",
      "aria-labelledby": "medborgarbot-title", lang: uiLang});
    var bar = make("div", {id: "medborgarbot-bar"});
    var title = make("h2", {id: "medborgarbot-title"}, words.title);
    var close = make("button", {id: "medborgarbot-close", type: "button"}, words.close);
    var frame = make("iframe", {id: "medborgarbot-frame", title: words.frame});
    bar.appendChild(title);
    bar.appendChild(close);
    dialog.appendChild(bar);
    dialog.appendChild(frame);

    if (script.parentNode && script.parentNode !== document.head && document.body.contains(script)) {
      script.parentNode.insertBefore(button, script.nextSibling);
    } else {
      document.body.appendChild(button);
    }
    document.body.appendChild(dialog);

    var loaded = false;
    // Focus into the chat's message field: the iframe first (so that its document holds
    // the focus), then the chat is asked to focus its field.
    function focusChat() {
      frame.focus();
      frame.contentWindow.postMessage({type: "medborgarbot:focus"}, origin);
    }
    frame.addEventListener("load", function () {
      loaded = true;
      if (dialog.open) { focusChat(); }
    });

    button.addEventListener("click", function () {
      if (!frame.getAttribute("src")) { // loaded at the first opening, not with the host page
        frame.setAttribute("src", base + "?embed=1&lang=" + encodeURIComponent(wanted) +
          (kommun ? "&kommun=" + encodeURIComponent(kommun) : ""));
      }
      if (typeof dialog.showModal === "function") {
        dialog.showModal();
      } else {
        dialog.setAttribute("open", ""); // a browser without <dialog>: at least show it
      }
      if (loaded) { focusChat(); }
    });

    function shut() {
      if (typeof dialog.close === "function") {
        if (dialog.open) { dialog.close(); }
      } else {
        dialog.removeAttribute("open");
        button.focus();
      }
    }
    close.addEventListener("click", shut);
    dialog.addEventListener("close", function () { button.focus(); }); // Esc, or shut()

    // Esc pressed inside the chat: the chat asks to be closed. Only the bot's own frame.
    window.addEventListener("message", function (ev) {
      if (ev.origin !== origin || ev.source !== frame.contentWindow) { return; }
      if (ev.data && ev.data.type === "medborgarbot:close") { shut(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
