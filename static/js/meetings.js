/* Meeting minutes form: "add a row" for the agenda items and action points formsets. */
(function () {
  "use strict";
  document.querySelectorAll("fieldset.formset").forEach(function (fieldset) {
    var prefix = fieldset.getAttribute("data-prefix");
    var total = fieldset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = fieldset.querySelector("template.empty-form");
    var rows = fieldset.querySelector(".formset-rows");
    var button = fieldset.querySelector("button.add-row");
    if (!total || !template || !rows || !button) { return; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild && rows.lastElementChild.querySelector("textarea, input, select");
      if (first) { first.focus(); }
    });
  });
})();
