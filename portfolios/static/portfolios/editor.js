// A small formatting toolbar for portfolio entries: wraps the selected text of the entry's textarea in the
// few tags the server keeps (the server sanitises whatever arrives). No inline scripts: strict CSP.
(function () {
  "use strict";
  var TAGS = { bold: ["<strong>", "</strong>"], italic: ["<em>", "</em>"], para: ["<p>", "</p>"],
               list: ["<ul>\n<li>", "</li>\n</ul>"], quote: ["<blockquote>", "</blockquote>"] };
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-format]");
    if (!button) { return; }
    event.preventDefault();
    var area = document.getElementById(button.closest("[data-toolbar-for]").getAttribute("data-toolbar-for"));
    var tag = TAGS[button.getAttribute("data-format")];
    if (!area || !tag) { return; }
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    area.value = text.slice(0, start) + tag[0] + text.slice(start, end) + tag[1] + text.slice(end);
    area.focus();
    area.setSelectionRange(start + tag[0].length, end + tag[0].length);
    area.dispatchEvent(new Event("input", { bubbles: true }));  // autosave picks it up
  });
})();
