function T(key, fallback) { const el = document.getElementById("i18n"); try { return JSON.parse(el.textContent)[key] || fallback; } catch (e) { return fallback; } }
function csrfToken() { const m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
// Chat: sends the question, reads the server-sent events of /api/v1/ask/stream, shows citations.
(function () {
  const chat = document.getElementById("chat");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const send = document.getElementById("send");

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function renderAnswer(box, answer) {
    box.querySelector(".text").textContent = answer.answer;
    if (answer.abstained) box.classList.add("abstained");
    if (answer.notice) box.appendChild(el("div", "notice", answer.notice));
    if (answer.citations && answer.citations.length) {
      const ol = el("ol", "cites");
      answer.citations.forEach(function (c) {
        const li = el("li");
        const a = el("a", null, c.title + (c.section ? " › " + c.section : "") + (c.page ? ", " + T("js_page_short", "стр.") + " " + c.page : ""));
        a.href = c.url || ("/passages/" + c.chunk_id);
        a.target = "_blank";
        li.appendChild(a);
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    if (answer.answer_id) box.appendChild(feedbackBar(answer.answer_id));
  }

  function feedbackBar(answerId) {
    const bar = el("div", "feedback");
    const note = el("span", "hint");
    function send(rating) {
      const comment = rating === "down" ? (window.prompt(T("js_whats_wrong", "Что не так с ответом?")) || "") : "";
      fetch("/api/v1/answers/" + answerId + "/feedback", {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ rating: rating, comment: comment || null }),
      }).then(function (r) {
        note.textContent = r.ok ? " " + T("js_rated", "Спасибо, оценка сохранена.") : " " + T("js_rate_failed", "Оценку сохранить не удалось.");
        if (r.ok) bar.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      });
    }
    [["up", "👍", T("js_useful", "Полезный ответ")], ["down", "👎", T("js_not_useful", "Ответ не помог")]].forEach(function (spec) {
      const b = el("button", "rate", spec[1]);
      b.type = "button"; b.title = spec[2]; b.dataset.rating = spec[0];
      b.addEventListener("click", function () { send(spec[0]); });
      bar.appendChild(b);
    });
    bar.appendChild(note);
    return bar;
  }

  let conversationId = null;  // follow-up questions are read against this conversation

  async function ask(question) {
    chat.appendChild(el("div", "msg user", question));
    const box = el("div", "msg bot");
    const text = el("div", "text", "…");
    box.appendChild(text);
    chat.appendChild(box);
    box.scrollIntoView({ behavior: "smooth" });
    let resp;
    try {
      resp = await fetch("/api/v1/ask/stream", {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
        body: JSON.stringify({ question: question, conversation_id: conversationId }),
      });
    } catch (e) {
      text.textContent = T("js_offline_retry", "Нет связи с сервером.");
      return;
    }
    if (!resp.ok) {
      let message = T("js_error", "Ошибка") + " " + resp.status;
      try { message = (await resp.json()).error.message; } catch (e) { /* keep status text */ }
      text.textContent = message;
      return;
    }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let shown = "";
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
          conversationId = payload.answer.conversation_id || conversationId;
          renderAnswer(box, payload.answer);
          if (payload.answer.resolved_question) {
            box.insertBefore(el("div", "resolved", T("js_resolved", "Понял вопрос как:") + " " +
                                payload.answer.resolved_question), box.firstChild);
          }
        }
      }
    }
  }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    input.value = "";
    send.disabled = true;
    try { await ask(q); } finally { send.disabled = false; input.focus(); }
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); form.requestSubmit(); }
  });
})();
