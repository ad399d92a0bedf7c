"""Learning from feedback: `azs learning export-sft|train|compare|export-preferences`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from azs_assistant.cli._common import cli_actor, existing_file, print_json, services
from azs_assistant.errors import InvalidInput

app = typer.Typer(help="Обучение на отзывах: наборы данных для дообучения модели.", no_args_is_help=True)


@app.command("export-sft")
def learning_export_sft(ctx: typer.Context,
                        out: Annotated[Path, typer.Option("--out", help="Каталог для train/validation JSONL")]
                        = Path("datasets"),
                        validation: Annotated[float, typer.Option("--validation", min=0.0, max=0.5)] = 0.1) -> None:
    """Набор для дообучения (SFT, chat messages JSONL): исправленные и одобренные ответы с контекстом."""
    result = services(ctx).learning.export_sft(cli_actor(), out, validation)
    typer.echo(f"SFT: обучающих {result.train}, проверочных {result.validation}, дублей пропущено "
               f"{result.skipped_duplicates}; файлы: {', '.join(result.files)}")


@app.command("train")
def learning_train(
    base_model: Annotated[Path, typer.Option("--base-model", help="Папка модели Hugging Face (Llama 3 8B Instruct)")],
    train_file: Annotated[Path, typer.Option("--train", help="SFT JSONL из azs learning export-sft")]
    = Path("datasets/sft_train.jsonl"),
    validation_file: Annotated[Optional[Path], typer.Option("--validation")] = None,
    out: Annotated[Path, typer.Option("--out", help="Куда сохранить адаптер LoRA")] = Path("adapters/azs-lora"),
    epochs: Annotated[float, typer.Option("--epochs", min=0.01)] = 2.0,
    max_steps: Annotated[int, typer.Option("--max-steps", help="> 0 — столько шагов вместо эпох")] = -1,
    learning_rate: Annotated[float, typer.Option("--lr")] = 2e-4,
    rank: Annotated[int, typer.Option("--rank", min=1)] = 16,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1)] = 1,
    grad_accum: Annotated[int, typer.Option("--grad-accum", min=1)] = 8,
    max_length: Annotated[int, typer.Option("--max-length", min=64)] = 2048,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Дообучить модель (LoRA) на наборе SFT. Нужно дополнение [train]; для 8B — GPU."""
    from azs_assistant.learning.train import TrainOptions, train_lora

    options = TrainOptions(epochs=epochs, max_steps=max_steps, learning_rate=learning_rate, rank=rank,
                           alpha=2 * rank, batch_size=batch_size, grad_accum=grad_accum, max_length=max_length)
    if not train_file.is_file():
        raise InvalidInput(f"Нет файла {train_file}: выполните azs learning export-sft.", f"{train_file} missing")
    result = train_lora(base_model, train_file, out, validation_file, options)
    if as_json:
        print_json(result.public())
        return
    first, last = (result.losses[0], result.losses[-1]) if result.losses else (None, None)
    checked = f", на проверке {result.eval_loss}" if result.eval_loss is not None else ""
    typer.echo(f"Адаптер LoRA: {result.adapter} ({result.steps} шагов на {result.device}, "
               f"примеров {result.train_rows}; loss {first} → {last}{checked})")


@app.command("compare")
def learning_compare(
    ctx: typer.Context,
    questions: Annotated[Path, typer.Option("--questions", help="JSONL: question, answer_facts (как qa.jsonl)")],
    base_url: Annotated[str, typer.Option("--base-url", help="OpenAI-совместимый сервер базовой модели")],
    candidate_url: Annotated[str, typer.Option("--candidate-url", help="сервер новой модели (например, с LoRA)")],
    base_model: Annotated[str, typer.Option("--base-model")] = "llama-3-8b-instruct",
    candidate_model: Annotated[str, typer.Option("--candidate-model")] = "azs",
    api_key: Annotated[Optional[str], typer.Option("--api-key", help="ключ или ссылка env:/file:/aws:")] = None,
    out: Annotated[Optional[Path], typer.Option("--json", help="записать подробности по вопросам")] = None,
) -> None:
    """Сравнить две модели на вопросах с эталонными фактами: полнота фактов, верность ссылок, отказы."""
    from azs_assistant.learning.compare import MEASURES, Endpoint, compare, load_questions
    from azs_assistant.secrets import resolve_secret

    rows = load_questions(existing_file(questions))
    key = resolve_secret(api_key)
    svc = services(ctx)
    result = compare(svc.assistant_with, svc.settings, svc.analyzer, Endpoint("base", base_url, base_model, key),
                     Endpoint("candidate", candidate_url, candidate_model, key), rows)
    if out is not None:
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    typer.echo(f"{'мера':20} {'база':>8} {'новая':>8}")
    for m in (*MEASURES, "latency_p50_ms", "failures"):
        typer.echo(f"{m:20} {result['base'][m]:>8} {result['candidate'][m]:>8}")
    typer.echo("Вывод: принять новую модель." if result["adopt"] else
               "Вывод: не принимать — " + "; ".join(result["reasons"]))


@app.command("export-preferences")
def learning_export_preferences(ctx: typer.Context, out: Annotated[Path, typer.Option("--out")] = Path("datasets"),
                                validation: Annotated[float, typer.Option("--validation", min=0.0, max=0.5)]
                                = 0.1) -> None:
    """Набор предпочтений (prompt, chosen, rejected) для DPO/ORPO из оценок и исправлений."""
    result = services(ctx).learning.export_preferences(cli_actor(), out, validation)
    typer.echo(f"Предпочтения: обучающих {result.train}, проверочных {result.validation}, дублей пропущено "
               f"{result.skipped_duplicates}; файлы: {', '.join(result.files)}")
