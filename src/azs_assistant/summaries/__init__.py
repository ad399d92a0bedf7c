"""Summaries of documents (extractive, or map-reduce by a language model) and what changed between
versions of a document."""
