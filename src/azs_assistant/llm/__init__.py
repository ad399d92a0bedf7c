"""The language model: an OpenAI-compatible client and a grounded answer generator."""

from azs_assistant.llm.client import LLMClient
from azs_assistant.llm.generate import LLMAnswerer

__all__ = ["LLMAnswerer", "LLMClient"]
