function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
// Upload with a progress bar; shows each file's result, then reloads the list.
(function () {
  const form = document.getElementById("upload");
  const files = document.getElementById("files");
  const bar = document.getElementById("progress");
  const out = document.getElementById("upload-results");
  const labels = { added: T("js_added", "добавлен"), updated: T("js_updated", "обновлён"), unchanged: T("js_unchanged", "без изменений"), needs_ocr: T("js_needs_ocr", "ждёт OCR"), failed: T("js_failed", "ошибка") };

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!files.files.length) return;
    const data = new FormData();
    Array.from(files.files).forEach(function (f) { data.append("files", f); });
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/documents");
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) xhr.setRequestHeader("X-CSRF-Token", meta.content);
    bar.hidden = false; bar.value = 0; out.innerHTML = "";
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; };
    xhr.onload = function () {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
      if (xhr.status !== 200) {
        const li = document.createElement("li");
        li.className = "failed";
        li.textContent = body && body.error ? body.error.message : T("js_error", "Ошибка") + " " + xhr.status;
        out.appendChild(li);
        return;
      }
      body.forEach(function (r) {
        const li = document.createElement("li");
        li.className = r.status;
        li.textContent = r.source + ": " + (labels[r.status] || r.status) + (r.message ? " — " + r.message : "");
        out.appendChild(li);
      });
      setTimeout(function () { location.reload(); }, 1500);
    };
    xhr.onerror = function () { out.textContent = T("js_offline", "Нет связи с сервером."); };
    xhr.send(data);
  });
})();
