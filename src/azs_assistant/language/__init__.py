"""Russian/Kazakh text analysis: tokens, lemmas, stop words and the workplace-jargon dictionary."""

from azs_assistant.language.analyzer import Analyzer, Token, get_analyzer
from azs_assistant.language.jargon import JargonDictionary, JargonEntry, load_builtin_jargon

__all__ = ["Analyzer", "JargonDictionary", "JargonEntry", "Token", "get_analyzer", "load_builtin_jargon"]
