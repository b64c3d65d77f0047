// Progressive enhancement only: every page works without this file.
// 1. When the reader has not chosen a zone yet, use the browser's own (and remember it, the
//    server sets a cookie when the form is submitted).
// 2. Changing the zone selector applies it at once.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("viewer-zone");
  if (!form) return;
  const select = form.querySelector("select[name=tz]");
  if (!select) return;
  select.addEventListener("change", () => form.submit());
  if (form.dataset.chosen === "true") return;
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (_) {
    return;
  }
  if (zone && Array.from(select.options).some((o) => o.value === zone)) {
    select.value = zone;
    form.submit();
  }
});
