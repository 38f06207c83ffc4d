// django-import-export's "Select all" toggle, bound here instead of an inline onchange
// attribute (the Content-Security-Policy forbids inline handlers).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input.select-toggle").forEach((toggle) => {
    toggle.addEventListener("change", (event) => {
      document.querySelectorAll('.selectable-field-export-row input[type="checkbox"]').forEach((checkbox) => {
        checkbox.checked = event.target.checked;
      });
    });
  });
});
