/* The decision form: choosing another type opens its form at once (the "Mở biểu mẫu" button
   does the same without JavaScript). No inline scripts (strict Content-Security-Policy). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-refresh-on-change]");
    if (select && select.value && select.form) {
      select.form.submit();
    }
  });
})();
