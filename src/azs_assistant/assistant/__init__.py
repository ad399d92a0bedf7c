"""Question answering: retrieval, evidence check, extractive or LLM-generated answers with citations."""

from azs_assistant.assistant.answer import Answer, Assistant, Citation

__all__ = ["Answer", "Assistant", "Citation"]
