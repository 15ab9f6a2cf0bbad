// Unit pickers of the entry forms: as one types into a field marked data-unit-search, the
// units whose code or name match are fetched from the node (web:entry_units) and offered in
// a <datalist>. Self-written, no library, no CDN; the field keeps what was typed.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-units-url");
  if (!url) { return; }
  var fields = document.querySelectorAll("input[data-unit-search]");
  Array.prototype.forEach.call(fields, function (input, index) {
    var list = document.createElement("datalist");
    list.id = "dv-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (timer) { clearTimeout(timer); }
      if (q.length < 2 || q === asked) { return; }
      timer = setTimeout(function () {
        asked = q;
        fetch(url + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin",
          headers: { "Accept": "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            (data.results || []).forEach(function (unit) {
              var option = document.createElement("option");
              option.value = unit.code;
              option.textContent = unit.name;
              list.appendChild(option);
            });
          })
          .catch(function () { /* the field still takes a typed code */ });
      }, 200);
    });
  });
})();
