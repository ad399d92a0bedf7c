"""From a user's question to weighted index terms: lemmas, jargon expansion and typo correction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from azs_assistant.language.analyzer import (
    GENERIC_WORDS,
    INTENT_WORDS,
    RUSSIAN_STOPWORDS,
    STOPWORDS,
    Analyzer,
    Token,
    family,
    normalise,
)
from azs_assistant.language.jargon import JargonDictionary

_KAZAKH = frozenset("әғқңөұүһі")  # letters of Kazakh words only


@dataclass(slots=True)
class AnalyzedQuery:
    text: str
    tokens: list[Token]
    terms: dict[str, float]                 # lemma → weight for the lexical index
    key_terms: list[tuple[str, float]]      # content lemmas of the question itself, with importance
    unknown: set[str] = field(default_factory=set)  # lemmas neither the dictionary nor the index knows
    expansions: list[str] = field(default_factory=list)
    # the canonical lemmas of each jargon entry matched, together: one thing asked (the extractor counts the
    # best of them once, not each synonym a sentence lists)
    expansion_groups: list[tuple[str, ...]] = field(default_factory=list)
    corrections: dict[str, str] = field(default_factory=dict)
    jargon_matched: list[str] = field(default_factory=list)
    # each word of a jargon phrase the question holds → the phrase's canonical terms («датчик» in «датчиков
    # уровня» → «уровнемер»): what is asked of the phrase is said of its term
    phrase_terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # each key term that is slang → the canonical terms of its entry («наличка» → «наличный»…): a passage holding
    # the term holds what the slang asks, though it never uses the slang word itself
    jargon_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # how many words the question has besides Russian function words (its length as the answerability model was
    # fitted on it: the question words of Kazakh and English, left out of ``key_terms``, count here)
    length: int = 0

    dense_text: str = ""  # the question with slang replaced by canonical terms, for the dense model
    # the search's best and second-best fused scores (set by retrieval; the answerability model reads a
    # passage's score against them, whatever order a re-ranker then gives the passages)
    search_top: tuple[float, float] | None = None


    def foreign_share(self) -> float:
        """Share of the question's words in Latin letters or with Kazakh letters: a question in English or
        Kazakh over Russian documents has little lexical support, and the dense model carries it."""
        words = [t.surface for t in self.tokens if t.surface.isalpha()]
        if not words:
            return 0.0
        return sum(w.isascii() or bool(_KAZAKH & set(w)) for w in words) / len(words)

    def group_of(self) -> dict[str, int]:
        """Each grouped term → the first of :attr:`expansion_groups` that holds it (a term two entries share
        counts in the first one only)."""
        out: dict[str, int] = {}
        for n, group in enumerate(self.expansion_groups):
            for term in group:
                out.setdefault(term, n)
        return out


_POS_WEIGHT = {"NOUN": 1.0, "NUMB": 1.0, "LATN": 1.0, "ADJF": 0.7, "ADJS": 0.6, "VERB": 0.6, "INFN": 0.6,
               "PRTF": 0.5, "PRTS": 0.5, "GRND": 0.5, "ADVB": 0.3, "NUMR": 0.6}


class QueryAnalyzer:
    """Needs the analyser, the current jargon dictionary and the index vocabulary (for typos)."""

    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer

    def analyse(self, text: str, jargon: JargonDictionary, vocabulary: Vocabulary | None) -> AnalyzedQuery:
        tokens = self.analyzer.tokens(text)
        all_lemmas = [t.lemma for t in tokens]
        # Jargon matches on surfaces too: pymorphy3 lemmatises unknown slang unpredictably.
        groups, matched = jargon.expand_groups(all_lemmas)
        groups_s, matched_s = jargon.expand_groups([t.surface for t in tokens])
        phrase_terms: dict[str, tuple[str, ...]] = {}
        pairs = [*zip(matched, groups, strict=True), *zip(matched_s, groups_s, strict=True)]
        slang = {word: canon for key, canon in pairs for word in key}
        # «не істеу керек», «what to do», «скока»: question words, not what the question is about
        asking = jargon.asking_words(all_lemmas) | jargon.asking_words([t.surface for t in tokens])
        for key, canon in zip(matched, groups, strict=True):
            # a word the question has once (in the phrase, not elsewhere), not a stop word («в» in «минус в кассе»)
            for word in key if len(key) > 1 else ():
                if all_lemmas.count(word) == 1 and word not in STOPWORDS:
                    phrase_terms[word] = (*phrase_terms.get(word, ()), *canon)
        groups += [g for g in groups_s if g not in groups]
        added = list(dict.fromkeys(c for group in groups for c in group))
        matched += matched_s
        matched_words = {w for key in matched for w in key}
        matched_words |= {t.surface for t in tokens if jargon.knows_form(t.surface)}
        terms: dict[str, float] = {}
        key_terms: list[tuple[str, float]] = []
        corrections: dict[str, str] = {}
        unknown: set[str] = set()
        leave = on_leave(tokens, text)
        jargon_of: dict[str, tuple[str, ...]] = {}
        length = len({t.lemma for t in tokens if t.lemma not in RUSSIAN_STOPWORDS and t.surface not in RUSSIAN_STOPWORDS
                      and (len(t.lemma) >= 2 or t.lemma.isdigit()) and t.lemma not in INTENT_WORDS})
        for tok in tokens:
            if self.analyzer.is_stopword(tok) or len(tok.lemma) < 2 and not tok.lemma.isdigit():
                continue
            if tok.lemma in asking or tok.surface in asking:
                continue
            lemma = LEAVE if leave and tok.lemma == "отпуск" else tok.lemma
            weight = _POS_WEIGHT.get(tok.pos or "", 0.6)
            jargon_word = tok.lemma in matched_words or tok.surface in matched_words
            typo = False
            if vocabulary is not None and lemma not in vocabulary and not jargon_word:
                # A word the dictionary does not know is a typo or slang; a real word the knowledge
                # base lacks may still be a typo of one it has («касе» is a form of «каса») or another
                # reading of it («ночь», «ночью»): one letter struck for another, or one more or less at
                # the end. A letter more or less inside makes another real word as often as a typo
                # («пропало» is «пропасть», not «попасть»).
                fixed = (vocabulary.correct(tok.surface) or vocabulary.correct(lemma)) if not tok.known \
                    else vocabulary.correct(lemma, max_distance=1, min_df=2, inside=False)
                if fixed:
                    corrections[tok.surface] = fixed
                    lemma = fixed
                else:
                    typo = not tok.known or lemma in GENERIC_WORDS
            terms[lemma] = max(terms.get(lemma, 0.0), weight)
            if lemma in INTENT_WORDS:
                continue
            if typo:
                unknown.add(lemma)
            # A number in a question is usually the situation («опаздывает на 40 минут»), not a fact the
            # passage must repeat: half weight in the evidence check, full weight in ranking.
            key_terms.append((lemma, 0.5 if jargon_word or tok.pos == "NUMB" else weight))
            if jargon_word and (canon := slang.get(tok.lemma) or slang.get(tok.surface)
                                or jargon.canonical_of(tok.surface) or jargon.canonical_of(tok.lemma)):
                jargon_of[lemma] = tuple(c for c in canon if c not in STOPWORDS)
        for lemma in added:
            if lemma not in STOPWORDS:
                terms[lemma] = max(terms.get(lemma, 0.0), 0.8)
        for lemma, weight in list(terms.items()):  # «запрещено» finds the rule's «запрещается»
            for other in family(lemma):
                terms.setdefault(other, weight)
        # a word the asker typed besides the slang («дизельное топливо, солярка») keeps its own weight: only the
        # slang and what the dictionary adds for it are one thing asked
        typed = {t.lemma for t in tokens if t.lemma not in matched_words and t.surface not in matched_words}
        # The dense model sees the question with slang replaced (not appended: its cost grows with
        # every token), and the normalised text, since token offsets refer to it.
        dense = jargon.rewrite(normalise(text), tokens) if matched else text
        return AnalyzedQuery(text, tokens, terms, key_terms, unknown, expansions=added, corrections=corrections,
                             expansion_groups=[tuple(c for c in g if c not in STOPWORDS and c not in typed)
                                               for g in groups],
                             jargon_matched=[" ".join(k) for k in matched], phrase_terms=phrase_terms,
                             dense_text=dense, jargon_of=jargon_of, length=length)


# «уйти в отпуск», «заявление на отпуск»: a person's leave, which the knowledge base does not hold, not «отпуск
# топлива» (dispensing), which every procedure names; the word is searched for as a term no passage has
LEAVE = "отпуск_работника"
_LEAVE_CONTEXT = re.compile(r"\b(?:в|во|на|из)\s+отпуск\w*|\bотпуск\w*\s+по\s+(?:уход|болезн|беремен)|"
                            r"\b(?:ежегодн|очередн|декретн|учебн|оплачиваем|неоплачиваем|административн)\w*\s+отпуск|"
                            r"\bотпускн(?:ые|ых)\b", re.IGNORECASE)
_FUEL_CONTEXT = re.compile(r"топлив|бензин|дизел|\bдт\b|\bаи\b|газ|суг|нефтепродукт|\bтрк\b|колонк|литр",
                           re.IGNORECASE)


def on_leave(tokens: list[Token], text: str) -> bool:
    """The question's «отпуск» is a person's leave: said so («в отпуск», «отпуск по уходу», «ежегодный отпуск»)
    and no fuel named."""
    return any(t.lemma == "отпуск" for t in tokens) and bool(_LEAVE_CONTEXT.search(text)) \
        and not _FUEL_CONTEXT.search(text)


class Vocabulary:
    """The index's lemma vocabulary with document frequencies, and typo correction against it."""

    def __init__(self, df: dict[str, int]) -> None:
        self.df = df
        self._by_len: dict[int, list[str]] = {}
        for word in df:
            if word.isalpha() and len(word) >= 4:
                self._by_len.setdefault(len(word), []).append(word)

    def __contains__(self, lemma: str) -> bool:
        return lemma in self.df

    def correct(self, word: str, max_distance: int = 2, min_df: int = 1, inside: bool = True) -> str | None:
        """The most frequent vocabulary lemma within edit distance 1 (2 for longer words), if any; without
        ``inside``, a letter more or less only at the end (the same length otherwise)."""
        if len(word) < 4 or not word.isalpha():
            return None
        from rapidfuzz.distance import Levenshtein

        limit = min(1 if len(word) < 5 else 2, max_distance)
        best: tuple[int, int, str] | None = None
        for length in range(len(word) - limit, len(word) + limit + 1):
            for cand in self._by_len.get(length, ()):
                if not inside and length != len(word) and not (cand.startswith(word) or word.startswith(cand)):
                    continue
                d = Levenshtein.distance(word, cand, score_cutoff=limit)
                if d <= limit and self.df[cand] >= min_df and (cand[0] == word[0] or d == 1 and len(word) >= 6):
                    key = (d, -self.df[cand], cand)
                    if best is None or key < best:
                        best = key
        return best[2] if best else None
