// Date fields (issue 26): typed as dd.mm.yyyy whatever the browser's locale; the calendar button opens the
// browser's own date picker (a hidden <input type=date>) at the typed day and writes the chosen day back
// as dd.mm.yyyy. Without showPicker the button stays hidden and the typed field does the work.
// Digits alone (25032026, 250326: a phone's digits keypad may have no «.») get their dots when the field is left, so
// the person sees how the date was read; the server reads them either way. ocr.js marks its date fields data-date.
document.addEventListener("change", function (e) {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || !input.matches(".date-field input[type=text], input[data-date]")) return;
  const m = /^\s*(\d{2})(\d{2})(\d{4}|\d{2})\s*$/.exec(input.value);
  if (m) input.value = m[1] + "." + m[2] + "." + (m[3].length === 2 ? "20" + m[3] : m[3]);
});
(function () {
  if (!("showPicker" in HTMLInputElement.prototype)) return;
  function pad(n) { return String(n).padStart(2, "0"); }
  // the same forms the server reads (web/dates.py): dd.mm.yyyy, d.m.yy, yyyy-mm-dd; "" when not a date
  function toIso(value) {
    let m = /^\s*(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})\s*$/.exec(value);
    let y, mo, d;
    if (m) { d = +m[1]; mo = +m[2]; y = +m[3] + (m[3].length === 2 ? 2000 : 0); }
    else if ((m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(value))) { y = +m[1]; mo = +m[2]; d = +m[3]; }
    else return "";
    const day = new Date(Date.UTC(y, mo - 1, d));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return "";
    return y + "-" + pad(mo) + "-" + pad(d);
  }
  document.querySelectorAll(".date-field").forEach(function (field) {
    const text = field.querySelector("input[type=text]");
    const native = field.querySelector("input.date-native");
    const button = field.querySelector("button.date-pick");
    if (!text || !native || !button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      native.value = toIso(text.value);
      try { native.showPicker(); } catch (e) { text.focus(); }
    });
    native.addEventListener("change", function () {
      if (!native.value) return;
      const [y, m, d] = native.value.split("-");
      text.value = d + "." + m + "." + y;
      text.removeAttribute("aria-invalid");
      text.focus();
    });
  });
})();
