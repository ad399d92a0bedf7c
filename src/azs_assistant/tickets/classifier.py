"""The complaint classifier that works without a language model.

Two linear models (category; urgency) over lexical features: TF-IDF of lemmas with their bigrams
(«недолив», «бонус карта») and of character n-grams inside words (typos such as «калонка»,
Kazakh endings, English). Logistic regression gives calibrated-enough probabilities for the triage
threshold and trains in well under a second on the shipped examples, so it is trained when first
needed and whenever corrected tickets are added; nothing is pickled to disk.

Why not the embedded e5 model as well: one embedding costs about 100 ms on this two-core machine
(measured), twice the 50 ms budget per ticket.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from azs_assistant.errors import ConfigError
from azs_assistant.language.analyzer import Analyzer, normalise
from azs_assistant.tickets.taxonomy import CATEGORIES, URGENCIES


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    urgency: str


@dataclass
class Prediction:
    category: str
    category_confidence: float
    urgency: str
    urgency_confidence: float
    top: list[tuple[str, float]]  # the three likeliest categories


# Greetings, complaints about waiting and sign-offs that customers wrap around any problem. Each
# example is also learned wrapped in two of these, so the wrapping stops looking like evidence
# («пишу повторно» is not a category).
_OPENERS = ("Здравствуйте!", "Добрый вечер.", "Уважаемые сотрудники,", "Это безобразие!", "Пишу вам повторно.",
            "Хочу пожаловаться.", "Сәлем!", "Hello,", "Вчера случилась неприятная история.",
            "Доброго дня, обращаюсь по поводу вашей заправки.", "Слушайте, ну сколько можно.",
            "Қайырлы кеш!", "Обращаюсь уже не первый раз, ответа нет.", "Good afternoon.")
_CLOSERS = ("Спасибо.", "Жду ответа.", "Примите меры!", "Рахмет.", "Буду жаловаться в прокуратуру.",
            "Мой номер 8 777 123 45 67.", "Thanks.", "С уважением, Ержан.", "Чек приложил.", "Жауап беріңіз.",
            "Разберитесь и перезвоните мне.", "Я постоянный клиент, очень неприятно.", "Please reply.")


def augment(examples: list[Example]) -> list[Example]:
    """Each example as written, plus two copies inside a greeting and a sign-off (deterministic)."""
    out = list(examples)
    for i, e in enumerate(examples):
        for k in (1, 2):
            opener = _OPENERS[(i * 7 + k * 3) % len(_OPENERS)]
            closer = _CLOSERS[(i * 5 + k * 11) % len(_CLOSERS)]
            out.append(Example(f"{opener} {e.text} {closer}", e.category, e.urgency))
    return out


def load_examples(path: Path | None = None) -> list[Example]:
    """Examples from a YAML file ``{category: {urgency: [text, …]}}``; the shipped set by default."""
    if path is None:
        raw = resources.files("azs_assistant.tickets").joinpath("data/examples.yaml").read_text("utf-8")
        where = "examples.yaml"
    else:
        raw, where = path.read_text("utf-8"), str(path)
    data = yaml.safe_load(raw) or {}
    out = []
    for category, by_urgency in data.items():
        if category not in CATEGORIES:
            raise ConfigError(f"{where}: неизвестная категория «{category}».", f"{where}: unknown category {category}")
        for urgency, texts in (by_urgency or {}).items():
            if urgency not in URGENCIES:
                raise ConfigError(f"{where}: неизвестная срочность «{urgency}» в {category}.",
                                  f"{where}: unknown urgency {urgency}")
            for text in texts or []:
                if not isinstance(text, str) or not text.strip():
                    raise ConfigError(f"{where}: пример в {category}/{urgency} должен быть строкой: {text!r}.",
                                      f"{where}: example must be a string")
                out.append(Example(text.strip(), category, urgency))
    return out


class TicketClassifier:
    """Category and urgency probabilities for a complaint text."""

    def __init__(self, analyzer: Analyzer, examples: list[Example]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        if len({e.category for e in examples}) < 2:
            raise ConfigError("Для обучения классификатора нужны примеры хотя бы двух категорий.",
                              "At least two categories of examples are needed.")
        self.analyzer = analyzer
        self._lock = threading.Lock()
        self.size = len(examples)
        digest = hashlib.sha256()
        for e in examples:
            digest.update(f"{e.category}\t{e.urgency}\t{e.text}\n".encode())
        self.version = digest.hexdigest()[:12]

        examples = augment(examples)
        texts = [e.text for e in examples]
        # one feature space, computed once per text, for both models
        self._features = make_union(
            TfidfVectorizer(analyzer=self._lemma_terms, sublinear_tf=True, min_df=1),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=1,
                            preprocessor=normalise, max_features=60000),
        )
        matrix = self._features.fit_transform(texts)
        self._category = LogisticRegression(C=20, max_iter=3000, class_weight="balanced")
        self._category.fit(matrix, [e.category for e in examples])
        self._urgency = LogisticRegression(C=20, max_iter=3000, class_weight="balanced")
        self._urgency.fit(matrix, [e.urgency for e in examples])

    def _lemma_terms(self, text: str) -> list[str]:
        lemmas = [t.lemma for t in self.analyzer.tokens(text) if not t.lemma.isdigit()]
        marks = ["<вопрос>"] if "?" in text else []  # questions lean to general_question and low urgency
        return lemmas + [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)] + marks

    def predict(self, text: str) -> Prediction:
        with self._lock:  # fitted vectorizers are read-only, but one call at a time keeps BLAS calm
            row = self._features.transform([text])
            cat = self._category.predict_proba(row)[0]
            urg = self._urgency.predict_proba(row)[0]
        cats = sorted(zip(self._category.classes_, cat, strict=True), key=lambda p: -p[1])
        urgs = sorted(zip(self._urgency.classes_, urg, strict=True), key=lambda p: -p[1])
        return Prediction(str(cats[0][0]), float(cats[0][1]), str(urgs[0][0]), float(urgs[0][1]),
                          [(str(c), round(float(p), 3)) for c, p in cats[:3]])

    def describe(self) -> dict[str, Any]:
        return {"version": self.version, "examples": self.size,
                "categories": [str(c) for c in self._category.classes_]}
