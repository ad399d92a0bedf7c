#!/bin/sh
# Полная пересборка набора: корпус -> извлечение текста -> вопросы/диалоги/смысл + проверки
set -e
cd "$(dirname "$0")/.."
PY=/work/main/.venv/bin/python
$PY tools/build_corpus.py
$PY tools/extract_texts.py
$PY tools/check_corpus.py
$PY tools/build_qa.py
