function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
function csrfToken() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
// Chat: streams answers from /api/v1/ask/stream (plain text while it streams, then the server's
// sanitised HTML of the Markdown), keeps the conversation in the URL (?c=), copies, regenerates, rates
// with an inline comment form, and renames or deletes the conversation through the REST API.
(function () {
  const chat = document.getElementById("chat");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const stop = document.getElementById("stop");
  const SVG = "http://www.w3.org/2000/svg";
  let conversationId = chat.dataset.conversation || null;
  let running = null;  // the AbortController of the answer being streamed

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function icon(name) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const use = document.createElementNS(SVG, "use");
    use.setAttribute("href", "#i-" + name);
    svg.appendChild(use);
    return svg;
  }

  function iconButton(name, label, cls) {
    const b = el("button", "icon " + (cls || ""));
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.title = label;
    b.appendChild(icon(name));
    return b;
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method, headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    const area = el("textarea");  // plain http: the old way still copies
    area.value = text; area.setAttribute("readonly", ""); area.className = "offscreen";
    document.body.appendChild(area); area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  // -- the bar under an answer: copy, regenerate (latest answer only), 👍, 👎 with a comment form ----
  function actionBar(box) {
    const old = box.querySelector(".actions");
    if (old) old.remove();
    const bar = el("div", "actions");
    const note = el("span", "note");
    note.setAttribute("role", "status");
    const copy = iconButton("copy", T("js_copy", "Копировать ответ"));
    copy.addEventListener("click", function () {
      // the answer as plain text (lists keep their numbers): pasted into a messenger, Markdown's ** would show
      // with its sources, so the pasted [1], [2] still point at something
      const sources = Array.prototype.map.call(box.querySelectorAll(".cites a"), function (a, i) {
        return "[" + (i + 1) + "] " + a.textContent.trim();
      });
      const plain = box.dataset.plain || box.querySelector(".text").innerText;
      copyText(sources.length ? plain + "\n\n" + T("js_sources", "Источники") + ":\n" + sources.join("\n") : plain).then(
        function () {
          const said = T("js_copied", "Скопировано.");
          note.textContent = said;
          setTimeout(function () { if (note.textContent === said) note.textContent = ""; }, 4000);
        },
        function () { note.textContent = T("js_error", "Ошибка"); });
    });
    bar.appendChild(copy);
    const again = iconButton("again", T("js_regenerate", "Ответить заново"), "regenerate");
    again.addEventListener("click", function () { regenerate(box); });
    bar.appendChild(again);
    const answerId = box.dataset.answerId;
    if (answerId) {
      const up = iconButton("up", T("js_useful", "Полезный ответ"), "rate up");
      const down = iconButton("down", T("js_not_useful", "Ответ не помог"), "rate down");
      up.setAttribute("aria-pressed", "false"); down.setAttribute("aria-pressed", "false");
      up.addEventListener("click", function () { rate(box, "up", null, note); });
      down.addEventListener("click", function () { commentForm(box, note); });
      bar.appendChild(up); bar.appendChild(down);
      if (box.dataset.rated) {  // rated before the page was loaded: shown, not offered again
        (box.dataset.rated === "up" ? up : down).setAttribute("aria-pressed", "true");
        up.disabled = down.disabled = true;
      }
    }
    bar.appendChild(note);
    box.appendChild(bar);
    markLatest();
  }

  function markLatest() {
    const boxes = chat.querySelectorAll(".msg.bot");
    boxes.forEach(function (b, i) {
      const again = b.querySelector("button.regenerate");
      if (again) again.hidden = i !== boxes.length - 1 || !b.dataset.question;
    });
  }

  function rate(box, rating, comment, note) {
    return api("POST", "/api/v1/answers/" + box.dataset.answerId + "/feedback", { rating: rating, comment: comment })
      .then(function (r) {
        note.textContent = r.ok ? T("js_rated", "Спасибо, оценка сохранена.") : T("js_rate_failed", "Оценку сохранить не удалось.");
        if (!r.ok) return;
        box.querySelectorAll("button.rate").forEach(function (b) { b.disabled = true; });
        box.querySelector("button.rate." + rating).setAttribute("aria-pressed", "true");
      }, function () { note.textContent = T("js_offline", "Нет связи с сервером."); });
  }

  // a form under an answer: all of it above the fixed question bar, not just its text box
  function reveal(form) {
    const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    form.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
  }

  function commentForm(box, note) {
    const open = box.querySelector("form.comment");
    if (open) { open.querySelector("textarea").focus({ preventScroll: true }); reveal(open); return; }
    const f = el("form", "comment inline-form");
    const id = "comment-" + box.dataset.answerId;
    const label = el("label", null, T("js_whats_wrong", "Что не так с ответом? (необязательно)"));
    label.htmlFor = id;
    const area = el("textarea"); area.id = id; area.rows = 2; area.maxLength = 2000;
    const ok = el("button", null, T("js_send_feedback", "Отправить оценку")); ok.type = "submit";
    const cancel = el("button", "secondary", T("js_cancel", "Отмена")); cancel.type = "button";
    cancel.addEventListener("click", function () { f.remove(); });
    f.addEventListener("submit", function (ev) {
      ev.preventDefault();
      ok.disabled = true;
      rate(box, "down", area.value.trim() || null, note).then(function () { f.remove(); });
    });
    f.append(label, area, ok, cancel);
    box.appendChild(f);
    area.focus({ preventScroll: true });
    reveal(f);
  }

  // -- one answer ------------------------------------------------------------------------
  // Rows of one table share its document and section: links that would read the same also name their
  // passage by its first words («Код: E01»). The same rule as citation_labels in web/chat_views.py.
  function citationLabels(citations) {
    const plain = citations.map(function (c) {
      return c.title + (c.section ? " › " + c.section : "") + (c.page ? ", " + T("js_page_short", "стр.") + " " + c.page : "");
    });
    return plain.map(function (label, i) {
      const lead = (citations[i].quote || "").split(";")[0].trim();
      if (!lead || plain.indexOf(label) === plain.lastIndexOf(label)) return label;
      return label + " — " + (lead.length > 40 ? lead.slice(0, 40) + "…" : lead);
    });
  }

  function renderAnswer(box, answer) {
    box.querySelectorAll(".resolved, .notice, .cites").forEach(function (e) { e.remove(); });
    const text = box.querySelector(".text");
    text.classList.add("md");
    // answer_html comes from the server's Markdown renderer, which escapes any HTML of the source
    if (answer.answer_html) text.innerHTML = answer.answer_html; else text.textContent = answer.answer;
    box.classList.toggle("abstained", !!answer.abstained);
    box.dataset.plain = answer.answer_text || "";
    box.dataset.answerId = answer.answer_id || "";
    if (answer.resolved_question) {
      box.insertBefore(el("div", "resolved", T("js_resolved", "Понял вопрос как:") + " " + answer.resolved_question), text);
    }
    if (answer.notice) box.appendChild(el("div", "notice", answer.notice));
    if (answer.citations && answer.citations.length) {
      const ol = el("ol", "cites");
      ol.setAttribute("aria-label", T("js_sources", "Источники"));
      const labels = citationLabels(answer.citations);
      answer.citations.forEach(function (c, i) {
        const li = el("li");
        const a = el("a", null, labels[i]);
        a.href = c.url || ("/passages/" + c.chunk_id);
        li.appendChild(a);
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    actionBar(box);
  }

  function remember(id, question) {
    if (!id || id === conversationId) return;
    const isNew = !conversationId;
    conversationId = id;
    chat.dataset.conversation = id;
    history.replaceState(null, "", "/?c=" + encodeURIComponent(id));
    if (!isNew) return;
    const none = document.getElementById("no-conversations");
    if (none) none.remove();
    const li = el("li");
    const a = el("a", null, question.length > 80 ? question.slice(0, 80) + "…" : question);
    a.href = "/?c=" + encodeURIComponent(id);
    a.setAttribute("aria-current", "page");
    li.appendChild(a);
    document.getElementById("conversations").prepend(li);
  }

  // on a phone, focusing the text box would open the keyboard over the answer just given
  const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  function busy(on) {
    send.hidden = on; stop.hidden = !on;
    if (coarse) return;
    // (the bar is always on the screen; a focus that scrolled would move the page off the new question)
    if (on) stop.focus({ preventScroll: true }); else input.focus({ preventScroll: true });
  }

  async function stream(question, box, regenerate) {
    const text = box.querySelector(".text");
    text.classList.remove("md");
    text.textContent = "…";
    running = new AbortController();
    busy(true);
    let resp;
    try {
      resp = await fetch("/api/v1/ask/stream", {
        method: "POST", signal: running.signal,
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        // the page's language: the assistant's own texts («нет ответа», notices) follow it
        body: JSON.stringify({ question: question, conversation_id: conversationId, regenerate: !!regenerate,
                               lang: document.documentElement.lang || null }),
      });
      if (!resp.ok) {
        let message = T("js_error", "Ошибка") + " " + resp.status;
        try { message = (await resp.json()).error.message; } catch (e) { /* keep status text */ }
        text.textContent = message;
        return;
      }
      await readEvents(resp, box, question);
    } catch (e) {
      text.textContent = e.name === "AbortError" ? (text.textContent === "…" ? "" : text.textContent + "\n") + T("js_stopped", "Остановлено.")
                                                 : T("js_offline_retry", "Нет связи с сервером.");
    } finally {
      running = null;
      busy(false);
      fitRoom();
      markLatest();  // a stopped or failed answer is the latest now: older answers are not regenerated
    }
  }

  async function readEvents(resp, box, question) {
    const text = box.querySelector(".text");
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", shown = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const raw = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message", data = "";
        raw.split("\n").forEach(function (line) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data += line.slice(5).trim();
        });
        if (!data) continue;
        const payload = JSON.parse(data);
        if (event === "delta") { shown += payload.text; text.textContent = shown; }
        else if (event === "reset") { shown = ""; }
        else if (event === "done") {
          remember(payload.answer.conversation_id, question);
          renderAnswer(box, payload.answer);
        }
      }
    }
  }

  // the new question at the top of the screen and its answer under it, above the fixed ask bar (scrolling the
  // answer's end into view put it under the bar). Once, when asked, and at once (a smooth scroll was cut short
  // as the answer came in): while the answer streams, the person scrolls as they like and is never pulled back.
  // Below a short page, room is made for the answer to come (an empty block after the chat), so that the
  // question can reach the top.
  const room = document.getElementById("chat-room");
  function showAsked(asked) {
    const top = Math.max(0, asked.getBoundingClientRect().top + window.scrollY - 8);
    const want = top + window.innerHeight;  // how far the page must reach for the question to be on top
    room.style.height = want + "px";  // (the page is as tall as the taller of the chat and the history)
    const chatWithoutRoom = document.scrollingElement.scrollHeight - want;
    room.style.height = Math.max(0, Math.ceil(want - chatWithoutRoom)) + "px";
    window.scrollTo({ top: top, behavior: "auto" });
  }

  // the answer given: the room below the screen goes, what the screen shows stays where it is
  function fitRoom() {
    const had = room.offsetHeight;
    if (!had) return;
    const below = document.scrollingElement.scrollHeight - (window.scrollY + window.innerHeight);
    room.style.height = Math.max(0, had - below) + "px";
  }

  function ask(question) {
    const hint = chat.querySelector(":scope > .hint");
    if (hint) hint.remove();
    const asked = el("div", "msg user", question);
    chat.appendChild(asked);
    const box = el("div", "msg bot");
    box.dataset.question = question;
    box.appendChild(el("div", "text", "…"));
    chat.appendChild(box);
    if (coarse) input.blur();  // a phone's keyboard would cover the answer
    showAsked(asked);
    return stream(question, box, false);
  }

  function regenerate(box) {
    if (running || !box.dataset.question) return;
    const bar = box.querySelector(".actions");
    if (bar) bar.remove();
    box.querySelectorAll("form.comment").forEach(function (f) { f.remove(); });
    return stream(box.dataset.question, box, true);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q || running) return;
    input.value = "";
    ask(q);
  });
  stop.addEventListener("click", function () { if (running) running.abort(); });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
  chat.querySelectorAll(".msg.bot").forEach(actionBar);

  // -- the conversation: history drawer (phone), rename, delete ------------------------------
  const toggle = document.getElementById("history-toggle");
  const aside = document.getElementById("history");
  toggle.addEventListener("click", function () {
    const open = aside.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  const renameButton = document.getElementById("rename");
  const renameForm = document.getElementById("rename-form");
  if (renameButton && renameForm) {
    const field = document.getElementById("rename-input");
    renameButton.addEventListener("click", function () { renameForm.hidden = false; field.focus(); field.select(); });
    document.getElementById("rename-cancel").addEventListener("click", function () { renameForm.hidden = true; });
    renameForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      api("PATCH", "/api/v1/conversations/" + encodeURIComponent(conversationId), { title: field.value.trim() })
        .then(async function (r) {
          const problem = document.getElementById("rename-error");
          if (!r.ok) {
            problem.textContent = T("js_error", "Ошибка") + " " + r.status;
            try { problem.textContent = (await r.json()).error.message; } catch (e) { /* keep the status */ }
            return;
          }
          problem.textContent = "";
          const item = await r.json();
          document.getElementById("chat-title").textContent = item.title;
          const link = document.querySelector("#conversations a[aria-current='page']");
          if (link) link.textContent = item.title;
          document.title = item.title + " — " + document.title.split(" — ").pop();
          // the delete question names the conversation by its new title (it asked about the old one)
          const question = document.getElementById("delete-text");
          if (question) question.textContent = question.dataset.said.replace("{title}", item.title);
          renameForm.hidden = true;
        });
    });
  }
  const deleteButton = document.getElementById("delete-chat");
  const dialog = document.getElementById("delete-dialog");
  if (deleteButton && dialog) {
    deleteButton.addEventListener("click", function () { dialog.showModal(); });
    dialog.addEventListener("close", function () {
      if (dialog.returnValue !== "ok") return;
      api("DELETE", "/api/v1/conversations/" + encodeURIComponent(conversationId)).then(function (r) {
        if (r.ok) location.assign("/");
      });
    });
  }
})();
