"""The chat page: the person's conversation history beside the chat, a stored conversation reloaded
with its answers rendered from Markdown. Asking, renaming and deleting go through the REST API from
``static/chat.js``; this router only reads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from azs_assistant.assistant.markdown import to_plain
from azs_assistant.errors import AzsError
from azs_assistant.http.deps import ServicesDep
from azs_assistant.http.markdown import to_html
from azs_assistant.web.auth_views import AnyUser
from azs_assistant.web.i18n import request_language, texts
from azs_assistant.web.templating import message_page, templates

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def chat(request: Request, svc: ServicesDep, who: AnyUser, c: str | None = None) -> Response:
    conversations = svc.conversations.list_for(who.name)
    title, turns = None, []
    if c:
        try:
            turns = svc.conversations.turns(c[:36], who.name)
            title = svc.conversations.title_of(who.name, c[:36])
        except AzsError as exc:
            return message_page(request, exc.message(request_language(request)), exc.http_status)
    page_word = texts(request_language(request))["ps_page"]
    return templates.TemplateResponse(request, "chat.html", {
        "active": "chat", "conversations": conversations, "current": c if turns else None, "title": title,
        "turns": [{**turn, "html": to_html(turn["answer"]), "plain": to_plain(turn["answer"]),
                   "labels": citation_labels(turn["citations"], page_word)} for turn in turns]})


def citation_labels(citations: list[dict[str, Any]], page_word: str) -> list[str]:
    """Each source's link text: document › section (, page n); rows of one table read the same, so a
    label shared by several sources also names its passage by the first words («Код: E01»). The same
    rule as ``citationLabels`` in static/chat.js, which labels a streamed answer's sources."""
    plain = [c.get("title", "") + (f" › {c['section']}" if c.get("section") else "")
             + (f", {page_word} {c['page']}" if c.get("page") else "") for c in citations]
    labels = []
    for label, c in zip(plain, citations, strict=True):
        lead = (c.get("quote") or "").split(";")[0].strip()
        if lead and plain.count(label) > 1:
            label += " — " + (lead[:40] + "…" if len(lead) > 40 else lead)
        labels.append(label)
    return labels
