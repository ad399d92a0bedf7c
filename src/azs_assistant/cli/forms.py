"""Photos and scans of paper forms: `azs ocr` and `azs export` of the recognised records."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from azs_assistant.cli._common import print_json, read_input, services


def ocr(ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="Фото, скан (JPEG, PNG, TIFF, WebP) или PDF.")],
        lang: Annotated[str, typer.Option("--lang", help="Языки Tesseract.")] = "rus+kaz+eng",
        as_json: Annotated[bool, typer.Option("--json", help="Результат одним JSON-объектом.")] = False,
        save: Annotated[bool, typer.Option("--save", help="Сохранить распознанную форму как запись.")] = False) -> None:
    """Распознать текст фото или скана; для известных форм (акт проверки ТРК) — поля."""
    svc = services(ctx)
    result = svc.forms.recognise(read_input(file), file.name, lang)
    if save and result["form"]:
        from azs_assistant.auth.principal import SYSTEM

        record, new = svc.records.save_recognised(SYSTEM, result, file.name)
        result["record_id"], result["saved_before"] = record.id, not new
    if as_json:
        print_json(result)
        return
    _print_recognised(result)


def _print_recognised(result: dict[str, Any]) -> None:
    for page in result["pages"]:
        if page["quality"] == "retake":
            typer.secho(f"Стр. {page['page']}: не распознано — {page['reason']}", fg=typer.colors.RED)
        elif page["reason"]:
            typer.secho(f"Стр. {page['page']}: {page['reason']}", fg=typer.colors.YELLOW)
    doubtful = [line["text"] for page in result["pages"] for line in page.get("lines", []) if line["doubtful"]]
    typer.echo(result["text"])
    if doubtful:
        typer.secho("\nПрочитано с сомнением (не индексируется), сверьте с оригиналом:", fg=typer.colors.YELLOW)
        for line in doubtful:
            typer.secho(f"  ? {line}", fg=typer.colors.YELLOW)
    if result["form"]:
        typer.secho(f"\nФорма: {result['form']}", bold=True)
        for name, value in result["fields"].items():
            conf = result["field_confidence"].get(name, 100)
            mark = "  ← проверьте" if conf < 80 else ""
            typer.echo(f"  {name}: {value}{mark}")
        for problem in result["problems"]:
            typer.secho(f"  ! {problem}", fg=typer.colors.YELLOW)
        if result.get("saved_before"):
            typer.echo(f"Этот бланк уже записан: запись №{result['record_id']}, второй раз он не сохранён.")
        elif "record_id" in result:
            typer.echo(f"Сохранена запись №{result['record_id']}.")


def export_records(ctx: typer.Context,
                   form: Annotated[str, typer.Argument(help="Форма: inspections (акты проверки ТРК).")],
                   fmt: Annotated[str, typer.Option("--format", help="json, csv или xml.")] = "json",
                   output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Файл (иначе вывод).")] = None
                   ) -> None:
    """Выгрузить записи распознанных форм в JSON, CSV или XML."""
    from azs_assistant.auth.principal import SYSTEM

    text, _ = services(ctx).records.export(SYSTEM, form, fmt)
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Записано: {output}")
    else:
        typer.echo(text)
