"""LoRA fine-tuning on the exported SFT dataset (``azs learning train``).

Uses Hugging Face ``transformers``, ``peft`` and ``trl`` (the optional extra ``[train]``): TRL's
SFTTrainer applies the base model's chat template to the ``messages`` rows that ``azs learning
export-sft`` writes, and PEFT trains a LoRA adapter on the attention and MLP projections. The base
model is a local folder (e.g. a copy of Llama 3 8B Instruct); nothing is downloaded. On a GPU it
trains in bf16 when the card supports it; on a CPU it runs too, slowly, which is what the test does
with a tiny randomly initialised Llama-architecture model.

The adapter folder (``adapter_config.json``, ``adapter_model.safetensors``) is what vLLM serves
with ``--enable-lora --lora-modules azs=<folder>``; see docs/llm.md.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from azs_assistant.errors import ConfigError, InvalidInput

LLAMA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
INSTALL_HINT = ("Установите дополнение для обучения: pip install 'azs-assistant[train]' "
                "(torch, transformers, peft, trl).")


@dataclass
class TrainOptions:
    epochs: float = 2.0
    max_steps: int = -1  # > 0 overrides epochs
    learning_rate: float = 2e-4
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05
    batch_size: int = 1
    grad_accum: int = 8
    max_length: int = 2048
    target_modules: tuple[str, ...] = LLAMA_TARGETS
    seed: int = 42
    logging_steps: int = 1


@dataclass
class TrainResult:
    adapter: str
    steps: int
    train_rows: int
    validation_rows: int
    losses: list[float] = field(default_factory=list)
    eval_loss: float | None = None
    device: str = "cpu"

    def public(self) -> dict[str, Any]:
        return asdict(self)


def _rows(path: Path) -> int:
    count = 0
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{path.name}, строка {n}: не JSON ({exc.msg}).", f"{path}:{n}: bad JSON") from exc
            messages = row.get("messages") if isinstance(row, dict) else None
            if not isinstance(messages, list) or not messages or messages[-1].get("role") != "assistant":
                raise InvalidInput(f"{path.name}, строка {n}: нужен объект с messages, последним — ответ assistant "
                                   "(формат azs learning export-sft).", f"{path}:{n}: not a chat-messages row")
            count += 1
    if count == 0:
        raise InvalidInput(f"В {path.name} нет примеров: сначала соберите оценки и выполните azs learning export-sft.",
                           f"{path} is empty")
    return count


def train_lora(base_model: Path, train_file: Path, output: Path, validation_file: Path | None = None,
               options: TrainOptions | None = None) -> TrainResult:
    """Train a LoRA adapter and save it (with the tokenizer) to ``output``."""
    opts = options or TrainOptions()
    if not (base_model / "config.json").is_file():
        raise InvalidInput(f"{base_model}: не папка модели Hugging Face (нет config.json).",
                           f"{base_model} has no config.json")
    train_rows = _rows(train_file)
    validation_rows = _rows(validation_file) if validation_file and validation_file.exists() else 0
    try:
        import torch
        from datasets import load_dataset
        from peft import LoraConfig
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from trl import SFTConfig, SFTTrainer
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT, f"training extra missing: {exc}") from exc

    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    tokenizer = AutoTokenizer.from_pretrained(str(base_model), local_files_only=True)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not tokenizer.chat_template:
        raise InvalidInput(f"{base_model}: у токенизатора нет chat_template — возьмите Instruct-модель.",
                           "tokenizer has no chat template")
    model = AutoModelForCausalLM.from_pretrained(str(base_model), local_files_only=True,
                                                 dtype=torch.bfloat16 if bf16 else torch.float32)
    files = {"train": str(train_file)}
    if validation_rows:
        files["validation"] = str(validation_file)
    data = load_dataset("json", data_files=files)
    present = {name for name, _ in model.named_modules()}
    targets = [t for t in opts.target_modules if any(n.endswith(t) for n in present)]
    if not targets:
        raise InvalidInput("В модели нет слоёв для LoRA: " + ", ".join(opts.target_modules), "no LoRA target modules")
    config = SFTConfig(
        output_dir=str(output), num_train_epochs=opts.epochs, max_steps=opts.max_steps,
        learning_rate=opts.learning_rate, per_device_train_batch_size=opts.batch_size,
        gradient_accumulation_steps=opts.grad_accum, max_length=opts.max_length, logging_steps=opts.logging_steps,
        save_strategy="no", eval_strategy="epoch" if validation_rows else "no", report_to=[], seed=opts.seed,
        bf16=bf16, use_cpu=not cuda, lr_scheduler_type="constant", dataloader_num_workers=0,
        activation_checkpointing=cuda)  # memory for an 8B model on one card
    trainer = SFTTrainer(model=model, args=config, train_dataset=data["train"],
                         eval_dataset=data["validation"] if validation_rows else None, processing_class=tokenizer,
                         peft_config=LoraConfig(r=opts.rank, lora_alpha=opts.alpha, lora_dropout=opts.dropout,
                                                target_modules=targets, task_type="CAUSAL_LM"))
    state = trainer.train()
    output.mkdir(parents=True, exist_ok=True)
    trainer.model.save_pretrained(str(output))  # type: ignore[union-attr,operator]
    tokenizer.save_pretrained(str(output))
    losses = [round(float(h["loss"]), 4) for h in trainer.state.log_history if "loss" in h]
    evals = [float(h["eval_loss"]) for h in trainer.state.log_history if "eval_loss" in h]
    result = TrainResult(str(output), int(state.global_step), train_rows, validation_rows, losses,
                         round(evals[-1], 4) if evals else None, "cuda" if cuda else "cpu")
    (output / "azs_training.json").write_text(json.dumps({**result.public(), "base_model": str(base_model),
                                                          "options": asdict(opts)}, ensure_ascii=False, indent=2),
                                              encoding="utf-8")
    return result
