"""The chat page: the person's conversation history beside the chat, a stored conversation reloaded
with its answers rendered from Markdown. Asking, renaming and deleting go through the REST API from
``static/chat.js``; this router only reads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from azs_assistant.errors import AzsError
from azs_assistant.http.deps import ServicesDep
from azs_assistant.http.markdown import to_html
from azs_assistant.web.auth_views import AnyUser
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
            return message_page(request, exc.message_ru, exc.http_status)
    return templates.TemplateResponse(request, "chat.html", {
        "active": "chat", "conversations": conversations, "current": c if turns else None, "title": title,
        "turns": [{**turn, "html": to_html(turn["answer"])} for turn in turns]})
