function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
// A document's page: focus the cited passage (the URL's #p<id>), delete after a confirmation dialog.
(function () {
  const article = document.querySelector("article.document");
  if (!article) return;
  const cited = document.querySelector(".passage-text.cited, .passage-row.cited");
  if (cited) { cited.scrollIntoView({ block: "center" }); cited.focus({ preventScroll: true }); }
  const button = document.getElementById("delete-doc");
  const dialog = document.getElementById("delete-dialog");
  if (!button || !dialog) return;
  button.addEventListener("click", function () { dialog.showModal(); });
  dialog.addEventListener("close", function () {
    if (dialog.returnValue !== "ok") return;
    const meta = document.querySelector('meta[name="csrf-token"]');
    fetch("/api/v1/documents/" + article.dataset.documentId, {
      method: "DELETE", headers: { "X-CSRF-Token": meta ? meta.content : "" },
    }).then(async function (r) {
      if (r.ok) {
        location.assign("/documents?deleted=" + encodeURIComponent(document.querySelector("h1").textContent));
        return;
      }
      let message = T("js_error", "Ошибка") + " " + r.status;
      try { message = (await r.json()).error.message; } catch (e) { /* keep the status */ }
      document.getElementById("delete-error").textContent = message;
      dialog.showModal();
    }, function () { document.getElementById("delete-error").textContent = T("js_offline", "Нет связи с сервером."); dialog.showModal(); });
  });
})();
