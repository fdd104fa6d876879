/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";

  // Logo wall. This runs as the wall's HTML finishes parsing, in the same task as the last batch of
  // up to a thousand tiles, so it only shows the search box and adds two listeners: the tiles are
  // looked up on the first search or filter click, not while the page loads.
  var box = document.getElementById("wall-search");
  var input = document.getElementById("wall-search-input");
  if (box && input) {
    wall(box, input);
    return;
  }

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
        copied.textContent = "Kopiëren is niet gelukt. De code is geselecteerd: kopieer hem met Ctrl+C (op een Mac: Cmd+C).";
      });
    });
  }

  // Instant name search, and on the full wall a type filter in place instead of loading another page.
  function wall(box, input) {
    var status = document.getElementById("wall-status");
    var empty = document.getElementById("wall-empty");
    var none = document.getElementById("wall-none");
    var items, lists, groups, names;  // read on the first search or filter click

    function all(selector) {
      return Array.prototype.slice.call(document.querySelectorAll(selector));
    }
    function read() {
      if (items) { return; }
      // Wall tiles are searched by their text (the organisation name); A-Z entries carry data-name,
      // because their text also holds the type. Hiding a tile hides its list and group once empty.
      items = all(".wall > li, [data-name]");
      lists = all(".wall");
      groups = all("[data-group], .letter-group");
      names = items.map(function (el) { return normalise(el.getAttribute("data-name") || el.textContent); });
    }
    function normalise(text) {
      return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    function showIfAny(container) {
      container.hidden = !container.querySelector("li:not([hidden])");
    }

    box.hidden = false;
    input.addEventListener("input", function () {
      var query = normalise(input.value.trim());
      var shown = 0;
      read();
      items.forEach(function (el, i) {
        var match = names[i].indexOf(query) !== -1;
        el.hidden = !match;
        if (match) { shown += 1; }
      });
      lists.forEach(showIfAny);
      groups.forEach(showIfAny);
      empty.hidden = shown !== 0;
      status.textContent = query ? shown + (shown === 1 ? " partner gevonden" : " partners gevonden") : "";
    });

    // One listener on the filter bar; it acts only on the full wall, which has several type groups.
    var bar = document.querySelector(".wall-filter");
    if (!bar) { return; }
    bar.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("[data-filter]");
      if (!link) { return; }
      read();
      if (groups.filter(function (group) { return group.hasAttribute("data-group"); }).length < 2) { return; }
      var type = link.getAttribute("data-filter");
      var label = link.textContent;
      var shown = 0;
      event.preventDefault();
      groups.forEach(function (group) {
        var match = !type || group.getAttribute("data-group") === type;
        group.style.display = match ? "" : "none";
        if (match) { shown += 1; }
      });
      Array.prototype.forEach.call(bar.querySelectorAll("[data-filter]"), function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "page");
      // A type without partners says so, instead of leaving an empty area under the filter.
      none.textContent = shown ? "" : "In de groep \u2018" + label + "\u2019 zijn nog geen partners.";
      status.textContent = shown ? label + " getoond" : "";
    });
  }
})();
