"""The workplace-jargon dictionary: slang and abbreviations mapped to canonical terms.

It expands queries at search time, so an edit takes effect at once, without re-ingesting.
Entries match on lemma sequences, so «солярку», «солярки» and «солярка» are one entry.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from importlib import resources

from azs_assistant.errors import InvalidInput
from azs_assistant.language.analyzer import Analyzer


@dataclass(frozen=True, slots=True)
class JargonEntry:
    term: str
    canonical: str
    note: str | None = None


def parse_tsv(text: str) -> list[JargonEntry]:
    """Entries of a ``term<TAB>canonical[<TAB>note]`` file; a header line is allowed."""
    entries: list[JargonEntry] = []
    for lineno, row in enumerate(csv.reader(io.StringIO(text), delimiter="\t"), start=1):
        if not row or not row[0].strip() or row[0].startswith("#"):
            continue
        if lineno == 1 and row[0].strip().lower() == "term":
            continue
        if len(row) < 2 or not row[1].strip():
            raise InvalidInput(f"Строка {lineno}: нужно два столбца через табуляцию: термин и каноническое название.",
                               f"Line {lineno}: expected 'term<TAB>canonical'.", line=lineno)
        note = row[2].strip() if len(row) > 2 and row[2].strip() else None
        entries.append(JargonEntry(row[0].strip(), row[1].strip(), note))
    return entries


BUILTIN_FILES = ("jargon.tsv", "jargon_kk.tsv", "jargon_en.tsv")  # Russian slang; Kazakh and English terms


def load_builtin_jargon() -> list[JargonEntry]:
    """The dictionary shipped with the product (fuel retail, Kazakhstan and Russia): Russian slang,
    abbreviations and misspellings, and the Kazakh and English words staff use, each with the Russian
    term the documents use. Written from domain knowledge, not from questions."""
    data = resources.files("azs_assistant.language.data")
    return [e for name in BUILTIN_FILES for e in parse_tsv(data.joinpath(name).read_text("utf-8"))]


def builtin_digest() -> str:
    """A digest of the shipped dictionary files: it changes with a release that changes them."""
    data = resources.files("azs_assistant.language.data")
    digest = hashlib.sha256()
    for name in BUILTIN_FILES:
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()


def earlier_builtin_values() -> dict[str, set[str]]:
    """term -> the canonicals earlier releases shipped for it and this one does not (``jargon_earlier.tsv``)."""
    text = resources.files("azs_assistant.language.data").joinpath("jargon_earlier.tsv").read_text("utf-8")
    values: dict[str, set[str]] = {}
    for e in parse_tsv(text):
        values.setdefault(e.term.lower(), set()).add(e.canonical)
    return values


class JargonDictionary:
    """Matches entries against a text's lemmas and returns the canonical lemmas to add."""

    def __init__(self, entries: list[JargonEntry], analyzer: Analyzer) -> None:
        self._analyzer = analyzer
        self.entries = entries
        self._patterns: dict[tuple[str, ...], list[str]] = {}
        self._phrases: dict[tuple[str, ...], str] = {}
        self._forms: dict[str, tuple[str, ...]] = {}
        self._stems: dict[str, tuple[str, ...]] = {}  # one-word entries not in the Russian dictionary
        self._known_cache: dict[str, bool] = {}
        for entry in entries:
            key = tuple(analyzer.lemmas(entry.term, keep_stopwords=True))
            if not key:
                continue
            canon = analyzer.lemmas(_strip_brackets(entry.canonical))
            self._patterns.setdefault(key, [])
            self._patterns[key].extend(c for c in canon if c not in self._patterns[key])
            self._phrases.setdefault(key, " ".join(_strip_brackets(entry.canonical).split()))
            words = entry.term.split()
            raw = tuple(w.lower().replace("ё", "е") for w in words)
            if len(words) > 1 and len(raw[-1]) >= _MIN_STEM and (
                    _foreign(raw[-1]) or not all(t.known for t in analyzer.tokens(raw[-1]))):
                self._stems.setdefault(" ".join(raw), key)  # «өрт сөндіргіш» matches «өрт сөндіргішті»
            if len(words) == 1:  # slang is lemmatised unpredictably: match any inflected form too
                for form in analyzer.forms(words[0]):
                    self._forms.setdefault(form, key)
                word = words[0].lower().replace("ё", "е")
                if len(word) >= _MIN_STEM and (_foreign(word) or not all(t.known for t in analyzer.tokens(word))):
                    self._stems.setdefault(word, key)
                    if _KAZAKH_LETTERS & set(word) and word.endswith("у") and len(word) > _MIN_STEM:
                        # a Kazakh verb is listed by its verbal noun («төгілу»); its other forms grow on the root
                        # («төгілсе», «төгіліп», «төгілген»)
                        self._stems.setdefault(word[:-1], key)
        # a noun and a verb in the other order, or with the verb reflexive in the question: «свет отключили» is also
        # said «отключили свет» and «свет отключился». Only such pairs: «не лить» read backwards is «лить не более»,
        # «сильный пролив» is «после пролива сильный запах», «full tank» is «tank full», and an entry's reflexive verb
        # («касса заблокировалась») is not the plain one («заблокировать кассу при уходе»)
        self._loose: dict[tuple[str, ...], tuple[str, ...]] = {}
        for key in self._patterns:
            if len(key) == 2 and self._noun_and_verb(key):
                self._loose.setdefault(tuple(sorted(key)), key)
        self._max_len = max((len(k) for k in self._patterns), default=1)

    def expand(self, lemmas: list[str]) -> tuple[list[str], list[tuple[str, ...]]]:
        """Canonical lemmas for every entry found in ``lemmas`` (lemmas or surface forms), and the
        matched term lemmas."""
        groups, matched = self.expand_groups(lemmas)
        return list(dict.fromkeys(c for group in groups for c in group)), matched

    def expand_groups(self, lemmas: list[str]) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
        """As :meth:`expand`, with the canonical lemmas of each entry found kept together: «газ» → «сжиженный
        углеводородный газ (СУГ, пропан-бутан)» is one thing asked, not six."""
        groups: list[tuple[str, ...]] = []
        matched: list[tuple[str, ...]] = []
        for start in range(len(lemmas)):
            for length in range(min(self._max_len, len(lemmas) - start), 0, -1):
                key = self._entry(tuple(lemmas[start:start + length]))
                if key is not None and (canon := self._patterns[key]):
                    matched.append(key)
                    groups.append(tuple(canon))
                    break
        return groups, matched

    def asking_words(self, words: list[str]) -> set[str]:
        """The words of entries that only say what is asked («не істеу керек», «what to do», «скока»: their
        term means «что делать», «сколько»): question words in another language or spelling, not a subject."""
        out: set[str] = set()
        start = 0
        while start < len(words):
            for length in range(min(self._max_len, len(words) - start), 0, -1):
                key = self._entry(tuple(words[start:start + length]))
                if key is not None:
                    if not self._patterns[key]:
                        out.update(words[start:start + length])
                    start += length
                    break
            else:
                start += 1
        return out

    def rewrite(self, text: str, tokens: list) -> str:  # type: ignore[type-arg]
        """The text with each jargon phrase replaced by its canonical term (for the dense model)."""
        out, pos, i = [], 0, 0
        keys = ([t.lemma for t in tokens], [t.surface for t in tokens])
        while i < len(tokens):
            for length in range(min(self._max_len, len(tokens) - i), 0, -1):
                key = next((tuple(seq[i:i + length]) for seq in keys if tuple(seq[i:i + length]) in self._phrases),
                           None)
                if key is None:
                    key = ((self._forms.get(tokens[i].surface) if length == 1 else None)
                           or self._stem(" ".join(t.surface for t in tokens[i:i + length])))
                if key is not None:
                    out.append(text[pos:tokens[i].start] + self._phrases[key])
                    pos = tokens[i + length - 1].end
                    i += length
                    break
            else:
                i += 1
        out.append(text[pos:])
        return "".join(out)

    def _stem(self, word: str) -> tuple[str, ...] | None:
        """A Kazakh or English word with an ending on a one-word entry: «жанармайды», «жанармайдың» are
        «жанармай», «tanks» is «tank». Russian words have all their forms listed already; only entries that
        the Russian dictionary does not know are matched this way."""
        if len(word) <= _MIN_STEM or not (_foreign(word) or self._unknown(word.split()[-1])):
            return None  # a Russian word the dictionary knows is itself («бензовоз» is not slang «бенз» + «овоз»)
        # only the last word's ending is cut: «жалақы қашан» is not «жалақы» with the ending « қашан»
        for cut in range(len(word), max(_MIN_STEM, len(word) - _MAX_ENDING, word.rfind(" ") + 2) - 1, -1):
            if (key := self._stems.get(word[:cut])) is not None:
                return key
        return None

    def _unknown(self, word: str) -> bool:
        if word not in self._known_cache:
            self._known_cache[word] = not all(t.known for t in self._analyzer.tokens(word))
        return self._known_cache[word]

    def knows_form(self, word: str) -> bool:
        """Whether the word is an inflected form of a one-word entry, or a Kazakh or English one with an ending
        («төгілсе» of «төгілу», «tanks» of «tank»; a Russian word the dictionary lacks is a typo first, corrected
        against the index)."""
        return word in self._forms or _foreign(word) and self._stem(word) is not None

    def canonical_of(self, word: str) -> tuple[str, ...]:
        """The canonical lemmas of the one-word entry the word is (in any of its forms), or none."""
        key = self._entry((word,))
        return tuple(self._patterns[key]) if key else ()

    def _entry(self, words: tuple[str, ...]) -> tuple[str, ...] | None:
        """The key of the entry these words are: as they stand, an inflected form of a one-word entry, or a
        Kazakh or English word with an ending (:meth:`_stem`); None when they are no entry."""
        if words in self._patterns:
            return words
        if len(words) == 1:
            return self._forms.get(words[0]) or self._stem(words[0])
        return self._stem(" ".join(words)) or (self._loose.get(tuple(sorted(words))) or self._loose.get(
            tuple(sorted(_not_reflexive(w) for w in words))) if len(words) == 2 else None)

    def _noun_and_verb(self, words: tuple[str, ...]) -> bool:
        """A noun's lemma and a verb's, in Cyrillic, neither «не» nor «быть» nor a number."""
        readings = [self._analyzer.readings(w) for w in words]
        nouns = [any("NOUN" in r for r in rs) for rs in readings]
        verbs = [any("INFN" in r or "VERB" in r for r in rs) for rs in readings]
        return not ({"не", "быть"} & set(words)) and (nouns[0] and verbs[1] or verbs[0] and nouns[1])

    def __len__(self) -> int:
        return len(self.entries)


_KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_MIN_STEM = 4  # shorter stems would match unrelated words
_MAX_ENDING = 6  # Kazakh stacks endings: «резервуарларды» is «резервуар» + «лар» + «ды»


def _not_reflexive(lemma: str) -> str:
    """A reflexive verb's lemma as its plain verb («отключиться» → «отключить»); any other lemma as it is."""
    return lemma[:-2] if len(lemma) > 5 and lemma.endswith(("ться", "тись", "чься")) else lemma


def _foreign(word: str) -> bool:
    """Latin letters, or a Kazakh letter Russian lacks."""
    return word.isascii() and word.isalpha() or bool(_KAZAKH_LETTERS & set(word))


def _strip_brackets(text: str) -> str:
    """«топливораздаточная колонка (ТРК)» → both the words and the abbreviation, minus punctuation."""
    return text.replace("(", " ").replace(")", " ").replace("/", " ")
