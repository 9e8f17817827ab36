// The portfolio entry editor: a contenteditable box with a few formatting buttons, written by hand (no library, no
// CDN, no inline script: strict CSP). It shows formatting as formatting and keeps the hidden textarea in step with
// the same small set of tags the server keeps (portfolios/services.sanitise, nh3, cleans it again on save).
// Without JavaScript the textarea stays as it is. Autosave is unchanged: the form posts (htmx) 1.5 s after the
// last input event, and the editor's input events bubble to the form.
(function () {
  "use strict";
  // Tag in the editor -> tag stored. Everything else is unwrapped to its text (block elements become paragraphs).
  var KEEP = { P: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", U: "u", UL: "ul", OL: "ol",
               LI: "li", BLOCKQUOTE: "blockquote", H3: "h3", H4: "h4", A: "a" };
  var BLOCKS = { DIV: true, SECTION: true, ARTICLE: true, H1: true, H2: true, H5: true, H6: true, PRE: true };
  var COMMANDS = { bold: ["bold"], italic: ["italic"], para: ["formatBlock", "<p>"],
                   list: ["insertUnorderedList"], numbered: ["insertOrderedList"],
                   quote: ["formatBlock", "<blockquote>"] };

  function escapeText(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function safeHref(href) {
    return /^(https?:|mailto:)/i.test(href || "") ? href.replace(/"/g, "&quot;") : "";
  }

  // The allowed subset of a DOM tree, as HTML text.
  function clean(node) {
    var out = "";
    node.childNodes.forEach(function (child) {
      if (child.nodeType === 3) { out += escapeText(child.nodeValue); return; }
      if (child.nodeType !== 1) { return; }
      var name = child.nodeName;
      if (name === "SCRIPT" || name === "STYLE" || name === "TEMPLATE") { return; }
      var tag = KEEP[name] || (BLOCKS[name] ? "p" : "");
      var inner = clean(child);
      if (!tag) { out += inner; return; }
      if (tag === "br") { out += "<br>"; return; }
      if (tag === "a") {
        var href = safeHref(child.getAttribute("href"));
        out += href ? '<a href="' + href + '">' + inner + "</a>" : inner;
        return;
      }
      out += "<" + tag + ">" + inner + "</" + tag + ">";
    });
    return out;
  }

  // Parse HTML without running or loading anything (a template's content is inert), keep the allowed subset.
  function cleanHtml(html) {
    var template = document.createElement("template");
    template.innerHTML = html || "";
    return clean(template.content);
  }

  function looksLikeHtml(text) { return /<[a-zA-Z\/!]/.test(text); }

  function plainToHtml(text) {
    return text.split(/\n\s*\n/).filter(function (b) { return b.trim(); }).map(function (b) {
      return "<p>" + escapeText(b.trim()).replace(/\n/g, "<br>") + "</p>";
    }).join("");
  }

  function setUp(toolbar) {
    var area = document.getElementById(toolbar.getAttribute("data-editor-for"));
    if (!area || !document.queryCommandSupported || !document.queryCommandSupported("bold")) { return; }
    var label = document.querySelector('label[for="' + area.id + '"]');
    var editor = document.createElement("div");
    editor.className = "rich-editor";
    editor.id = area.id + "_editor";
    editor.setAttribute("contenteditable", "true");
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    var hint = document.getElementById(area.id + "_helptext") || document.getElementById(area.id + "_hint");
    if (hint) { editor.setAttribute("aria-describedby", hint.id); }
    if (label) {
      // The label now names the editor; the textarea behind it is hidden and no longer labelled.
      label.id = label.id || area.id + "_label";
      label.removeAttribute("for");
      editor.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { editor.focus(); });
    }
    var value = area.value || "";
    editor.innerHTML = looksLikeHtml(value) ? cleanHtml(value) : plainToHtml(value);
    area.hidden = true;
    area.setAttribute("aria-hidden", "true");
    area.tabIndex = -1;
    area.parentNode.insertBefore(editor, area.nextSibling);
    toolbar.hidden = false;
    toolbar.setAttribute("aria-controls", editor.id);
    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* older engines */ }

    function sync() {
      var html = cleanHtml(editor.innerHTML);
      area.value = html.replace(/<p><\/p>|<p><br><\/p>/g, "");
    }

    function showState() {
      toolbar.querySelectorAll("[data-command]").forEach(function (button) {
        var name = button.getAttribute("data-command");
        if (name === "bold" || name === "italic") {
          var on = false;
          try { on = document.queryCommandState(name); } catch (e) { on = false; }
          button.setAttribute("aria-pressed", on ? "true" : "false");
        }
      });
    }

    editor.addEventListener("input", sync);
    editor.addEventListener("keyup", showState);
    editor.addEventListener("mouseup", showState);
    editor.addEventListener("paste", function (event) {
      // Pasted text comes in as text: no foreign styles or markup from other programs.
      var text = event.clipboardData && event.clipboardData.getData("text/plain");
      if (text === undefined || text === null) { return; }
      event.preventDefault();
      document.execCommand("insertText", false, text);
    });
    if (area.form) { area.form.addEventListener("submit", sync, true); }
    toolbar.addEventListener("mousedown", function (event) {
      if (event.target.closest("[data-command]")) { event.preventDefault(); }  // keep the selection
    });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("[data-command]");
      if (!button) { return; }
      event.preventDefault();
      var command = COMMANDS[button.getAttribute("data-command")];
      if (!command) { return; }
      if (!editor.contains(document.activeElement) && document.activeElement !== editor) { editor.focus(); }
      document.execCommand(command[0], false, command[1] || null);
      sync();
      showState();
      editor.dispatchEvent(new Event("input", { bubbles: true }));  // autosave picks it up
    });
  }

  function start() { document.querySelectorAll("[data-editor-for]").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
