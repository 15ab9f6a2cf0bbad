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

  // Uploads of scans show a progress bar while the bytes travel (forms with data-upload);
  // without JavaScript the form posts normally.
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-upload]");
    if (!form || !window.FormData || !window.XMLHttpRequest) {
      return;
    }
    event.preventDefault();
    var box = form.querySelector("[data-upload-progress]");
    var bar = box && box.querySelector("progress");
    var label = box && box.querySelector("[data-upload-percent]");
    var button = form.querySelector("button[type=submit]");
    if (box) { box.hidden = false; }
    if (button) { button.disabled = true; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable && bar) {
        var percent = Math.round((e.loaded / e.total) * 100);
        bar.value = percent;
        if (label) { label.textContent = percent + "%"; }
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href && xhr.status < 400) {
        window.location.assign(xhr.responseURL);
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", function () {
      if (button) { button.disabled = false; }
      if (label) { label.textContent = "Mất kết nối khi tải lên; hãy thử lại."; }
    });
    xhr.send(new FormData(form));
  });
})();
