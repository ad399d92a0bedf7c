"""A follow-up question rewritten into a standalone one by the language model (a versioned prompt).

The conversations of the assistant receive this as a plain callable from the composition root, so
the assistant does not depend on the LLM package; without a model they carry words over instead.
"""

from __future__ import annotations

import re

from azs_assistant.errors import LLMUnavailable
from azs_assistant.llm import prompts
from azs_assistant.llm.client import LLMClient
from azs_assistant.llm.prompts import as_data, template

REWRITE_PROMPT = prompts.REWRITE


class QuestionRewriter:
    """``rewriter(question, earlier_questions)`` → the standalone question, or None when the model
    is down or its answer does not look like a question."""

    def __init__(self, client: LLMClient) -> None:
        self.client = client

    def __call__(self, question: str, history: list[str]) -> str | None:
        lines = [f"Вопрос {i}: {as_data(q)}" for i, q in enumerate(history, start=1)]
        user = "Разговор:\n" + "\n".join(lines) + f"\n\nНовый вопрос: {as_data(question)}"
        try:
            text = self.client.complete([{"role": "system", "content": template(REWRITE_PROMPT)},
                                         {"role": "user", "content": user}])
        except LLMUnavailable:
            return None
        line = next((ln.strip().strip("«»\"'") for ln in text.splitlines() if ln.strip()), "")
        line = re.sub(r"^(новый вопрос|вопрос)\s*:\s*", "", line, flags=re.IGNORECASE)
        if not line or len(line) > 400 or len(line) < len(question) // 2:
            return None
        return line
