function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
// Upload: the files are sent (with a progress bar), stored as a background job (202), then the job is
// followed without reloading: each file queued, being read, OCR page 3/12, indexed or failed with the reason.
(function () {
  const form = document.getElementById("upload");
  const files = document.getElementById("files");
  const bar = document.getElementById("progress");
  const out = document.getElementById("upload-results");
  const labels = { added: T("js_added", "добавлен"), updated: T("js_updated", "обновлён"), unchanged: T("js_unchanged", "без изменений"), needs_ocr: T("js_needs_ocr", "ждёт OCR"), retake: T("js_retake", "не распознано, переснимите"), failed: T("js_failed", "ошибка") };
  const stages = { queued: T("js_queued", "в очереди"), started: T("js_started", "начали"), reading: T("js_reading", "читаем файл"), indexing: T("js_indexing", "добавляем в поиск") };

  const lang = document.documentElement.lang;  // a file's reason in the page's language (Russian is "message")

  // The list below is fetched again when the upload is done; the results above stay, so a failed file's reason
  // is there to read (the page used to reload itself two seconds after, taking them away).
  function refreshList() {
    fetch(window.location.href, { credentials: "same-origin" }).then(function (resp) {
      if (!resp.ok) { throw new Error(String(resp.status)); }
      return resp.text();
    }).then(function (html) {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      ["docs-count"].forEach(function (id) {
        const now = document.getElementById(id), next = fresh.getElementById(id);
        if (now && next) { now.replaceWith(next); }
      });
      const list = document.querySelector(".doc-list"), next = fresh.querySelector(".doc-list");
      if (list && next) { list.replaceWith(next); }
    }).catch(function () { /* the list stays as it was; the results above say what happened */ });
  }

  function line(name, cls, text) {
    const li = document.createElement("li");
    li.className = cls;
    li.dataset.file = name;
    li.textContent = name + ": " + text;
    return li;
  }

  function stageText(p) {
    if (p.stage === "ocr" && p.page) {
      return T("js_ocr_page", "распознаём стр. {page} из {pages}").replace("{page}", p.page).replace("{pages}", p.pages || "?");
    }
    return stages[p.stage] || p.stage;
  }

  // One line per file: finished ones with their result, the current one with its stage, the rest queued.
  function render(job, names) {
    const p = job.progress || {};
    const results = job.result || p.results || [];
    out.innerHTML = "";
    names.forEach(function (name, i) {
      const r = results[i];
      if (r) {
        const message = r["message_" + lang] || r.message;
        out.appendChild(line(name, r.status, (labels[r.status] || r.status) + (message ? " — " + message : "")));
      } else if (job.status === "running" && p.current === name) {
        out.appendChild(line(name, "running", stageText(p)));
      } else {
        out.appendChild(line(name, "queued", stages.queued));
      }
    });
    if (job.status === "dead" || job.status === "cancelled") {
      out.appendChild(line("", "failed", T("js_job_failed", "Загрузка остановлена:") + " " + (job.error || job.status)));
    } else if (job.status === "queued" && job.error) {
      out.appendChild(line("", "warn", T("js_job_retrying", "Сбой, повторим автоматически:") + " " + job.error));
    }
  }

  function follow(url, names) {
    fetch(url, { credentials: "same-origin" }).then(function (resp) {
      if (!resp.ok) { throw new Error(String(resp.status)); }
      return resp.json();
    }).then(function (job) {
      render(job, names);
      if (job.status === "done") { refreshList(); return; }
      if (job.status === "dead" || job.status === "cancelled") { return; }
      setTimeout(function () { follow(url, names); }, 1000);
    }).catch(function () {
      setTimeout(function () { follow(url, names); }, 3000);  // the server restarting: keep following
    });
  }

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
      if (xhr.status !== 202 || !body) {
        const li = document.createElement("li");
        li.className = "failed";
        li.textContent = body && body.error ? body.error.message : T("js_error", "Ошибка") + " " + xhr.status;
        out.appendChild(li);
        return;
      }
      bar.value = 100;
      render({ status: "queued", progress: {} }, body.files);
      follow(body.location, body.files);
    };
    xhr.onerror = function () { out.textContent = T("js_offline", "Нет связи с сервером."); };
    xhr.send(data);
  });
})();
