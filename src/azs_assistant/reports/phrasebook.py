"""Kazakh and English report phrases → the Russian phrases the question parser reads.

Managers ask in three languages; the parser's patterns (periods, grouping, leaders, severity) are
written once, for Russian. Each phrase of a Kazakh or English question that names one of these is
rewritten into its Russian equivalent before parsing, so the same patterns apply it and the same
«не понял: …» rule names every word that none of them read (an untranslated word stays as typed).

The phrases are data (``reports/data/phrasebook.yaml``), like the categories: a company adds its own in
``<data dir>/report_phrases.yaml`` without code, and a bad entry stops loading with a ``PhrasebookError``
that names the file and the line. The grammar stays here: Kazakh is agglutinative, so a stem is matched
with its stacked endings («тоқсанда», «аймақтар», «ЖҚС-та») from one small list of endings
(``KK_ENDING``, written ``{KK}`` in the file), not form by form."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from azs_assistant.errors import ConfigError

log = logging.getLogger("azs.reports")

# plural, possessive, then case: «ақаулары» = ақау + лар + ы, «ЖҚС-та» = ЖҚС + та
KK_ENDING = (r"(?:-?(?:лар|лер|дар|дер|тар|тер)?(?:ы|і|сы|сі)?(?:н|ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|а|е|ны|ні|"
             r"ндағы|ндегі|дағы|дегі|тағы|тегі|ғы|гі|қы|кі|"
             r"ды|ді|ты|ті|да|де|та|те|нда|нде|дан|ден|тан|тен|нан|нен|мен|бен|пен)?)")
_E = KK_ENDING + r"(?![\wәғқңөұүһі])"
_ENDING_ONLY = re.compile(KK_ENDING + "|s|es")
_SOFTENED = {"қ": "ғ", "к": "г", "п": "б"}  # «ұрлық» + «ы» = «ұрлығы»
_ORD_EN = r"(?:st|nd|rd|th)?"
PLACEHOLDERS = {"{KK}": _E, "{ORD}": _ORD_EN}
BUILT_IN = "data/phrasebook.yaml"

# a Kazakh or English question: a letter Russian has not, or a Kazakh word spelt in letters Russian shares
# («Алматы мен Астананы 2025 жылы салыстыр» has neither «ә» nor «қ»)
_FOREIGN = re.compile(r"[a-zәғқңөұүһі]|(?<!\w)(?:мен|бен|пен|жыл\w*|салыстыр\w*|бойынша|биыл\w*|былтыр\w*|"
                      r"апта(?:да|сы|ның|ға|лар\w*)?|айлар\w*)(?!\w)")
_GROUP_REF = re.compile(r"\\(\d+)|\\g<(\d+)>")


class PhrasebookError(ConfigError):
    """A phrase book file has a bad entry: the message names the file, the line and what is wrong."""


class _LinedLoader(yaml.SafeLoader):
    """YAML whose lists and mappings remember the line they start on (for the error messages)."""


class _Lined(list):  # type: ignore[type-arg]
    line = 0


def _sequence(loader: _LinedLoader, node: yaml.SequenceNode) -> _Lined:
    items = _Lined(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    return items


def _mapping(loader: _LinedLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    out = loader.construct_mapping(node, deep=True)
    out["__lines__"] = {loader.construct_object(k, deep=True): k.start_mark.line + 1 for k, _ in node.value}
    return out


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass(frozen=True)
class Phrasebook:
    """Compiled rewrite rules, applied in order: region names, months, then the phrase rules."""

    rules: tuple[tuple[re.Pattern[str], str], ...]

    def to_russian(self, text: str) -> str:
        """The (lower-cased) question with its Kazakh and English report phrases in Russian; a Russian
        question comes back unchanged."""
        if not _FOREIGN.search(text):
            return text
        for pattern, russian in self.rules:
            text = pattern.sub(russian, text)
        return re.sub(r"\s+", " ", text).strip()


class _File:
    """One phrase book file being read: its name for the messages, and the checks of its entries."""

    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, line: int, ru: str, en: str, kk: str) -> PhrasebookError:
        return PhrasebookError(f"{self.name}, строка {line}: {ru}", f"{self.name}, line {line}: {en}",
                               message_kk=f"{self.name}, {line}-жол: {kk}", file=self.name, line=line)

    def rule(self, entry: Any, line: int) -> tuple[re.Pattern[str], str]:
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(x, str) for x in entry)):
            raise self.fail(line, "правило — пара строк [шаблон, замена по-русски]",
                            "a rule is a pair of strings [pattern, Russian replacement]",
                            "ереже — екі жолдан тұратын жұп [үлгі, орысша алмастыру]")
        source, russian = entry
        for placeholder, expansion in PLACEHOLDERS.items():
            source = source.replace(placeholder, expansion)
        try:
            pattern = re.compile(source)
        except re.error as exc:
            raise self.fail(line, f"шаблон «{entry[0]}» не разбирается: {exc}",
                            f"the pattern «{entry[0]}» is not a valid regular expression: {exc}",
                            f"«{entry[0]}» үлгісі дұрыс емес: {exc}") from None
        groups = [int(a or b) for a, b in _GROUP_REF.findall(russian)]
        if any(g > pattern.groups for g in groups):
            raise self.fail(line, f"замена «{russian}» ссылается на группу, которой нет в шаблоне",
                            f"the replacement «{russian}» refers to a group the pattern does not have",
                            f"«{russian}» алмастыруы үлгіде жоқ топқа сілтейді")
        return pattern, russian

    def rules(self, data: dict[str, Any]) -> list[tuple[re.Pattern[str], str]]:
        rewrites = data.get("rewrites") or {}
        line = data.get("__lines__", {}).get("rewrites", 1)
        if not isinstance(rewrites, dict):
            raise self.fail(line, "rewrites — именованные группы правил", "rewrites are named groups of rules",
                            "rewrites — ережелердің аталған топтары")
        out = []
        for group, entries in rewrites.items():
            if group == "__lines__":
                continue
            if not isinstance(entries, list):
                raise self.fail(rewrites["__lines__"].get(group, line), f"группа «{group}» — список правил",
                                f"the group «{group}» is a list of rules", f"«{group}» тобы — ережелер тізімі")
            out += [self.rule(entry, getattr(entry, "line", 0) or getattr(entries, "line", line)) for entry in entries]
        return out

    def regions(self, data: dict[str, Any]) -> dict[str, str]:
        regions = data.get("regions") or {}
        lines = regions.get("__lines__", {}) if isinstance(regions, dict) else {}
        out = {}
        for name, russian in (regions.items() if isinstance(regions, dict) else []):
            if name == "__lines__":
                continue
            if not (isinstance(name, str) and isinstance(russian, str) and name.strip() and russian.strip()):
                raise self.fail(lines.get(name, 0), f"регион «{name}» — строка: название по-русски",
                                f"the region «{name}» maps to its Russian name, a string",
                                f"«{name}» аймағына оның орысша атауы (жол) жазылады")
            out[name.lower()] = russian.lower()
        return out

    def months(self, data: dict[str, Any]) -> dict[str, list[str]]:
        months = data.get("months") or {}
        for lang in ("ru", "kk", "en"):
            names = months.get(lang)
            if not (isinstance(names, list) and len(names) == 12 and all(isinstance(n, str) for n in names)):
                raise self.fail(months.get("__lines__", {}).get(lang, data.get("__lines__", {}).get("months", 0)),
                                f"months.{lang} — двенадцать названий месяцев, с января",
                                f"months.{lang} lists the twelve month names, January first",
                                f"months.{lang} — қаңтардан бастап он екі ай атауы")
        return {lang: [str(n).lower() for n in months[lang]] for lang in ("ru", "kk", "en")}

    def read(self, text: str) -> dict[str, Any]:
        try:
            data = yaml.load(text, Loader=_LinedLoader)  # noqa: S506 - a SafeLoader with line numbers
        except yaml.YAMLError as exc:
            line = exc.problem_mark.line + 1 if getattr(exc, "problem_mark", None) else 0  # type: ignore[attr-defined]
            raise self.fail(line, "файл не разбирается как YAML", "the file is not valid YAML",
                            "файл YAML ретінде оқылмады") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise self.fail(1, "ожидались разделы rewrites, regions, months", "expected rewrites, regions, months",
                            "rewrites, regions, months бөлімдері күтілді")
        return data


def _month_rules(months: dict[str, list[str]]) -> list[tuple[str, str]]:
    """«March 2026», «2026 жылғы наурызда», «наурызда» → «март 2026», «март»."""
    en = [(rf"\b(?:in |for |during )?{name}(?: (20\d\d))?\b", rf" {ru} \1 ")
          for name, ru in zip(months["en"], months["ru"], strict=True)]
    kk_year = [(rf"\b(20\d\d)\s*(?:жыл|ж\.?)(?:ғы|дың|ы)?\s+{name}{_E}", rf" {ru} \1 ")
               for name, ru in zip(months["kk"], months["ru"], strict=True)]
    kk = [(rf"\b{name}{_E}", f" {ru} ") for name, ru in zip(months["kk"], months["ru"], strict=True)]
    return en + kk_year + kk


def load_phrasebook(company: Path | None = None) -> Phrasebook:
    """The built-in phrase book, with the company's file (when it exists) added: its region names join
    (or replace) the built-in ones, its rules run first. A bad entry raises ``PhrasebookError``. Read
    once per file version (reading and checking takes some 20 ms)."""
    if company is None or not company.exists():
        return built_in()
    return _load(company, company.stat().st_mtime_ns)


@cache
def _load(company: Path | None, _version: int = 0) -> Phrasebook:
    built = _File("phrasebook.yaml (built-in)")
    base = built.read(resources.files("azs_assistant.reports").joinpath(BUILT_IN).read_text(encoding="utf-8"))
    months, regions, rules = built.months(base), built.regions(base), built.rules(base)
    if company is not None and company.exists():
        own = _File(company.name)  # the message names the file, not the server's folders: a manager reads it
        try:
            data = own.read(company.read_text(encoding="utf-8"))
            regions = {**regions, **own.regions(data)}
            rules = own.rules(data) + rules
            if "months" in data:
                months = own.months(data)
        except PhrasebookError as bad:
            log.error("report phrase book %s: %s", company, bad.message_en)  # the admin's log has the path
            raise
    places = [(re.compile(rf"\b{re.escape(name)}{_E}"), f" {ru} ") for name, ru in regions.items()]
    return Phrasebook(tuple(places + [(re.compile(p), r) for p, r in _month_rules(months)] + rules))


def built_in() -> Phrasebook:
    """The built-in phrase book, read once."""
    return _load(None)


def to_russian(text: str) -> str:
    """``to_russian`` of the built-in phrase book."""
    return built_in().to_russian(text)


def is_form_of(word: str, stems: frozenset[str] | set[str]) -> bool:
    """Whether a Kazakh or English ``word`` is one of ``stems`` with endings: «төгілулер», «ақаулары»,
    «ұрлығы», «thefts». Russian words are left to the dictionary (their lemmas are compared)."""
    if not _FOREIGN.search(word):
        return False
    for stem in stems:
        for base in (stem, stem[:-1] + _SOFTENED[stem[-1]]) if stem and stem[-1] in _SOFTENED else (stem,):
            if len(base) >= 3 and word.startswith(base) and _ENDING_ONLY.fullmatch(word[len(base):]):
                return True
    return False
