"""The pages' Jinja templates, with the language texts in every page's context."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from azs_assistant.http.deps import SESSION_COOKIE
from azs_assistant.web.i18n import context as i18n_context
from azs_assistant.web.labels import readable

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"), context_processors=[i18n_context])
templates.env.globals["js_texts"] = lambda t: {k: v for k, v in t.items() if k.startswith("js_")}
templates.env.globals["readable"] = readable  # an audit entry's details as «key: value» lines


@pass_context
def local_time(context: dict, value: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """A time the system keeps as the chain's clock shows it (an operator in Almaty read a conversation of 17:58
    as «12:58»). Times of the incident log are the company's own and are not passed through here."""
    if value is None:
        return ""
    return context["request"].app.state.services.settings.local(value).strftime(fmt)


templates.env.filters["local"] = local_time


def message_page(request: Request, message: str, status: int) -> Response:
    """A typed error (or any short message) as a page: what the error edge shows a browser. A page no route
    answered (a 404) never read who is signed in; the menu is read for them too, not as if signed out. The
    error edge calls it in a worker thread, as it may read the session from the database."""
    if not hasattr(request.state, "principal") and status < 500:  # (a 5xx may be the database itself failing)
        token = request.cookies.get(SESSION_COOKIE)
        try:
            request.state.principal = request.app.state.services.access.session_principal(token) if token else None
        except Exception:  # an error page never fails for want of the menu (the database may be what failed)
            request.state.principal = None
    return templates.TemplateResponse(request, "message.html", {"message": message, "status": status},
                                      status_code=status)
