/* hoso pages: small behaviours, no inline scripts (strict Content-Security-Policy). */
(function () {
  "use strict";

  // "In sơ yếu lý lịch": any element with data-print opens the browser's print dialog.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });
})();
