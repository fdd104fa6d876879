/* `python -m partners serve` adds this script to every page it serves (never to a real build):
   reload after a good rebuild, show the problems of a failed one. */
(function () {
  "use strict";
  var script = document.currentScript;
  var build = Number(script.getAttribute("data-build"));
  var panel = null;

  function show(problems) {
    if (!panel) {
      panel = document.createElement("section");
      panel.id = "voorbeeld-fout";
      panel.setAttribute("role", "alert");
      panel.setAttribute("aria-labelledby", "voorbeeld-fout-kop");
      var s = panel.style;
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "1000";
      s.maxHeight = "60vh"; s.overflow = "auto"; s.padding = "1rem 1.25rem";
      s.background = "#fff"; s.color = "#1b1f23"; s.borderTop = "6px solid #a1321a";
      s.boxShadow = "0 -4px 16px rgba(0,0,0,.25)"; s.font = "1rem/1.5 system-ui, sans-serif";
      document.body.appendChild(panel);
    }
    panel.textContent = "";
    var title = document.createElement("h2");
    title.id = "voorbeeld-fout-kop";
    title.style.margin = "0 0 .4rem";
    title.textContent = problems.length === 1 ? "De site kon niet worden gebouwd: 1 fout" :
      "De site kon niet worden gebouwd: " + problems.length + " fouten";
    var text = document.createElement("p");
    text.style.margin = "0 0 .6rem";
    text.textContent = "U ziet de laatste goede versie. Herstel het bestand en sla het opnieuw op; deze pagina ververst dan vanzelf.";
    var list = document.createElement("pre");
    list.style.whiteSpace = "pre-wrap"; list.style.margin = "0"; list.style.font = ".95rem/1.45 ui-monospace, monospace";
    list.textContent = problems.join("\n");
    panel.appendChild(title); panel.appendChild(text); panel.appendChild(list);
  }

  var events = new EventSource("/__voorbeeld/events");
  events.addEventListener("status", function (event) {
    var status = JSON.parse(event.data);
    if (status.problems.length) {
      show(status.problems);
    } else if (status.version !== build) {
      events.close();
      window.location.reload();
    }
  });
})();
