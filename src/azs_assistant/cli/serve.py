"""`azs serve`: the web UI and the REST API in one process."""

from __future__ import annotations

from typing import Annotated

import typer

from azs_assistant.cli._common import services


def serve(ctx: typer.Context, host: Annotated[str, typer.Option(help="Адрес.")] = "127.0.0.1",
          port: Annotated[int, typer.Option(help="Порт.")] = 8000) -> None:
    """Запустить веб-интерфейс и REST API (OpenAPI: /docs)."""
    import uvicorn

    from azs_assistant import logs
    from azs_assistant.api.app import create_app
    from azs_assistant.reports.phrasebook import load_phrasebook

    svc = services(ctx)
    logs.configure_from(svc.settings)
    load_phrasebook(svc.settings.report_phrases_file)  # a typo in it refuses to start, not every report later
    typer.echo(f"Веб-интерфейс: http://{host}:{port}/   API: http://{host}:{port}/docs")
    # proxy_headers off: forwarded headers are believed only from AZS_TRUSTED_PROXIES (the app decides).
    # Uvicorn's lines go through our handler (log_config=None); the app writes the access lines itself.
    uvicorn.run(create_app(svc), host=host, port=port, log_level=(svc.settings.log_level or "info").lower(),
                proxy_headers=False, log_config=None, access_log=False)
