// The keyboard-driven register: a key per national code, arrows move between pupils. No inline scripts (CSP).
(function () {
  "use strict";
  var TWO = { C: ["1", "2"], J: ["1"], Y: ["1", "2", "3", "4", "5", "6", "7"] };
  var pending = null; // {select, letter, at}

  function selects(form) { return Array.prototype.slice.call(form.querySelectorAll("select[data-code]")); }
  function hasOption(select, value) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
  }
  function move(form, select, step) {
    var list = selects(form), i = list.indexOf(select) + step;
    if (i >= 0 && i < list.length) { list[i].focus(); }
    else if (step > 0) { var save = form.querySelector("[data-save]"); if (save) { save.focus(); } }
  }
  function lateInput(select) { return select.closest("tr").querySelector("input[data-late]"); }
  function set(form, select, code) {
    select.value = code;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    if (code === "L") { var late = lateInput(select); late.focus(); late.select(); return; }
    move(form, select, 1);
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    var form = el.closest && el.closest("form[data-register]");
    if (!form) { return; }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault(); form.querySelector("[data-save]").click(); return;
    }
    if (el.matches("input[data-late]")) {
      if (event.key === "Enter") {
        event.preventDefault();
        var sel = el.closest("tr").querySelector("select[data-code]");
        move(form, sel, 1);
      }
      return;
    }
    if (!el.matches("select[data-code]") || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.key === "ArrowDown") { event.preventDefault(); move(form, el, 1); return; }
    if (event.key === "ArrowUp") { event.preventDefault(); move(form, el, -1); return; }
    var key = event.key.length === 1 ? event.key.toUpperCase() : "";
    if (!key) { return; }
    var now = Date.now();
    if (/[1-7]/.test(key) && pending && now - pending.at < 2000) {
      var two = pending.letter + key;
      if (hasOption(pending.select, two)) {
        event.preventDefault();
        var target = pending.select; pending = null;
        target.value = two;
        if (document.activeElement === target) { move(form, target, 1); }
        return;
      }
    }
    if (key === "/" || key === "\\" || key === ".") {
      event.preventDefault(); pending = null; set(form, el, form.getAttribute("data-present")); return;
    }
    if (TWO[key]) {
      event.preventDefault();
      pending = { select: el, letter: key, at: now };
      if (hasOption(el, key)) { set(form, el, key); }
      return;
    }
    if (hasOption(el, key)) { event.preventDefault(); pending = null; set(form, el, key); return; }
    if (/^[A-Z0-9#]$/.test(key)) { event.preventDefault(); }
  });

  // After a save the server found nothing to re-render (htmx swaps in only the status and fires this event):
  // what the page shows is now what is saved, so it becomes the starting point of the next save, and the
  // marks of a previous refused save are cleared.
  document.addEventListener("register-saved", function (event) {
    var form = event.target.closest ? event.target.closest("form[data-register]") : null;
    if (!form) { return; }
    selects(form).forEach(function (select) {
      var orig = form.querySelector('input[name="orig-' + select.name.slice(5) + '"]');
      if (orig) { orig.value = select.value; }
      select.removeAttribute("aria-describedby");
    });
    Array.prototype.forEach.call(form.querySelectorAll(".field-error"), function (p) { p.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll(".register__row--error"), function (row) {
      row.classList.remove("register__row--error");
    });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-all-present]");
    if (!button) { return; }
    var form = button.closest("form[data-register]");
    event.preventDefault();
    var present = form.getAttribute("data-present");
    selects(form).forEach(function (s) { if (!s.value) { s.value = present; } });
    var first = selects(form)[0];
    if (first) { first.focus(); }
  });
})();
