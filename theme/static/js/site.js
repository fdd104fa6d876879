/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Move focus to a form's error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Instant name search and type filter on the logo wall.
  var box = document.getElementById("wall-search");
  var input = document.getElementById("wall-search-input");
  if (!box || !input) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-name]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("[data-group], .letter-group"));
  var status = document.getElementById("wall-status");
  var empty = document.getElementById("wall-empty");
  box.hidden = false;

  function normalise(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  var names = items.map(function (el) { return normalise(el.getAttribute("data-name")); });

  function apply() {
    var query = normalise(input.value.trim());
    var shown = 0;
    items.forEach(function (el, i) {
      var match = names[i].indexOf(query) !== -1;
      el.hidden = !match;
      if (match) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("[data-name]:not([hidden])");
    });
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
