"""The prompts: versioned template files in this folder, their version names, and how document text
is put into them as data.

A prompt is changed by adding a new file and moving the name here; the name is recorded with what
the prompt made (answers in the cache, summaries, training data), so old output is recognised.
"""

from __future__ import annotations

import re
from importlib import resources

ANSWER = "answer_v2"  # the system prompt; the user turn is ``answer_v2.user``
REWRITE = "rewrite_v1"  # a follow-up question rewritten into a standalone one
SUMMARY_MAP = "summary_map_v1"
SUMMARY_REDUCE = "summary_reduce_v1"

_TAG = re.compile(r"<\s*(/?)\s*(fragment|section|system|user|assistant)\b", re.IGNORECASE)


def template(name: str) -> str:
    """The text of the prompt file ``name``.txt."""
    return resources.files(__name__).joinpath(f"{name}.txt").read_text("utf-8")


def as_data(text: str) -> str:
    """Document text inside a prompt: a planted «</fragment>» cannot end the block."""
    return _TAG.sub(lambda m: f"‹{m.group(1)}{m.group(2)}", text)
