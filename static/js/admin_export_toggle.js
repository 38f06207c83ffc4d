// The "select all" box of django-import-export's export page, attached without an inline
// handler so that the Content-Security-Policy can forbid inline script.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.getElementById("select-all-toggle");
  if (toggle && typeof onSelectToggleChange === "function") {
    toggle.addEventListener("change", onSelectToggleChange);
  }
});
