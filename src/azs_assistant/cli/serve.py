"""`azs serve`: the web UI and the REST API in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from azs_assistant.cli._common import services


def serve(ctx: typer.Context, host: Annotated[str, typer.Option(help="Адрес.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Порт.")] = 8000) -> None:
    """Запустить веб-интерфейс и REST API (OpenAPI: /docs)."""
    import uvicorn

    from azs_assistant.api.app import create_app

    typer.echo(f"Веб-интерфейс: http://{host}:{port}/   API: http://{host}:{port}/docs")
    # proxy_headers off: forwarded headers are believed only from AZS_TRUSTED_PROXIES (the app decides)
    uvicorn.run(create_app(services(ctx)), host=host, port=port, log_level="info", proxy_headers=False)
