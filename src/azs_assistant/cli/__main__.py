"""``python -m azs_assistant.cli``: the same as the ``azs`` command."""

from azs_assistant.cli import run

run()
