function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
function csrfToken() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
// Photo of a paper form: preview, recognised text, fields to confirm or correct, then save.
(function () {
  const form = document.getElementById("ocr-form");
  const photo = document.getElementById("photo");
  const status = document.getElementById("ocr-status");
  const result = document.getElementById("ocr-result");
  const recordForm = document.getElementById("record-form");
  const fieldsBox = document.getElementById("fields");
  let current = null;
  let sourceName = "";

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const file = photo.files[0];
    if (!file) return;
    sourceName = file.name;
    document.getElementById("preview").src = URL.createObjectURL(file);
    status.textContent = T("js_ocr_busy", "Распознаём…");
    const data = new FormData();
    data.append("file", file);
    let resp;
    try { resp = await fetch("/api/v1/ocr", { method: "POST", body: data, headers: { "X-CSRF-Token": csrfToken() } }); }
    catch (e) { status.textContent = T("js_offline", "Нет связи с сервером."); return; }
    const body = await resp.json();
    if (!resp.ok) { status.textContent = body.error ? body.error.message : T("js_error", "Ошибка") + " " + resp.status; return; }
    current = body;
    status.textContent = "";
    result.hidden = false;
    const pages = document.getElementById("pages");
    pages.innerHTML = "";
    body.pages.forEach(function (p) {
      if (p.quality === "retake") pages.appendChild(el("p", "warn", T("js_page", "Страница") + " " + p.page + " " + T("js_not_read", "не распознана:") + " " + p.reason));
      else if (p.reason) pages.appendChild(el("p", "warn", T("js_page", "Страница") + " " + p.page + ": " + p.reason));
    });
    // The text line by line; doubtful lines marked (they are not indexed), with the reason as a tooltip.
    const text = document.getElementById("ocr-text");
    text.innerHTML = "";
    body.pages.forEach(function (p) {
      (p.lines || []).forEach(function (line) {
        const row = el("span", line.doubtful ? "line doubtful" : "line", line.text + "\n");
        if (line.doubtful && line.reason) row.title = line.reason;
        text.appendChild(row);
      });
    });
    if (!text.childNodes.length) text.textContent = body.text;
    document.getElementById("ocr-doubtful").hidden = !text.querySelector(".doubtful");
    fieldsBox.innerHTML = "";
    recordForm.hidden = !body.form;
    if (!body.form) return;
    document.getElementById("form-title").textContent = body.form_title || body.form;
    const problems = body.problems.join(" ");
    Object.keys(body.fields).forEach(function (name) {
      const label = el("label", "field");
      label.appendChild(el("span", null, (body.field_labels && body.field_labels[name]) || name));
      const input = el("input");
      input.name = name;
      input.value = body.fields[name] === null ? "" : body.fields[name];
      const conf = body.field_confidence[name];
      if ((conf !== undefined && conf < 80) || problems.indexOf(name) >= 0) label.classList.add("uncertain");
      label.appendChild(input);
      fieldsBox.appendChild(label);
    });
    body.problems.forEach(function (p) { fieldsBox.appendChild(el("p", "warn", p)); });
    const defects = document.getElementById("defects");
    defects.innerHTML = "";
    body.defects.forEach(function (d) { defects.appendChild(el("li", null, T("js_defect", "Неисправность:") + " " + d)); });
  });

  recordForm.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const fields = {};
    fieldsBox.querySelectorAll("input").forEach(function (i) { fields[i.name] = i.value; });
    const resp = await fetch("/api/v1/forms/" + current.form + "/records", {
      method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ source: sourceName, fields: fields, defects: current.defects }),
    });
    const body = await resp.json();
    document.getElementById("save-status").textContent =
      resp.ok ? T("js_saved_record", "Сохранено: запись №") + body.id : (body.error ? body.error.message : T("js_error", "Ошибка") + " " + resp.status);
  });
})();
