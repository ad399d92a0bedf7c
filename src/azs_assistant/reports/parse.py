"""Plain-Russian manager questions → ``ReportQuery``, without a language model.

The parser reads what a question says — metric, grouping, filters, period — with Russian morphology
for category words (any case form), the incident log's own station ids and regions (so «азс 12»,
«станция №12» and «АЗС-012» are one station), and a category phrase book kept as data. When a
question asks for something it cannot tell (which grouping? what to average?) it says what it
understood and asks to refine instead of guessing a number. Every word the patterns that decided the
query did not read, and that is not filler, is named in the answer («не понял: …»), so no part of a
question is dropped silently.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from dateutil.relativedelta import relativedelta

from azs_assistant.errors import InvalidInput
from azs_assistant.incidents.records import station_number
from azs_assistant.language.analyzer import STOPWORDS, Analyzer, normalise
from azs_assistant.reports.periods import NUMBER_WORDS, Period, find_periods
from azs_assistant.reports.phrasebook import KK_ENDING, Phrasebook, built_in, is_form_of
from azs_assistant.reports.query import NIGHT_HOURS, ReportQuery

_KK_ENDING = re.compile(KK_ENDING)

WEEKDAY_WORDS = [("понедельн", 0), ("вторник", 1), ("сред", 2), ("четверг", 3), ("пятниц", 4), ("суббот", 5),
                 ("воскресен", 6)]
DAY_PARTS = {"ночь": (NIGHT_HOURS, "ночь = 23:00–06:00"), "утро": (list(range(6, 12)), "утро = 06:00–12:00"),
             "день": (list(range(12, 18)), "день = 12:00–18:00"), "вечер": (list(range(18, 23)), "вечер = 18:00–23:00")}
GROUP_WORDS = [  # (pattern after «какой/какая/в каком…» or «по …», grouping)
    (r"(?:азс|станц\w*|заправ\w*|точ[ек]\w*)", "station"),
    (r"(?:регион\w*|област\w*|город\w*|филиал\w*)", "region"),
    (r"(?:категори\w*|тип\w*|вид\w*|класс\w*)", "category"),
    (r"(?:оборудовани\w*|агрегат\w*|узл\w*|устройств\w*)", "equipment"),
    (r"(?:д(?:ень|ня|ням|ни)\s+недел\w*|дн\w+ недели)", "weekday"),
    (r"(?:месяц\w*|помесячн\w*)", "month"),
    (r"(?:недел(?:я|и|е|ю|ям|ях|ями)|понедельн(?:о|ая|ой|ые|ых)\b|еженедельн\w*)", "week"),
    (r"(?:квартал\w*|поквартальн\w*)", "quarter"),
    (r"(?:час\w*|время суток|времени суток)", "hour"),
    (r"(?:год\w*|погодично)", "year"),
    (r"(?:серь[её]зност\w*|критичност\w*|тяжест\w*|уровн\w* серь[её]зност\w*|severity)", "severity"),
]


# A station said by its ordinal, as in a chat: «на пятой», «второй заправке», «12-я заправка», «на 11-й», «на 7ке»,
# «5-ка». Without a station noun only after «на» / «по» and not before a word of time («на второй неделе»).
ORDINAL_WORDS = [("перв", 1), ("втор", 2), ("трет", 3), ("четверт", 4), ("пят", 5), ("шест", 6), ("седьм", 7),
                 ("восьм", 8), ("девят", 9), ("десят", 10), ("одиннадцат", 11), ("двенадцат", 12)]
_ORD_WORD = r"(?P<word>(?:перв|втор|трет|четверт|пят|шест|седьм|восьм|девят|десят|одиннадцат|двенадцат)(?:ая|ой|ую|ей|ья|ьей|ью))"
_ORD_DIGITS = r"(?P<digits>\d{1,3})\s*-?\s*(?:я|й|ая|ой|ую|ей|ка|ке|ку|кой|ки)"
_NOT_TIME = r"(?!\s+(?:недел|квартал|полугод|смен|половин|декад|час|минут|год|месяц|раз|мест|строк|категори))"
ORDINAL_STATIONS = [rf"(?<![\w-])(?:{_ORD_WORD}|{_ORD_DIGITS})\s+(?:азс|заправк\w*|станци\w*|точк\w*)\b",
                    rf"\b(?:на|по)\s+(?:{_ORD_WORD}|{_ORD_DIGITS})(?![\w-]){_NOT_TIME}",
                    r"(?<![\w-])(?P<digits>\d{1,3})\s*-?\s*к[аеуи](?![\w-])"]

COLLECTIVE_NUMBERS = {"двойк": 2, "тройк": 3, "четверк": 4, "пятерк": 5, "десятк": 10}  # «пятёрка худших АЗС»
EACH = r"(?:по|на|для|у)\s+(?:кажд\w+|всем|всех|отдельн\w+)"  # «по каждой АЗС», «по всем АЗС»: a table per station
RANKED_BY_NOUN = ("station", "region", "category", "weekday", "month", "quarter")
CALENDAR_GROUPS = ("year", "quarter", "month", "week")  # what «динамика» is shown by (a month when not said)
DYNAMICS = r"\bдинамик\w*|\bв динамике\b|\bтренд\w*"
# «сравни Алматы и Астану», «АЗС-1 vs АЗС-2»: two or more named places or categories set side by side, not two years
COMPARE_ITEMS = r"сравни\w*|сравнени\w*|сопостав\w*|\bvs\.?(?!\w)|\bпротив\b"

# Words the parser reads by its own patterns, though the Russian dictionary does not know them.
PARSER_WORDS = frozenset("азс жқс ккм ккт трк пос скольк сколко скока склько қанша неше саны рет жыл жылы жылғы "
                         "болды кол sev severity топ".split())
MONTH_STEMS = ("янв", "фев", "мар", "апр", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
HOW_MANY = (r"\bсколько|\bскольк\w*|\bскок[ао]\b|\bсколко\b|\bсклько\b"  # as managers type it in a chat
            r"|\bhow many\b|\bnumber of\b|\bқанша\b|\bнеше\b|\bсаны\b")  # English, Kazakh
# Words that add nothing to what is counted: never named as not understood when no pattern read them.
FILLER = re.compile(
    r"инцидент\w*|случа\w*|происшеств\w*|событи\w*|был[аио]?|будет|есть|всего|всех|итого|вообще|вообщем|ну|ок|вот|"
    r"косяк\w*|проблем\w*|покаж\w*|показ\w*|скаж\w*|подскаж\w*|дай\w*|выдай\w*|посчитай\w*|посмотр\w*|глянь|нужн\w*|надо|хочу|"
    r"пожалуйста|пжл|плиз|плз|плс|мне|нам|нас|наш\w*|там|тут|штук\w*|именно|данн\w*|"
    r"зарег\w*|зафиксир\w*|брать|берем|взять|вместе|суммарно|сети|"
    r"колво|кол|во|числ\w*|количеств\w*|график\w*|диаграмм\w*|таблиц\w*|отч[её]т\w*|статистик\w*|"
    r"how|many|much|number|of|the|an?|at|in|on|for|by|with|to|from|show|me|what|which|was|were|is|are|there|"
    r"did|do|does|have|has|had|incidents?|cases?|total|please|all|count|give|tell|get|list|"
    r"қанша|неше|нешеу|саны|рет|болды|болған|бойынша|көрсет\w*|барлығы|оқиға\w*|жыл|жылы|жылғы|"
    r"та|те|да|де|ма|ме", re.IGNORECASE)
ADJECTIVE = r"(?:ые|ых|ый|ая|ое|ым|ыми|ого|ому|ой|ую|ие|их|ий|ое|им|ими)"  # endings of «серьёзные», «тяжёлых»…
# How a named category failed: «касса глючит», «колонки ломались» (read when a category was named; alone, «глюков»
# is not a category and stays named as not understood)
FAILING = (r"\b(?:глюч\w*|глючил\w*|лома\w*|слома\w*|барахл\w*|зависа\w*|завис\w*|сбоил\w*|отказыва\w*|отказал\w*|"
           r"не работа\w*|вырубал\w*|вырубил\w*|отруб\w*|пропада\w*)")
INCIDENT_WORDS = r"инцидент\w*|случа[йея]\w*|происшеств\w*|авари\w*|сбо[йея]\w*|нарушени\w*|проблем\w*|событи\w*"


# a station number's list goes on: «, 5», «и 2», «или 7», «and 2» (not a period or a count: «и 2 квартал»)
_MORE_STATIONS = re.compile(
    r"\s*(?:,|\bи\b|\bили\b|\band\b|\bor\b|&)\s*(?:№|#)?\s*(?!(?:19|20)\d\d\b)(\d{1,5})(?!\d)"
    r"(?!\s*(?:-?(?:й|я|е|го|ий|ый|ой)\b\s*)?(?:[а-яё]+(?:их|ых|ие|ые)\s+)?(?:год|г\.|кв|%|час|дн|день|недел|мес|мин"
    r"|инцидент|раз|шт|январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|jan|feb|mar|apr|may"
    r"|jun|jul|aug|sep|oct|nov|dec|week|month|day|year|hour|quarter|time))", re.IGNORECASE)


class ReportUnclear(InvalidInput):
    """The question could not be turned into a report without guessing; the message says what was
    understood and what to add."""

    code = "report_unclear"


@dataclass
class Vocabulary:
    """What the incident log holds, to resolve names in questions."""

    stations: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    max_severity: int | None = None


@dataclass
class CategorySpec:
    code: str
    name: str
    phrases: list[tuple[frozenset[str], ...]]  # per word: every lemma it may have
    names: dict[str, str] = field(default_factory=dict)  # the name in the web UI's other languages

    def name_in(self, lang: str) -> str:
        return self.names.get(lang) or self.name


def load_categories(analyzer: Analyzer, override: Path | None = None) -> dict[str, CategorySpec]:
    """The category phrase book: the built-in one, or the company's file when it exists."""
    if override is not None and override.exists():
        text = override.read_text(encoding="utf-8")
    else:
        text = resources.files("azs_assistant.reports").joinpath("data/categories.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    specs = {}
    for code, spec in (data.get("categories") or {}).items():
        phrases = [tuple(frozenset(analyzer.lemma_variants(t.surface)) for t in analyzer.tokens(str(p)))
                   for p in spec.get("phrases") or []]
        specs[str(code)] = CategorySpec(str(code), str(spec.get("name") or code), [p for p in phrases if p],
                                        {str(k): str(v) for k, v in (spec.get("names") or {}).items()})
    return specs


# The spans of the question that the patterns deciding the query read, while a question is parsed.
_READ: ContextVar[list[tuple[int, int]] | None] = ContextVar("report_words_read", default=None)
YOY = (r"по сравнению|в сравнении|сравни|относительно|год к году|год-к-году|г/г|\byoy\b|\bvs\.?(?!\w)|\bпротив\b|"
       r"чем (?:в|за) (?:прошл|предыдущ|аналогичн)|изменил\w*|рост\w*|снизил\w*|сократил\w*|вырос\w*|увеличил\w*|"
       r"уменьшил\w*|стал[оаи]? (?:больше|меньше)|больше или меньше|меньше или больше")
# the period a comparison is made against: «чем в прошлом году», «vs в прошлом», «по сравнению с 2025»
COMPARED_TO = r"(?:чем|vs\.?|против|по сравнению с|в сравнении с|относительно|\bк)\s+(?:(?:в|за|с)\s+)?"
TOP = (r"лидир\w*|\bлидер\w*|впереди|на первом месте|\bмаксимум\w*|\bминимум\w*|\bперв(?:ые|ых)\s+(?:\d+|[а-я]+)\s|"
       r"\b(?:двойк|тройк|четверк|пятерк|десятк)\w*|больше всего|больше всех|чаще всех|наибольш\w*|чаще всего|максимальн\w*|сам[аоы]\w* (?:проблемн|аварийн|част(?:ый|ая|ое|ые|ых|ым)\b|"
       r"больш)|\bтоп\b|топ[- ]?\d|первое место|меньше всего|наименьш\w*|реже всего|минимальн\w*|сам[аоы]\w* "
       r"(?:редк|спокойн)|больше других|чаще других|худш\w*|лучш\w*")
ASCENDING = r"\bминимум\w*|меньше всего|меньше всех|реже всех|наименьш\w*|реже всего|минимальн\w*|сам[аоы]\w* (?:редк|спокойн)|лучш\w*"
DURATION = r"\bmttr\b|в часах|\bвис(?:ит|ят|ели|ело)\b|чинил\w*|починил\w*|ремонтировал\w*|устраняли|врем\w*|длительн\w*|продолжительн\w*|устранени\w*|закрыти\w*|решени\w*|час\w*|скорост\w*|долго"


def _mark(*spans: tuple[int, int]) -> None:
    read = _READ.get()
    if read is not None:
        read.extend(spans)


def _has(pattern: str, text: str, record: bool = True) -> bool:
    """Whether the question says it; its words count as read unless ``record`` is off (a mere test)."""
    spans = [m.span() for m in re.finditer(pattern, text)]
    if record:
        _mark(*spans)
    return bool(spans)


def _search(pattern: str, text: str) -> re.Match[str] | None:
    """``re.search`` that marks what it found as read."""
    found = re.search(pattern, text)
    if found:
        _mark(found.span())
    return found


class QuestionParser:
    def __init__(self, analyzer: Analyzer, categories: dict[str, CategorySpec],
                 phrasebook: Phrasebook | None = None) -> None:
        self.analyzer = analyzer
        self.categories = categories
        self.phrasebook = phrasebook or built_in()

    # -- pieces -------------------------------------------------------------------------------
    def _categories(self, text: str, lemmas: list[str], vocab: Vocabulary) -> list[str]:
        codes = set(vocab.categories) | set(self.categories)
        literal = [c for c in sorted(codes) if _search(rf"(?<![a-z_]){re.escape(c.lower())}(?![a-z_])", text)]
        if literal:
            return literal
        found: list[str] = []
        used: set[int] = set()
        candidates = sorted(((len(p), spec.code, p) for spec in self.categories.values() for p in spec.phrases),
                            key=lambda c: (-c[0], c[1]))
        for length, code, phrase in candidates:
            for i in range(len(lemmas) - length + 1):
                if all(lemmas[i + j] in phrase[j] or is_form_of(lemmas[i + j], phrase[j]) for j in range(length)) \
                        and not used.intersection(range(i, i + length)):
                    used.update(range(i, i + length))
                    if code not in found:
                        found.append(code)
        return found

    @staticmethod
    def _stations(text: str, vocab: Vocabulary) -> list[str]:
        numbers = []
        for m in re.finditer(r"(?:азс|станци\w*|заправк\w*|ст\.|station)\s*(?:№|#|n|no\.?)?\s*-?\s*(\d{1,5})(?!\d)"
                             r"(?!\s*(?:год|г\.|кв))|(?<!\d)(\d{1,3})\s*-\s*жқс", text):  # Kazakh: «5-ЖҚС»
            number = m.group(1) or m.group(2)
            if len(number) == 4 and number.startswith("20"):
                continue
            _mark(m.span())
            numbers.append(int(number))
            end = m.end()
            # «азс 1 и 2», «станции 3, 5 и 7», «stations 1 and 2»: the numbers that go on the list
            while more := _MORE_STATIONS.match(text, end):
                _mark(more.span())
                numbers.append(int(more.group(1)))
                end = more.end()
        ordinals = (m for pattern in ORDINAL_STATIONS for m in re.finditer(pattern, text))
        for m in ordinals:  # «на пятой», «12-я заправка», «на 7ке», «второй АЗС»
            word = m.groupdict().get("digits") or m.group("word")
            number = int(word) if word.isdigit() else next(n for stem, n in ORDINAL_WORDS if word.startswith(stem))
            if number in numbers or not 0 < number < 1000:
                continue
            _mark(m.span())
            numbers.append(number)
        stations: list[str] = []
        for n in numbers:
            match = [s for s in vocab.stations if station_number(s) == n]
            if not match:
                raise ReportUnclear(f"Станции №{n} нет в журнале инцидентов. Проверьте номер АЗС.",
                                    f"Station {n} is not in the incident log. Check the station number.",
                                    message_kk=f"№{n} ЖҚС оқиғалар журналында жоқ. ЖҚС нөмірін тексеріңіз.")
            stations.extend(m for m in match if m not in stations)
        return stations

    @staticmethod
    def _regions(text: str, vocab: Vocabulary) -> list[str]:
        words = list(re.finditer(r"[а-яa-zәғқңөұүһі-]+", text))
        found = []
        for region in vocab.regions:
            key = normalise(region)
            stem = key if len(key) <= 5 else key[:max(5, len(key) - 2)]
            named = [w.span() for w in words if w.group(0) == key or (w.group(0).startswith(stem) and (
                len(w.group(0)) - len(key) <= 3 or _KK_ENDING.fullmatch(w.group(0)[len(key):])))]
            if named:
                _mark(*named)
                found.append(region)
        return found

    @staticmethod
    def _severity(text: str, vocab: Vocabulary, notes: list[str]) -> tuple[int | None, int | None]:
        m = _search(r"(?:severity|sev|серь[её]зн\w*|критичност\w*|тяжест\w*|тяж[её]л\w*|важност\w*|уров[ен]\w*|"
                      r"приоритет\w*)\s*\(?\s*(не ниже|не выше|не менее|не более|от|до|>=|<=|≥|≤|>|<|=|:)?\s*([0-9]{1,2})(?!\d)"
                      r"(\s*\+|\s*(?:и|или)\s*(?:выше|более|старше|больше)|\s*(?:и|или)\s*(?:ниже|меньше|менее)"
                      r"|\s*(?:или|и|-|–|до)\s*([0-9]{1,2})(?!\d))?", text)
        if m:
            _has(r"серь[её]зн\w*|важн\w*|критичн\w*|тяж[её]л\w*|\b(?:низк|высок|повышенн)\w*(?=\s+(?:серь[её]зн|важн|"
                 r"критичн|тяж|уров|приоритет))", text)  # «серьёзных … уровень 3 и выше», «низкой серьёзности (1-2)»
            op, n, tail, upper = m.group(1) or "", int(m.group(2)), (m.group(3) or "").strip(), m.group(4)
            if upper:
                return min(n, int(upper)), max(n, int(upper))
            if tail in ("+",) or re.search(r"выше|более|старше|больше", tail) or op in ("не ниже", "не менее", "от",
                                                                                       ">=", "≥"):
                return n, None
            if op == ">":
                return n + 1, None
            if re.search(r"ниже|меньше|менее", tail) or op in ("не выше", "не более", "до", "<=", "≤"):
                return None, n
            if op == "<":
                return None, n - 1
            return n, n
        if _has(r"критическ\w*|критичн\w* (?:инцидент|случа|авари)", text) and vocab.max_severity:
            notes.append(f"критические = серьёзность {vocab.max_severity}")
            return vocab.max_severity, vocab.max_severity
        if _has(r"(?:высок\w*|повышенн\w*) (?:серь[её]зност|важност|критичност|тяжест|приоритет|уровн)\w*|"
                r"(?:серь[её]зност|важност|критичност|тяжест|приоритет)\w* (?:высок|повышенн)\w*|"
                rf"\b(?:серь[её]зн|тяж[её]л){ADJECTIVE}\b", text):
            notes.append("высокая серьёзность = 3 и выше")
            return 3, None
        if _has(r"(?:низк\w*|пониженн\w*|малой|небольш\w*) (?:серь[её]зност|важност|критичност|тяжест|приоритет|уровн)\w*|"
                r"(?:серь[её]зност|важност|критичност|тяжест|приоритет)\w* (?:низк|пониженн)\w*|"
                rf"\b(?:несерь[её]зн|нетяж[её]л|легк|лёгк){ADJECTIVE}\b", text):
            notes.append("низкая серьёзность = 1–2")
            return None, 2
        return None, None

    @staticmethod
    def _status(text: str) -> str | None:
        if _has(r"resolved_at\s*(?:пуст|null|не заполн)|\bне\s+(?:закрыт|устранен|решен|урегулирован)\w*|"
                r"\b(?:незакрыт|неустранен|нерешен|открыт|висящ|в работе|актуальн\w* инцидент)", text) or (
                not _has(r"средн\w*|медиан\w*|\bдо (?:закрыти|устранени|решени)", text, False)
                and _has(r"\bвис(?:ит|ят|ели|ело)\b", text)):  # «что висит», but «сколько в среднем висят до закрытия»
            return "open"
        if _has(r"\b(?:закрыт\w*|устраненн\w*|решенн\w*|урегулированн\w*)\b", text) and not _has(r"врем\w+ (?:устранени|закрыти|решени)", text.replace("только закрыт", ""), False):
            return "closed"
        return None

    @staticmethod
    def _hours(text: str, notes: list[str]) -> list[int]:
        m = re.search(r"с\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:час\w*\s*)?до\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:час|ч\b|утра|ночи)?",
                      text)
        if m and (m.group(2) or m.group(4) or _has(r"час|ночь|ночн|утр|вечер", text)):
            start, end = int(m.group(1)) % 24, int(m.group(3)) % 24
            hours = list(range(start, end)) if start < end else list(range(start, 24)) + list(range(0, end))
            if hours:
                _mark(m.span())
                notes.append(f"время: с {start:02d}:00 до {end:02d}:00")
                return hours
        for word, stems in (("ночь", r"ночь\w*|ночн\w*|ночам"), ("утро", r"утром|утренн\w*|по утрам"),
                            ("вечер", r"вечером|вечерн\w*|по вечерам"), ("день", r"дн[её]м|дневн\w*")):
            if _has(rf"\b(?:{stems})\b", text):
                hours, note = DAY_PARTS[word]
                notes.append(note)
                return list(hours)
        return []

    @staticmethod
    def _weekdays(text: str) -> list[int]:
        if _has(r"\bв (?:выходные|выходн\w+ дн\w*)|по выходным", text):
            return [5, 6]
        if _has(r"\bв будни|по будням|в рабочие дни", text):
            return [0, 1, 2, 3, 4]
        days: list[int] = []
        for m in re.finditer(r"\b(?:по|в|во)\s+(понедельн\w*|вторник\w*|сред\w*|четверг\w*|пятниц\w*|суббот\w*|воскресен\w*)",
                             text):
            word = m.group(1)
            if word.startswith("сред") and not re.fullmatch(r"сред(?:у|ам|а)", word):
                continue  # «в среднем» is not Wednesday
            days.extend(n for stem, n in WEEKDAY_WORDS if word.startswith(stem))
            _mark(m.span())
        return days

    @staticmethod
    def _over_hours(text: str) -> float | None:
        m = _search(r"(?:дольше|более|больше|свыше|позже|позднее|превыси\w*)\s+(?:чем\s+)?(?:через\s+)?(?:за\s+)?"
                      r"(\d+(?:[.,]\d+)?)\s*(час\w*|ч\b|сут\w*|дн\w*|день)", text)
        if not m:
            return None
        value = float(m.group(1).replace(",", "."))
        return value * 24 if m.group(2).startswith(("сут", "дн", "день")) else value

    @staticmethod
    def _group(text: str, record: bool = True) -> str | None:
        read = _READ.get() or []
        for pattern, group in GROUP_WORDS:
            asked = [m.span() for m in re.finditer(
                rf"\b(?:как\w*|где|на как\w*|в как\w*|у как\w*|назов\w*(?:\s+\S+)?|перечисл\w*|топ[- ]?\d*|\d{{1,3}}(?!\d)|"
                rf"{'|'.join(NUMBER_WORDS)})\s+{pattern}", text)]
            # «во 2 квартале», «3 месяца назад» read as a period already: no quarters or months ranked
            asked = [(a, b) for a, b in asked if not any(x <= a and b <= y for x, y in read)]
            if asked:
                if record:
                    _mark(*asked)
                return group
        return None

    @staticmethod
    def _group_noun(text: str) -> str | None:
        """What a ranking ranks when only its noun says it: «самая проблемная заправка», «регион с наибольшим
        числом…», «месяц с максимумом…» (a station followed by its number is a filter, not the ranked thing)."""
        read = _READ.get() or []
        for pattern, group in GROUP_WORDS:
            if group not in RANKED_BY_NOUN:
                continue
            for m in re.finditer(rf"\b{pattern}\b(?!\s*(?:№|#)?\s*-?\s*\d)", text):
                if not any(a < m.end() and m.start() < b for a, b in read):
                    _mark(m.span())
                    return group
        return None

    @staticmethod
    def _most_frequent(text: str, filters: dict[str, Any]) -> str | None:
        """What «самые частые …» ranks when it names no group: faults by their equipment («какие неисправности чаще
        всего в Алматы»), incidents by their kind («самые частые инциденты на АЗС-012»; not when a kind is named
        already). Only the noun the frequency is said of: «когда чаще всего случаются инциденты» asks a time and
        «топ-3 по ночным происшествиям» a top of places."""
        faults = r"неисправност\w*|поломк\w*|неполадк\w*|отказ(?:ы|ов)\b"
        nouns = rf"(?:{faults}|инцидент\w*|случа(?:и|ев)\b|происшестви\w*|проблем\w*)"
        said = re.search(rf"\b(?:сам\w*|наиболее)\s+част\w*\s+({nouns})|\bкак\w*\s+({nouns})\s+(?:\w+\s+)?"
                         r"чаще\s+всего\b", text)
        if said is None:
            return None
        if re.fullmatch(faults, said[1] or said[2]):
            return "equipment"
        return None if filters.get("categories") else "category"

    @staticmethod
    def _group_by(text: str) -> str | None:
        for pattern, group in GROUP_WORDS:
            said = rf"\b(?:{EACH}|по|в разрезе|с разбивкой по|разбивк\w* по|распределени\w* по)\s+{pattern}\b"
            if _has(said, text, False) or \
                    (group in ("month", "quarter", "week") and _has(
                        {"month": r"помесячн\w*", "quarter": r"поквартальн\w*",
                         "week": r"понедельн(?:о|ая|ой|ые|ых)\b|еженедельн\w*"}[group], text)):
                if group == "station" and not _has(rf"{said}(?!\s*(?:№|#)?\s*-?\s*\d)", text):
                    continue  # «по АЗС-012», «по азс 1» name one station
                if group == "severity" and _has(r"по\s+(?:severity|серь[её]зност\w*|тяжест\w*|важност\w*)\s*"
                                                r"(?:\d|высок|повышенн)", text):
                    continue  # «по тяжести высокой» is a filter
                _has(said, text)
                return group
        return None

    @staticmethod
    def _compared_items(text: str, filters: dict[str, Any], periods: list[Period]) -> str | None:
        """The grouping a comparison of named things asks for: «сравни Алматы и Астану по отказам в 2025» sets
        two regions side by side (one row each), it does not compare 2025 with 2024. Two or more stations,
        regions or categories named, at most one period and no «чем в прошлом году» / «год к году»."""
        if not _has(COMPARE_ITEMS, text, False) or len(periods) > 1:
            return None
        if _has(r"год к году|год-к-году|г/г|\byoy\b|\bс\s+(?:прошл|предыдущ)\w*\s+год\w*|"
                + COMPARED_TO + r"(?:прошл|предыдущ|позапрошл|аналогичн)\w*", text, False):
            return None
        group = next((g for key, g in (("stations", "station"), ("regions", "region"), ("categories", "category"))
                      if len(filters.get(key) or []) >= 2), None)
        if group is not None:
            _has(COMPARE_ITEMS, text)
        return group

    @staticmethod
    def _top_n(text: str) -> int:
        words = "|".join(NUMBER_WORDS)
        m = _search(rf"топ[- ]?(\d+)|(\d+|{words})\s+(?:[а-я]+{ADJECTIVE}\s+){{0,2}}(?:азс|станц\w*|регион\w*|категори\w*|"
                      rf"вид\w*|тип\w*|заправ\w*|оборудован\w*)|({words})\s+(?:сам\w+\s+)?(?:месяц\w*|дн\w*|час\w*|квартал\w*)"
                      rf"|\b({'|'.join(COLLECTIVE_NUMBERS)})\w*", text)
        if not m:
            return 1
        raw = m.group(1) or m.group(2) or m.group(3) or m.group(4)
        if raw.isdigit():
            n = int(raw)
            return n if 1 <= n <= 100 else 1
        return NUMBER_WORDS.get(raw) or COLLECTIVE_NUMBERS.get(raw, 1)

    @staticmethod
    def _compared(text: str, periods: list[Period], today: date) -> tuple[Period | None, list[Period]]:
        """(the period looked at, the periods it is compared with) in a comparison with last year. A period said
        after «чем / vs / по сравнению с» is the one compared with: «больше, чем в прошлом году» looks at this
        year. Without a period, «год к году» is this year to date. A period still running ends today, so
        the year before is the same span («с 1 января по сегодня» against the same days of last year)."""
        tomorrow = datetime(today.year, today.month, today.day) + timedelta(days=1)
        against = [p for p in periods if re.search(rf"{COMPARED_TO}$", text[:p.position])]
        looked = [p for p in periods if p not in against]
        if looked:
            current = looked[0]
        elif against:
            first = against[0]
            current = Period(first.start + relativedelta(years=1), first.end + relativedelta(years=1), first.position,
                             first.label)
        elif _has(r"год к году|год-к-году|г/г|\byoy\b|" + COMPARED_TO + r"(?:прошл|предыдущ|позапрошл)\w*", text, False):
            start = datetime(today.year, 1, 1)
            current = Period(start, tomorrow, 0, "с начала года")
        else:
            return None, []
        # «чем в прошлом году»; «vs в прошлом», «по сравнению с позапрошлым» said of a year only («в прошлом месяце
        # против позапрошлого» is not a comparison with last year: its word stays not understood)
        _has(COMPARED_TO + r"(?:прошл|предыдущ|позапрошл)\w*\s+год\w*", text)
        if current.start.month == current.start.day == 1 and (current.end - current.start).days > 300:
            _has(COMPARED_TO + r"(?:прошл|предыдущ|позапрошл)\w*", text)
        if current.end > tomorrow > current.start:
            current = Period(current.start, tomorrow, current.position, current.label, current.spans)
        return current, [p for p in periods if p is not current and p.start.year == current.start.year - 1]

    def _misspelt_categories(self, question: str, notes: list[str]) -> list[str]:
        """Categories named with a typo («праливов» for «проливов»): a word the dictionary does not
        know whose possible lemma is one letter away from a one-word phrase of the phrase book. The
        reading is said back («праливов» = «пролив»), so a wrong guess is seen."""
        from rapidfuzz.distance import Levenshtein

        words = {w: spec.code for spec in self.categories.values() for p in spec.phrases if len(p) == 1
                 for w in p[0] if len(w) >= 5}
        owners: dict[str, set[str]] = {}  # a word of a longer phrase that only one category uses names it too
        for spec in self.categories.values():
            for p in spec.phrases:
                for variants in p if len(p) > 1 else ():
                    for w in variants:
                        owners.setdefault(w, set()).add(spec.code)
        words.update({w: next(iter(c)) for w, c in owners.items() if len(c) == 1 and len(w) >= 8 and w not in words})
        found: list[str] = []
        for token in self.analyzer.tokens(question):
            if token.known or len(token.surface) < 5 or not token.surface.isalpha():
                continue
            for variant in sorted(self.analyzer.lemma_variants(token.surface)):
                limit = 2 if len(variant) >= 10 else 1
                near = [(w, c) for w, c in words.items() if Levenshtein.distance(variant, w, score_cutoff=limit) <= limit]
                if near:
                    word, code = min(near)
                    if code not in found:
                        found.append(code)
                        notes.append(f"«{token.surface}» понято как «{word}»")
                    break
        return found

    def _unread(self, text: str, read: list[tuple[int, int]], categories: list[str],
                corrected: set[str]) -> list[str]:
        """Words of the question that no part of the parser applied: outside every span a deciding pattern
        read, not a word of a named category's phrases, not a typo read as one, not filler. The answer
        names them («не понял: «глюков»»), so a condition is never dropped silently, whether the
        dictionary knows the word («тяжести», «простоя») or not."""
        phrase_words = {w for code in categories if code in self.categories
                        for p in self.categories[code].phrases for variants in p for w in variants}
        left: list[str] = []
        for m in re.finditer(r"[0-9a-zа-яёәғқңөұүһі]+", text):
            word = m.group(0)
            if any(a < m.end() and m.start() < b for a, b in read) or word in left or word in corrected:
                continue
            if word in STOPWORDS or word in PARSER_WORDS or FILLER.fullmatch(word) or (len(word) < 3
                                                                                    and not word.isdigit()):
                continue
            if not word.isdigit() and (self.analyzer.lemma_variants(word) & phrase_words or is_form_of(word, phrase_words)):
                continue
            left.append(word)
        return left

    # -- the whole question ---------------------------------------------------------------------
    def categories_in(self, text: str, vocab: Vocabulary) -> list[str]:
        """Incident categories a free text names («пролив у ТРК 2» → fuel_spill), by the phrase book."""
        folded = re.sub(r"\s+", " ", normalise(text).replace("—", "-"))
        return self._categories(folded, self.analyzer.lemmas(text, keep_stopwords=True), vocab)

    def parse(self, question: str, vocab: Vocabulary, today: date) -> ReportQuery:
        read: list[tuple[int, int]] = []
        token = _READ.set(read)
        try:
            return self._parse(question, vocab, today, read)
        finally:
            _READ.reset(token)

    def _parse(self, question: str, vocab: Vocabulary, today: date, read: list[tuple[int, int]]) -> ReportQuery:
        text = normalise(question).replace("—", "-")
        text = self.phrasebook.to_russian(re.sub(r"\s+", " ", text))  # kk/en phrases → the Russian ones read below
        lemmas = self.analyzer.lemmas(question, keep_stopwords=True)
        notes: list[str] = []

        filters: dict[str, Any] = {}
        if cats := self._categories(text, lemmas, vocab) or self._misspelt_categories(question, notes):
            filters["categories"] = cats
            _has(FAILING, text)  # «касса глючила»: how the named category failed
        if stations := self._stations(text, vocab):
            filters["stations"] = stations
        if regions := self._regions(text, vocab):
            filters["regions"] = regions
        smin, smax = self._severity(text, vocab, notes)
        if smin is not None:
            filters["severity_min"] = smin
        if smax is not None:
            filters["severity_max"] = smax
        if status := self._status(text):
            filters["status"] = status
        if hours := self._hours(text, notes):
            filters["hours"] = hours
        asks_weekday = _has(r"(?:как\w*|в как\w*) д(?:ень|ни|ням|ня) недел|по дням недели", text)
        if not asks_weekday and (days := self._weekdays(text)):
            filters["weekdays"] = days
        if (over := self._over_hours(text)) is not None:
            filters["resolved_over_hours"] = over
        periods = find_periods(text, today)
        compared = self._compared_items(text, filters, periods)
        yoy = compared is None and _has(YOY, text, False)
        all_time = _has(r"за весь период|за вс[её] время|за всю историю", text)
        period: Period | None = periods[0] if periods else None
        previous: list[Period] = []
        if yoy:
            period, previous = self._compared(text, periods, today)
        elif len(periods) > 1:  # «в этом году, с января по октябрь»: the narrower period refines the wider one
            inner = [p for p in periods if all(o.start <= p.start and p.end <= o.end for o in periods)]
            if inner:
                _mark(*(span for p in periods for span in p.spans))
                period = inner[0]
        if period is not None and not all_time:
            filters["date_from"], filters["date_to"] = period.start, period.end
            _mark(*period.spans)
            notes.append(f"период: {period.describe()}")
        if _has(r"категори\w+\s+[a-z_]{3,}", text) and "categories" not in filters:
            word = re.search(r"категори\w+\s+([a-z_]{3,})", text)
            raise ReportUnclear(
                f"Категории «{word.group(1) if word else ''}» нет в журнале. Есть: {', '.join(vocab.categories)}.",
                f"The log has no category «{word.group(1) if word else ''}». It has: {', '.join(vocab.categories)}.",
                message_kk=f"Журналда «{word.group(1) if word else ''}» санаты жоқ. Барлары: "
                           f"{', '.join(vocab.categories)}.")

        query: dict[str, Any] = {"notes": notes}
        # read now, marked as read below only when they decide the query
        top = _has(TOP, text, False)
        ascending, duration = _has(ASCENDING, text, False), _has(DURATION, text, False)

        if yoy and period is not None:
            query["metric"] = "yoy"
            query["yoy_as"] = ("change_pct" if _has(r"процент|%", text) else
                               "change" if _has(r"на сколько|насколько", text) else "object")
            _mark(*(span for p in previous for span in p.spans))
            assert period is not None
            span = Period(period.start - relativedelta(years=1), period.end - relativedelta(years=1), 0, "")
            notes.append(f"сравнение с тем же периодом прошлого года ({span.describe()})")
        elif _has(r"\bдол[яиюе]\b|процент\w*|какая часть|какую часть|\d+\s*%|в %|%", text):  # «% высокой серьёзности»
            _has(r"\bсреди\b|\bиз них\b", text)  # «доля серьёзных среди проливов»
            part_key = next((k for k in ("severity_min", "severity_max", "status", "resolved_over_hours", "hours",
                                         "weekdays", "categories", "stations", "regions") if k in filters), None)
            if part_key is None:
                raise ReportUnclear("Не понял, долю чего посчитать: назовите категорию, серьёзность, станцию или регион.",
                                    "Share of what? Name a category, a severity, a station or a region.",
                                    message_kk="Неның үлесін есептеу керегін түсінбедім: санатты, ауырлықты, "
                                               "ЖҚС-ты немесе аймақты атаңыз.", understood=filters)
            part: dict[str, Any] = {}
            for key in ("severity_min", "severity_max") if part_key.startswith("severity") else (part_key,):
                if key in filters:
                    part[key] = filters.pop(key)
            query["metric"], query["share_of"] = "share", part
        elif _has(r"медиан\w*", text):
            query["metric"] = "median_hours"
        elif _has(r"средн\w*|в среднем|\bmttr\b", text):
            if not duration:
                raise ReportUnclear("Понял «среднее», но не понял, чего: могу посчитать среднее время устранения "
                                    "инцидентов (в часах).",
                                    "Understood «average», but not of what: I can compute the mean time to resolve "
                                    "incidents (in hours).",
                                    message_kk="«Орташа» сөзін түсіндім, бірақ неның орташасы екенін түсінбедім: "
                                               "оқиғаларды жоюдың орташа уақытын (сағатпен) есептей аламын.")
            query["metric"] = "mean_hours"
        elif _has(r"сам[аоы]\w* (?:стар|ранн|давн|перв)|давн\w* всего|дольше всех|первы\w* по времени", text):
            query["metric"] = "oldest"
        elif _has(r"сам[аоы]\w* (?:нов|свеж|последн|поздн)|последн\w* (?:инцидент|случа|происшеств)|недавн\w*", text) and not top:
            query["metric"] = "newest"
        elif top:
            group = (compared or self._group(text) or self._group_by(text)
                     or ("station" if _has(r"\bгде\b", text) else None) or self._group_noun(text)
                     or self._most_frequent(text, filters))
            if group is None:
                raise ReportUnclear("Не понял, кого сравнивать: станции, регионы, категории, месяцы или дни недели? "
                                    "Например: «какая АЗС лидирует по проливам во 2 квартале 2026».",
                                    "Rank what: stations, regions, categories, months or weekdays? For example: "
                                    "«which station had the most spills in Q2 2026».",
                                    message_kk="Нені салыстыру керегін түсінбедім: ЖҚС-тарды, аймақтарды, санаттарды, "
                                               "айларды ма, әлде апта күндерін бе? Мысалы: «2026 жылғы 2-тоқсанда қай "
                                               "ЖҚС-та төгілу ең көп болды?»", understood=filters)
            query.update(metric="count", group_by=group, top=self._top_n(text), order="asc" if ascending else "desc")
        elif _has(r"\bсколько\s+каких\b|\bкаких\s+сколько\b|\bсколько\s+на\s+каких\b", text) and (
                group := self._group_by(text) or self._group_noun(text)):
            query.update(metric="count", group_by=group)  # «категории открытых, сколько каких»
        elif _has(r"перечисл\w*|список|спис\w+|выведи\w*|покажи\w* (?:все|список|инцидент)|назови\w* (?:все|номера|incident)|"
                  r"incident_id|какие (?:именно )?(?:инцидент|случа|происшеств)|все инцидент|\bномера\b", text) or (
                filters and not self._group(text, False) and _has(r"\bкакие\b", text)):
            query["metric"] = "list"
        elif group := self._group_by(text):
            query.update(metric="count", group_by=group)
        elif _has(DYNAMICS, text):  # «динамика проливов за 2026 год»: a month at a time unless said otherwise
            query.update(metric="count", group_by="month")
        elif _has(rf"{HOW_MANY}|\bчисл[оау]\b|количеств\w*|кол-в\w*|как часто", text) and (
                filters or _has(INCIDENT_WORDS, text)):
            query["metric"] = "count"
        elif _has(r"отч[её]т\w*|сводк\w*|обзор\w*|итог\w*|статистик\w*|что (?:было|случилось|произошло)", text) \
                and (filters or _has(r"отч[её]т|сводк", text)):
            query["metric"] = "summary"
        elif filters.get("status") == "open":
            query["metric"] = "list"  # «открытые по азс 1», «что висит открытым»: which ones, to work on them
        elif filters and not self._group(text, False):  # «какие АЗС без инцидентов» is not a count
            query["metric"] = "count"  # «азс 10 инциденты с 10 по 20 августа», «праливы за 90 дней»
            _has(INCIDENT_WORDS, text)
        else:
            raise ReportUnclear(
                "Не понял, какой отчёт нужен. Спросите, например: «сколько проливов было на АЗС-012 в октябре», "
                "«какая станция лидирует по сбоям касс во 2 квартале 2026», «среднее время устранения отказов "
                "оборудования в 2025 году».",
                "Could not understand which report you need. Ask, for example: «how many spills at АЗС-012 in "
                "October», «which station had the most till failures in Q2 2026», «mean time to resolve equipment "
                "failures in 2025».",
                message_kk="Қандай есеп керек екенін түсінбедім. Мысалы, былай сұраңыз: «қазан айында АЗС-012-де "
                           "қанша төгілу болды», «2026 жылғы 2-тоқсанда кассалық ақаулар қай ЖҚС-та ең көп болды», "
                           "«2025 жылы жабдық ақауларын жоюдың орташа уақыты».", understood=filters)

        if query.get("metric") in ("mean_hours", "median_hours") and (g := self._group_by(text)):
            query["group_by"] = g
            if top:
                query["top"], query["order"] = self._top_n(text), "asc" if ascending else "desc"
        if query.get("metric") in ("mean_hours", "median_hours") and top and "group_by" not in query \
                and (g := self._group(text)):
            query.update(group_by=g, top=self._top_n(text), order="asc" if ascending else "desc")
        if compared and query.get("metric") in ("count", "mean_hours", "median_hours") and "group_by" not in query:
            query["group_by"] = compared  # «сравни Алматы и Астану по отказам»: one row per named region
        query["filters"] = filters
        self._say_unread(query, text, read, notes)
        return ReportQuery.model_validate(query)

    def _say_unread(self, query: dict[str, Any], text: str, read: list[tuple[int, int]], notes: list[str]) -> None:
        """Mark the words of the tests that decided the query, then name what is left (after the typos read)."""
        for pattern, used in ((YOY, query["metric"] == "yoy"), (TOP, "top" in query),
                              (DYNAMICS, query.get("group_by") in CALENDAR_GROUPS),
                              (ASCENDING, query.get("order") == "asc"),
                              (DURATION, query["metric"] in ("mean_hours", "median_hours"))):
            if used:
                _has(pattern, text)
        corrected = {n.split("»")[0].lstrip("«") for n in notes if "понято как" in n}
        if unread := self._unread(text, read, query["filters"].get("categories", []), corrected):
            at = sum(1 for n in notes if "понято как" in n)
            notes.insert(at, "не понял: " + ", ".join(f"«{w}»" for w in unread) + " — это в ответе не учтено")
