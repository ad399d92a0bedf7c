"""`azs learning train` end to end on CPU: a tiny randomly initialised Llama-architecture model and
tokenizer built here, the SFT file written by the real export, a few LoRA steps, the loss going
down, and the adapter saved and loaded back onto the base model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from azs_assistant.learning.datasets import export_sft
from azs_assistant.services import Services
from tests.conftest import make_settings
from tests.factories import principal

try:
    import torch
except ImportError:  # the [train] extra: `make test` installs it, so CI never skips this
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("the [train] extra is not installed (AZS_SETUP_EXTRAS=train bash scripts/setup.sh)",
                allow_module_level=True)
pytestmark = [pytest.mark.train, pytest.mark.slow]

OPERATOR = principal("operator", name="aigerim")
MANAGER = principal("manager", name="boss")
GUIDE = ("# Касса\n\n## Размен\nНа начало смены в кассе оставляют размен 40 000 тенге.\n\n"
         "## Лимит\nОстаток наличных в кассе не должен превышать 250 000 тенге.\n").encode()
TEMPLATE = ("{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}</s>{% endfor %}"
            "{% if add_generation_prompt %}<|assistant|>{% endif %}")


def _sft_file(tmp_path: Path) -> Path:
    svc = Services(make_settings(tmp_path / "data", embeddings="none"))
    try:
        svc.ingestor.ingest_bytes(GUIDE, "uploads/kassa.md")
        for question in ("Какой размен оставляют в кассе?", "Какой лимит наличных в кассе?"):
            answer_id = svc.learning.log_answer("aigerim", svc.assistant.ask(question, OPERATOR))
            svc.learning.rate(answer_id, OPERATOR, 1)
        answer_id = svc.learning.log_answer("aigerim", svc.assistant.ask("Сколько размена на смену?", OPERATOR))
        svc.learning.correct(answer_id, MANAGER, "На начало смены оставляют 40 000 тенге размена [1].")
        result = export_sft(svc.db, tmp_path / "datasets", validation=0.0)
    finally:
        svc.close()
    assert result.train == 3
    return Path(result.files[0])


def _tiny_llama(folder: Path, texts: list[str]) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["<unk>", "<s>", "</s>", "<pad>", "<|system|>", "<|user|>", "<|assistant|>"]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=600, special_tokens=specials,
                                                       initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="<unk>", bos_token="<s>", eos_token="</s>",
                                        pad_token="<pad>")
    tokenizer.chat_template = TEMPLATE
    tokenizer.save_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=48, intermediate_size=96, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
                         bos_token_id=1, eos_token_id=2, pad_token_id=3)
    LlamaForCausalLM(config).save_pretrained(folder)


def test_lora_training_runs_on_cpu_and_the_adapter_loads(tmp_path: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from typer.testing import CliRunner

    from azs_assistant import cli

    sft = _sft_file(tmp_path)
    rows = [json.loads(line) for line in sft.read_text("utf-8").splitlines()]
    base = tmp_path / "tiny-llama"
    _tiny_llama(base, [m["content"] for r in rows for m in r["messages"]])
    out = tmp_path / "adapter"
    result = CliRunner().invoke(cli.app, ["--data-dir", str(tmp_path / "data"), "learning", "train",
                                          "--base-model", str(base), "--train", str(sft), "--out", str(out),
                                          "--max-steps", "12", "--lr", "5e-3", "--grad-accum", "1",
                                          "--max-length", "512", "--json"])
    assert result.exit_code == 0, result.output
    text = result.output  # the trainer logs dicts to stdout first; the report is the last JSON object
    report = json.loads(text[text.rindex("\n{") + 1:] if "\n{" in text else text)
    assert report["steps"] == 12 and report["train_rows"] == 3 and report["device"] == "cpu"
    losses = report["losses"]
    assert len(losses) >= 10 and min(losses[-3:]) < losses[0]  # it learns the three answers
    assert (out / "adapter_config.json").is_file() and (out / "adapter_model.safetensors").is_file()
    config = json.loads((out / "adapter_config.json").read_text())
    assert config["r"] == 16 and set(config["target_modules"]) >= {"q_proj", "v_proj", "down_proj"}

    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base), out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    prompt = tokenizer.apply_chat_template(rows[0]["messages"][:2], add_generation_prompt=True, tokenize=False)
    ids = tokenizer(prompt, return_tensors="pt")
    with torch.no_grad():
        tuned = model(**ids).logits
        with model.disable_adapter():
            plain = model(**ids).logits
    assert not torch.allclose(tuned, plain)  # the adapter changes the model's output


def test_train_refuses_bad_inputs_clearly(tmp_path: Path) -> None:
    from azs_assistant.errors import InvalidInput
    from azs_assistant.learning.train import train_lora

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"messages": [{"role": "user", "content": "вопрос"}]}\n', encoding="utf-8")
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    with pytest.raises(InvalidInput, match="config.json"):
        train_lora(model_dir, bad, tmp_path / "out")
    (model_dir / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InvalidInput, match="assistant"):
        train_lora(model_dir, bad, tmp_path / "out")
    bad.write_text("не json\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="не JSON"):
        train_lora(model_dir, bad, tmp_path / "out")
