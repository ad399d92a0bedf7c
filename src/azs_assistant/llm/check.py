"""Checks a generated answer against the passages it cites, before anyone sees it.

- A citation must support the sentence that carries it: enough of the sentence's content words are
  in the cited passage. A citation that does not is removed.
- A block of text (a paragraph or a list) whose citations all went, or that never had one, is
  unsupported unless it is a short connective line without figures («Сделайте следующее:»).
- Every number in the answer (sums, phones, minutes, percentages) must appear in a passage the
  block cites: a model that invents «через 25 минут» is caught here.
- The reply must keep the meaning of the extractive answer it rewrites (:func:`meaning_problems`): a
  rule quoted with «не», «запрещается» or «только» keeps a negation or restriction, a procedure
  keeps all its steps, and a question about a number keeps the number.

The caller falls back to the extractive answer when the verdict is not ``ok``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from azs_assistant.language.analyzer import Analyzer

_CITE = re.compile(r"\s*\[(\d{1,2})\]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_ENUM = re.compile(r"^\s*(?:\d{1,2}[.)]|[—–\-•*])\s+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+(?=\S)")
# words that join steps rather than state facts; they are not looked for in the passage
_DISCOURSE = frozenset("затем потом сначала далее после также необходимо нужно следует сразу обязательно "
                       "сделать делать ответ вопрос фрагмент".split())
MIN_SUPPORT = 0.34  # share of a sentence's content words that the cited passages hold
CONNECTIVE_WORDS = 8  # an uncited line this short and without figures is connective text


@dataclass
class Verdict:
    ok: bool
    text: str  # the answer with unsupported citations removed
    used: list[int] = field(default_factory=list)  # fragment numbers still cited (1-based)
    problems: list[str] = field(default_factory=list)  # what failed, then the citations removed


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".").rstrip(".") for n in _NUMBER.findall(text)}


class _Checker:
    def __init__(self, passages: Sequence[str], analyzer: Analyzer, lexical: bool) -> None:
        self.analyzer = analyzer
        self.lexical = lexical
        self.lemmas = [set(analyzer.lemmas(p)) for p in passages]
        self.numbers = [_numbers(p) for p in passages]
        self.problems: list[str] = []
        self.removed: list[str] = []  # citations taken out of the answer

    def supported(self, text: str, n: int) -> bool:
        return not self.lexical or _supports(text, self.lemmas[n - 1], self.numbers[n - 1], self.analyzer)

    def block(self, block: str) -> tuple[str, set[int]]:
        """One paragraph or list: its text with only supporting citations, and the citations kept."""
        cited: set[int] = set()
        pending: list[str] = []  # sentences without a citation yet: the next citation in the block covers them
        lines = []
        for line in block.split("\n"):
            sentences = []
            for piece in _SENTENCE.split(line):
                clauses = []
                for clause in _clauses(piece):
                    clauses.append(self.clause(clause, cited, pending))
                sentences.append("".join(clauses).strip())
            lines.append(" ".join(s for s in sentences if s))
        text = _CITE.sub("", "\n".join(_ENUM.sub("", ln) for ln in lines))
        allowed: set[str] = set()
        for n in cited:
            allowed |= self.numbers[n - 1]
        stray = _numbers(text) - allowed
        if stray:
            self.problems.append("числа нет в цитируемых фрагментах: " + ", ".join(sorted(stray)))
        if not cited and (len(text.split()) > CONNECTIVE_WORDS or _numbers(text)):
            self.problems.append(f"утверждение без подтверждения: «{text.strip()[:80]}»")
        elif pending and self.lexical and len(pending[-1].split()) > CONNECTIVE_WORDS:
            self.problems.append(f"утверждение без ссылки: «{pending[-1][:80]}»")  # after the last citation
        return "\n".join(lines), cited

    def clause(self, clause: str, cited: set[int], pending: list[str]) -> str:
        cites = list(dict.fromkeys(int(n) for n in re.findall(r"\[(\d{1,2})\]", clause)))
        body = _ENUM.sub("", _CITE.sub("", clause)).strip()
        keep = []
        for n in cites:
            if not 1 <= n <= len(self.lemmas):
                self.removed.append(f"ссылка [{n}] на несуществующий фрагмент")
            elif not self.supported(body, n):
                self.removed.append(f"фрагмент [{n}] не подтверждает: «{body[:80]}»")
            else:
                keep.append(n)
        if cites and not keep and (len(body.split()) > 3 or _numbers(body)):
            self.problems.append(f"утверждение без подтверждения: «{body[:80]}»")
        if keep:
            cited.update(keep)
            for earlier in pending:  # the citation covers the uncited sentences before it
                if len(earlier.split()) > CONNECTIVE_WORDS and not any(self.supported(earlier, n) for n in keep):
                    self.problems.append(f"фрагмент не подтверждает: «{earlier[:80]}»")
            pending.clear()
        elif body:
            pending.append(body)
        return clause if keep == cites else _recite(clause, keep)


def check_answer(text: str, passages: Sequence[str], analyzer: Analyzer, *, lexical: bool = True) -> Verdict:
    """``passages[i]`` is fragment ``i + 1``. ``lexical=False`` skips the word check (an answer in
    another language than the passages) and keeps the number check."""
    checker = _Checker(passages, analyzer, lexical)
    blocks, used = [], set()
    for block in re.split(r"\n\s*\n", text.strip()):
        out, cited = checker.block(block)
        blocks.append(out)
        used |= cited
    ok = not checker.problems and bool(used)
    return Verdict(ok, "\n\n".join(blocks), sorted(used), checker.problems + checker.removed)


def _recite(sentence: str, keep: list[int]) -> str:
    """The sentence with only the kept citations, placed before its closing punctuation."""
    bare = _CITE.sub("", sentence).rstrip()
    marks = "".join(f"[{n}]" for n in keep)
    if not marks:
        return bare
    end = len(bare.rstrip(".!?;:"))
    return f"{bare[:end]} {marks}{bare[end:]}"


_CLAUSE_END = re.compile(r"(?:\s*\[\d{1,2}\])+")


def _clauses(sentence: str) -> list[str]:
    """«Нажмите СТОП [1], затем вызовите сервис [2].» → two clauses, each checked against its own
    citation. Spaces stay with the pieces, so joining them gives the sentence back."""
    out, start = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        if sentence[m.end():].strip(" .,;:!?"):
            out.append(sentence[start:m.end()])
            start = m.end()
    out.append(sentence[start:])
    return [c for c in out if c]


def _supports(sentence: str, lemmas: set[str], numbers: set[str], analyzer: Analyzer) -> bool:
    """Enough of the sentence's content words are in the passage (a word of the same root counts:
    «сервис» and «сервисная», the first five letters)."""
    words = set(analyzer.lemmas(sentence)) - _DISCOURSE
    if not words:
        return True  # a bare list marker or an empty piece
    prefixes = {w[:5] for w in lemmas if len(w) >= 5}
    found = sum(1 for w in words if w in lemmas or (len(w) >= 5 and w[:5] in prefixes))
    if len(words) <= 3:  # a short clause («затем вызовите сервис»): one shared content word will do
        return found >= 1
    shared = found / len(words)
    return shared >= MIN_SUPPORT or bool(_numbers(sentence) and _numbers(sentence) <= numbers and shared >= 0.2)


# Words that carry a rule's polarity or restriction, by the reply's language.
_POLARITY = {
    "ru": re.compile(r"(?<!\w)(?:не|нельзя|запрещ\w*|запрет\w*|недопуст\w*|только|исключительно|без|никогда|ни)(?!\w)",
                     re.IGNORECASE),
    "en": re.compile(r"\b(?:not|no|never|don't|do not|must not|mustn't|forbidden|prohibited|only|without|"
                     r"cannot|can't)\b", re.IGNORECASE),
    # Kazakh negates verbs with -ма/-ме/-ба/-бе/-па/-пе before the ending: «шекпеңіз», «жасамайды»
    "kk": re.compile(r"(?:тыйым|болмайды|болмайтын|емес|жоқ|рұқсат етілмейді|тек|"
                     r"\w+(?:ма|ме|ба|бе|па|пе)(?:ңыз|ңіз|ңдар|ңдер|йды|йді|ды|ді)\b)", re.IGNORECASE),
}
# What makes a quote a rule with a polarity: a prohibition, a restriction, «не» before an infinitive or an
# imperative («не запускать», «не курите»); not a «не» that describes the situation («не отстреливает»).
_RULE = re.compile(r"(?<!\w)(?:запрещ\w*|запрет\w*|нельзя|недопуст\w*|только|исключительно|"
                   r"не\s+(?:допуска|разреша|следует|должн)\w*|не\s+\w+(?:ть|ться|йте|ите|ьте)(?!\w))", re.IGNORECASE)
_STEP = re.compile(r"^\s*(?:\d{1,2}[.)]|[—–\-•*])\s+\S", re.MULTILINE)


def cited_part(extractive: str, reply: str) -> str:
    """The part of the extractive answer the reply builds on: the quoted passages whose numbers it cites
    (a passage is the text up to its «[n]»). The extractive answer quotes the answering passage whole and
    may add a supporting one; a reply that leaves out a passage it does not cite has not lost its «не» or
    its steps, it judged it beside the point. A reply citing none of them is held to all of them."""
    cited = set(_CITE.findall(reply))
    kept = [m.group(0) for m in re.finditer(r".*?\[(\d{1,2})\]", extractive, re.S) if m.group(1) in cited]
    return "".join(kept) if kept else extractive


def meaning_problems(reply: str, extractive: str, language: str = "ru", wants_number: bool = False,
                     procedural: bool = True) -> list[str]:
    """What the model's reply lost of the extractive answer's meaning: ``polarity`` (the quote says
    «не»/«запрещается»/«только» and the reply has no such word), ``steps`` (the quote is a list of
    steps and the reply has fewer), ``number`` (a question about a number, and none of the quote's
    numbers is in the reply)."""
    problems = []
    extractive = cited_part(extractive, reply)
    polarity = _POLARITY.get(language, _POLARITY["ru"])
    if _RULE.search(_CITE.sub("", extractive)) and not polarity.search(reply):
        problems.append("polarity")
    steps = len(_STEP.findall(extractive))
    if procedural and steps >= 2 and len(_STEP.findall(reply)) < steps:
        problems.append("steps")
    quoted = _numbers(_CITE.sub("", extractive))
    if wants_number and quoted and not (quoted & _numbers(_CITE.sub("", reply))):
        problems.append("number")
    return problems
