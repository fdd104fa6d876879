/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Move focus to a form's error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Partner page: a button that copies the badge snippet (without JS the code is selectable).
  var copy = document.querySelector("[data-copy]");
  if (copy && navigator.clipboard) {
    var code = document.getElementById(copy.getAttribute("data-copy"));
    var copied = copy.parentNode.querySelector("[role=status]");
    copy.parentNode.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(code.value).then(function () {
        copied.textContent = "Gekopieerd.";
      }, function () {
        code.select();
        copied.textContent = "Kopiëren lukte niet; de code is geselecteerd, kopieer hem met Ctrl+C of Cmd+C.";
      });
    });
  }

  // Instant name search and type filter on the logo wall.
  var box = document.getElementById("wall-search");
  var input = document.getElementById("wall-search-input");
  if (!box || !input) { return; }
  // Wall tiles are searched by their text (the organisation name); A-Z entries carry data-name,
  // because their text also holds the type. Hiding a tile hides its list and group once empty.
  var items = Array.prototype.slice.call(document.querySelectorAll(".tile, [data-name]"));
  var lists = Array.prototype.slice.call(document.querySelectorAll(".wall"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group], .letter-group"));
  var status = document.getElementById("wall-status");
  var empty = document.getElementById("wall-empty");
  box.hidden = false;

  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var names = null;  // read on the first search, not while the page loads
  function showIfAny(container) {
    container.hidden = !container.querySelector(".tile:not([hidden]), [data-name]:not([hidden])");
  }

  function apply() {
    var query = normalise(input.value.trim());
    var shown = 0;
    names = names || items.map(function (el) { return normalise(el.getAttribute("data-name") || el.textContent); });
    items.forEach(function (el, i) {
      var match = names[i].indexOf(query) !== -1;
      el.hidden = !match;
      if (match) { shown += 1; }
    });
    lists.forEach(showIfAny);
    groups.forEach(showIfAny);
    empty.hidden = shown !== 0;
    status.textContent = query ? shown + (shown === 1 ? " partner gevonden" : " partners gevonden") : "";
  }
  input.addEventListener("input", apply);

  // On the full wall, the type links filter in place instead of loading another page.
  var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter]"));
  var typed = document.querySelectorAll("[data-group]").length > 1;
  if (!typed) { return; }
  filters.forEach(function (link) {
    link.addEventListener("click", function (event) {
      var type = link.getAttribute("data-filter");
      event.preventDefault();
      groups.forEach(function (group) {
        group.style.display = !type || group.getAttribute("data-group") === type ? "" : "none";
      });
      filters.forEach(function (other) { other.removeAttribute("aria-current"); });
      link.setAttribute("aria-current", "page");
      status.textContent = link.textContent + " getoond";
    });
  });
})();
