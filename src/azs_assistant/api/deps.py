"""Dependencies shared by the routers. Authentication will be one more dependency here."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from azs_assistant.services import Services


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(get_services)]
