function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
function csrfToken() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
// the fields the operator must still correct or confirm before saving
const TO_CHECK = ".field.doubtful, .field.missing";
// Photo of a paper form: the photo beside every field of the form (found, doubtful or not found, each
// doubtful or missing one marked with its reason), the operator corrects, then saves.
(function () {
  const form = document.getElementById("ocr-form");
  const photo = document.getElementById("photo");
  const status = document.getElementById("ocr-status");
  const result = document.getElementById("ocr-result");
  const recordForm = document.getElementById("record-form");
  const fieldsBox = document.getElementById("fields");
  const preview = document.getElementById("preview");
  const zoom = document.getElementById("zoom");
  let current = null;
  let sourceName = "";

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function setZoom(on) {
    preview.parentElement.classList.toggle("zoomed", on);
    zoom.setAttribute("aria-pressed", on ? "true" : "false");
    zoom.textContent = on ? T("js_ocr_zoom_out", "Уменьшить фото") : T("js_ocr_zoom_in", "Увеличить фото");
  }
  zoom.addEventListener("click", function () { setZoom(zoom.getAttribute("aria-pressed") !== "true"); });
  preview.addEventListener("click", function () { setZoom(zoom.getAttribute("aria-pressed") !== "true"); });

  // Names and reasons come from the API in the page's language (its language cookie); the Russian
  // reason only where an older server sends no message.
  function said(item) {
    const text = item.message || item.reason || "";
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function fieldRow(body, name, index) {
    const state = (body.field_states && body.field_states[name]) || { state: "ok" };
    const row = el("div", "field " + (state.state === "ok" ? "" : state.state));
    row.dataset.field = name;
    const id = "field-" + name;
    const label = el("label", null, (body.field_labels && body.field_labels[name]) || name);
    label.htmlFor = id;
    row.appendChild(label);
    const type = body.field_types && body.field_types[name];
    const choices = body.field_choices && body.field_choices[name];
    // a name or a remark is free text: it wraps and grows in a box of its own lines (one input cut «мастер сервисной
    // службы Ахметов Б.К.» at «Ахметов» on a phone); a number, a date or a listed value stays one line
    const wraps = !type || type === "text" || type === "string";
    const input = el(wraps && !(choices && choices.length) ? "textarea" : "input");
    input.id = id;
    input.name = name;
    if (input.tagName === "TEXTAREA") {
      input.rows = 1;
      const grow = function () { input.style.height = "auto"; input.style.height = input.scrollHeight + 2 + "px"; };
      input.addEventListener("input", grow);
      // one value, however long: Enter adds no second line
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
      requestAnimationFrame(grow);
    }
    let value = body.fields[name];
    if (type === "date") {
      // dd.mm.yyyy whatever the browser's locale (issue 26's rule for every date field); the server reads it
      input.inputMode = "numeric";
      input.dataset.date = "";  // dates.js puts the dots into digits typed alone
      input.placeholder = T("js_date_placeholder", "дд.мм.гггг");
      const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
      if (iso) value = iso[3] + "." + iso[2] + "." + iso[1];
    } else if (type === "integer") input.inputMode = "numeric";  // a whole number: digits, no decimal point
    else if (type === "decimal") input.inputMode = "decimal";
    input.value = value === null || value === undefined ? "" : value;
    if (choices && choices.length) {
      const list = el("datalist");
      list.id = "choices-" + name;
      choices.forEach(function (c) { const o = el("option"); o.value = c; list.appendChild(o); });
      row.appendChild(list);
      input.setAttribute("list", list.id);
    }
    row.appendChild(input);
    if (state.state !== "ok") {
      flag(row, state.state, said(state));
      if (state.suggestion) {
        const fix = el("button", "small suggest", T("js_ocr_use", "Подставить") + " «" + state.suggestion + "»");
        fix.type = "button";
        fix.addEventListener("click", function () { input.value = state.suggestion; checked(row); input.focus(); });
        row.appendChild(fix);
      }
      // the reading may be right (or the paper's field empty): the operator says so after comparing it with the
      // paper. Only a value read with low confidence, or one the two readers read apart (the other reading is
      // offered beside it), is confirmed: one the form's list lacks or that could not be read is corrected, and a
      // required field is typed.
      const confirmable = state.state === "doubtful" ? state.code === "unsure" || state.code === "disputed"
        : state.code !== "missing_required";
      if (confirmable) {
        const right = el("button", "small confirm", state.state === "doubtful"
          ? T("js_ocr_confirm", "Верно") : T("js_ocr_blank", "На бланке пусто"));
        right.type = "button";
        right.addEventListener("click", function () { checked(row); input.focus(); });
        row.appendChild(right);
      }
    }
    // a value the operator typed is theirs: the reading's doubt no longer applies to it
    input.addEventListener("input", function () { checked(row); });
    return row;
  }

  // A field to check: marked, with the reason said beside it and read out with the input.
  function flag(row, state, text) {
    checked(row);
    const input = row.querySelector("input, textarea");
    row.classList.remove("checked");
    row.classList.add(state);
    const why = el("p", "reason", text);
    why.id = "why-" + input.name;
    input.setAttribute("aria-describedby", why.id);
    input.setAttribute("aria-invalid", "true");
    input.insertAdjacentElement("afterend", why);
    updateSummary();
  }

  // Checked by the operator (corrected, confirmed or a suggestion taken): no longer marked.
  function checked(row) {
    if (!row.classList.contains("doubtful") && !row.classList.contains("missing")) return;
    row.classList.remove("doubtful", "missing");
    row.classList.add("checked");
    row.querySelectorAll(".reason, .suggest, .confirm").forEach(function (e) { e.remove(); });
    const input = row.querySelector("input, textarea");
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    // the refusal under the save button is said of marked fields: gone with the last of them
    const saveStatus = document.getElementById("save-status");
    if (saveStatus.classList.contains("error") && !fieldsBox.querySelector(TO_CHECK)) {
      saveStatus.textContent = "";
      saveStatus.className = "";
    }
    updateSummary();
  }

  function updateSummary() {
    const left = fieldsBox.querySelectorAll(TO_CHECK).length;
    document.getElementById("ocr-summary").textContent = left
      ? T("js_ocr_check_n", "Проверьте выделенные поля:") + " " + left : T("js_ocr_all_checked", "Все выделенные поля проверены.");
  }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const file = photo.files[0];
    if (!file) return;
    sourceName = file.name;
    preview.src = URL.createObjectURL(file);
    setZoom(false);
    status.textContent = T("js_ocr_busy", "Распознаём…");
    status.className = "";
    const data = new FormData();
    data.append("file", file);
    // one reading at a time: a second tap while the photo is read sent it again
    const read = form.querySelector("button[type=submit]");
    if (read) read.disabled = true;
    let resp, body;
    try {
      resp = await fetch("/api/v1/ocr", { method: "POST", body: data, headers: { "X-CSRF-Token": csrfToken() } });
      body = await resp.json();
    } catch (e) { status.textContent = T("js_offline", "Нет связи с сервером."); status.className = "error"; return; }
    finally { if (read) read.disabled = false; }
    if (!resp.ok) {
      status.className = "error";
      status.textContent = body.error ? body.error.message : T("js_error", "Ошибка") + " " + resp.status;
      return;
    }
    const save = recordForm.querySelector("button[type=submit]");
    if (save) save.disabled = false;
    current = body;
    status.textContent = "";
    result.hidden = false;
    const pages = document.getElementById("pages");
    pages.innerHTML = "";
    body.pages.forEach(function (p) {
      if (p.quality === "retake") pages.appendChild(el("p", "warn", T("js_page", "Страница") + " " + p.page + " " + T("js_not_read", "не распознана:") + " " + (p.message || p.reason)));
      else if (p.reason) pages.appendChild(el("p", "warn", T("js_page", "Страница") + " " + p.page + ": " + (p.message || p.reason)));
    });
    // The text line by line; doubtful lines marked (they are not indexed), with the reason as a tooltip. A form's
    // doubtful line is an input: the operator may type it as the paper has it, and it is saved with the record as
    // a training pair for the reader.
    const text = document.getElementById("ocr-text");
    text.innerHTML = "";
    body.pages.forEach(function (p) {
      (p.lines || []).forEach(function (line) {
        if (line.doubtful && body.reading) {
          const fix = el("input", "line doubtful");
          fix.value = line.text;
          fix.dataset.read = line.text;
          fix.setAttribute("aria-label", T("js_ocr_fix_line", "Строка прочитана с сомнением: исправьте её по бланку") +
            (line.reason ? " (" + (line.message || line.reason) + ")" : ""));
          if (line.reason) fix.title = line.message || line.reason;
          fix.addEventListener("input", function () {
            fix.classList.toggle("corrected", fix.value.trim() !== "" && fix.value.trim() !== fix.dataset.read);
          });
          text.appendChild(fix);
          return;
        }
        const row = el("span", line.doubtful ? "line doubtful" : "line", line.text + "\n");
        if (line.doubtful && line.reason) row.title = line.message || line.reason;
        text.appendChild(row);
      });
    });
    if (!text.childNodes.length) text.textContent = body.text;
    const hint = document.getElementById("ocr-doubtful");
    hint.hidden = !text.querySelector(".doubtful");
    hint.textContent = text.querySelector("input.line") ? T("js_ocr_fix_lines", hint.dataset.plain)
      : hint.dataset.plain;
    fieldsBox.innerHTML = "";
    document.getElementById("save-status").textContent = "";
    recordForm.hidden = !body.form;
    if (!body.form) return;
    document.getElementById("form-title").textContent = body.form_title || body.form;
    const names = Object.keys(body.field_labels || {}).length ? Object.keys(body.field_labels) : Object.keys(body.fields);
    names.forEach(function (name, i) { fieldsBox.appendChild(fieldRow(body, name, i)); });
    const flagged = names.filter(function (n) { return body.field_states && body.field_states[n] && body.field_states[n].state !== "ok"; });
    if (flagged.length) updateSummary();
    else document.getElementById("ocr-summary").textContent = T("js_ocr_all_found", "Все поля найдены.");
    const defects = document.getElementById("defects");
    defects.innerHTML = "";
    body.defects.forEach(function (d) { defects.appendChild(el("li", null, T("js_defect", "Неисправность:") + " " + d)); });
  });

  // the doubtful lines the operator typed anew, each with the line as it was read
  function correctedLines() {
    // (an input is «corrected» while it holds text other than the line read)
    return Array.prototype.map.call(document.querySelectorAll("#ocr-text input.line.corrected"), function (i) {
      return { read: i.dataset.read, text: i.value.trim() };
    });
  }

  recordForm.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const fields = {};
    fieldsBox.querySelectorAll("input, textarea").forEach(function (i) { fields[i.name] = i.value; });
    const saveStatus = document.getElementById("save-status");
    // a doubtful reading is not saved as read, nor a field left empty that the photo did not show: the operator
    // corrects it or says it is right (or empty on the paper)
    const unchecked = fieldsBox.querySelectorAll(TO_CHECK);
    if (unchecked.length) {
      saveStatus.className = "error";
      saveStatus.textContent = T("js_ocr_unchecked", "Сверьте с бланком выделенные поля: исправьте или впишите значение либо подтвердите его кнопкой под полем.") +
        " " + Array.prototype.map.call(unchecked, function (r) { return r.querySelector("label").textContent; }).join(", ");
      unchecked[0].querySelector("input, textarea").focus();
      return;
    }
    // a reading is saved once: a second tap (or a double tap) made a second record and a second incident
    const save = recordForm.querySelector("button[type=submit]");
    if (save) { if (save.disabled) return; save.disabled = true; }
    let resp, body;
    try {
      resp = await fetch("/api/v1/forms/" + current.form + "/records", {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ source: sourceName, fields: fields, defects: current.defects, reading: current.reading,
                               lines: correctedLines() }),
      });
      body = await resp.json();
    } catch (e) {
      saveStatus.className = "error";
      saveStatus.textContent = T("js_offline", "Нет связи с сервером.");
      if (save) save.disabled = false;
      return;
    }
    saveStatus.className = resp.ok ? "saved" : "error";
    if (!resp.ok) {
      if (save) save.disabled = false;  // corrected, it may be saved
      // every field the server refused is marked where the operator corrects it, each with its own reason in the
      // page's language
      const details = (body.error && body.error.details) || {};
      const reasons = details.reasons || {};
      const lang = document.documentElement.lang || "ru";
      const bad = (details.invalid || []).concat(details.missing || []);
      if (!bad.length && details.field) bad.push(details.field);
      const rows = [];
      bad.forEach(function (name) {
        const row = fieldsBox.querySelector('.field[data-field="' + name + '"]');
        if (!row) return;
        rows.push(row);
        flag(row, "missing", (reasons[name] && reasons[name][lang]) || body.error.message);
      });
      if (rows.length) rows[0].querySelector("input, textarea").focus();
      saveStatus.className = "error";
      saveStatus.textContent = body.error ? body.error.message : T("js_error", "Ошибка") + " " + resp.status;
      return;
    }
    let text = T("js_saved_record", "Сохранено: запись №") + body.id;
    if (body.station) text += " · " + body.station;
    if (body.incident_ref) text += " · " + T("js_ocr_incident", "инцидент") + " " + body.incident_ref;
    if (body.problems && body.problems.length) text += " · " + body.problems.join("; ");
    saveStatus.textContent = text;
  });
})();
