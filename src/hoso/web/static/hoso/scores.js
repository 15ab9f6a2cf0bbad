/* The scores of an evaluation's manager step (R-EVAL-REALTIME): the total and the grade it
   falls in, redrawn as the manager types. The server draws both first and judges the scores
   when the step is signed; this only shows them sooner. No inline scripts (strict CSP). */
(function () {
  "use strict";

  function parse(text) {
    var value = text.trim().replace(",", ".");
    if (value === "") { return 0; }
    return /^\d{1,6}(\.\d{1,4})?$/.test(value) ? Number(value) : NaN;
  }

  function bands() {
    var node = document.getElementById("score-bands");
    return node ? JSON.parse(node.textContent) : [];
  }

  function redraw(box, typed) {
    var total = 0;
    var wrong = false;
    box.querySelectorAll("input[data-score-max]").forEach(function (input) {
      var points = parse(input.value);
      var bad = isNaN(points) || points > Number(input.getAttribute("data-score-max"));
      if (bad) { wrong = true; } else { total += points; }
      if (input === typed) { // the server's marks on the others stay until they are retyped
        if (bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
      }
    });
    total = Math.round(total * 100) / 100;
    box.querySelector("[data-score-total]").textContent = String(total).replace(".", ",");
    box.querySelector("[data-score-note]").hidden = !wrong;
    var grade = box.querySelector("[data-score-grade]");
    if (grade) {
      var found = bands().filter(function (b) {
        return (b.low === null || total >= b.low) && (b.high === null || total < b.high);
      })[0];
      grade.textContent = found && !wrong ? found.name : "—"; // no grade from a wrong score
    }
  }

  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-scores]");
    if (box && event.target.matches("input[data-score-max]")) { redraw(box, event.target); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-scores]").forEach(function (box) { redraw(box, null); });
  });
})();
