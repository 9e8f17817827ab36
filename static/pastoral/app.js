// Pastoral's small behaviours. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.requestSubmit(); }
  });
  // Destructive buttons ask first: <button data-confirm="Delete this?">.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
  // Move focus to an error summary so screen-reader users hear it.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  });

  // The navigation is a <details> disclosure (the Menu button on narrow screens). On a wide screen it stays open:
  // CSS shows it where ::details-content can be styled, this covers the browsers where it cannot.
  var wide = window.matchMedia("(min-width: 48rem)");
  function syncMenus() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav-menu]"), function (menu) { menu.open = wide.matches; });
  }
  if (wide.addEventListener) { wide.addEventListener("change", syncMenus); }
  document.addEventListener("DOMContentLoaded", syncMenus);

  // On a phone or tablet a table too wide for the screen is shown one card a row (app.css). Give every cell its column's
  // heading as data-label (the CSS shows it above the value), then measure each table with its words unbroken and
  // turn into cards only those that do not fit. Again after htmx swaps content in and when the screen turns.
  var narrow = window.matchMedia("(max-width: 63.9375rem)");
  function labelCells(table) {
    var head = table.tHead.rows[table.tHead.rows.length - 1];
    var labels = [];
    Array.prototype.forEach.call(head.cells, function (cell) {
      for (var i = 0; i < cell.colSpan; i++) { labels.push(cell.textContent.replace(/\s+/g, " ").trim()); }
    });
    Array.prototype.forEach.call(table.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr"), function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        if (cell.colSpan === 1 && labels[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", labels[column]);
        }
        column += cell.colSpan;
      });
    });
  }
  function fitTables() {
    var tables = Array.prototype.slice.call(document.querySelectorAll("main table:not(.table--keep)"));
    tables.forEach(function (table) {
      table.classList.remove("table--cards", "table--fits");
      if (table.tHead && table.tHead.rows.length) { labelCells(table); }
    });
    if (!narrow.matches) { return; }
    var fitted = tables.map(function (table) { return table.offsetWidth; });
    tables.forEach(function (table) { table.classList.add("table--measure"); });
    var natural = tables.map(function (table) { return table.offsetWidth; });
    tables.forEach(function (table, i) {
      table.classList.remove("table--measure");
      if (natural[i] <= fitted[i] + 1) { table.classList.add("table--fits"); }
      else if (table.tHead && table.tHead.rows.length) { table.classList.add("table--cards"); }
    });
  }
  var pending = false, lastWidth = window.innerWidth;
  function fitSoon() {  // a phone's toolbar coming and going changes only the height: nothing to do
    if (pending || window.innerWidth === lastWidth) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; lastWidth = window.innerWidth; fitTables(); });
  }
  document.addEventListener("DOMContentLoaded", fitTables);
  document.addEventListener("htmx:afterSettle", fitTables);
  window.addEventListener("resize", fitSoon);
})();
