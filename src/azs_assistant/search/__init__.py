"""Search: query analysis (lemmas, jargon, typos), a lexical BM25 index and a dense index, fused."""

from azs_assistant.search.embeddings import Embedder, make_embedder
from azs_assistant.search.index import Hit, SearchIndex
from azs_assistant.search.query import AnalyzedQuery, QueryAnalyzer

__all__ = ["AnalyzedQuery", "Embedder", "Hit", "QueryAnalyzer", "SearchIndex", "make_embedder"]
