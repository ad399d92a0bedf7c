"""The things a question names that its answer must be about: a region or city, a fuel grade, an error
code, a document or model number, a numbered station.

A near miss names a thing the knowledge base does not have beside a subject it does: «цена АИ-95 в
Шымкенте» against a price table without Шымкент, «ошибка E-99» against an error table that stops at
E-40, «график инкассации АЗС №3» against a schedule without station 3. Whatever else the passage holds,
it answers another question, so a passage (with its document's title, its heading and, for a table row,
the table's column headers) that lacks a thing of one of these kinds cannot answer
(:func:`missing`), and the assistant declines.

Only these typed things count, each normalised to one key however it is spelt: «92-й», «АИ92», «Аи-92»,
«AI-92», «девяносто второй» are one grade; «Костанае», «Костанайской области», «Qostanay», «Қостанай» one
region; «E07», «Е-07», «e-7» one code. The question is read strictly (a thing is typed only when it is
clearly named), the passage generously (any spelling of the thing, a city counts for its region), so a
missing thing is really missing. Words that are not typed (a person's name, the chain's name, a role,
equipment in general) stay soft signals of the calibrated model in ``answerable.py``. Equipment was tried
as a type (ТРК, ККМ, POS-терминал, генератор, огнетушитель… with every jargon word for them) and dropped:
on the tuning part of the blind set it caught one more near miss and declined three more answerable
questions (on validation three, none caught), since equipment is the setting of a question more often
than the thing asked («сколько раз подряд оператор может сбросить ошибку ТРК»). A model's name with its
number («Алтай-2М») is a code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

_LATIN_TO_CYRILLIC = str.maketrans({"a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м",
                                    "o": "о", "p": "р", "t": "т", "x": "х", "y": "у"})


@dataclass(frozen=True)
class Entity:
    kind: str  # region | fuel | code (an error's, a model's) | document (a document's number) | station
    key: str  # the normalised thing: «костанай», «аи92», «е7», «азс3»
    surface: str  # as the question wrote it

    def __str__(self) -> str:
        return f"{self.kind}:{self.key} («{self.surface}»)"


def _low(text: str) -> str:
    return text.lower().replace("ё", "е")


# --- regions and cities -------------------------------------------------------------------------
# key, the stems that name it (Russian in its cases, Kazakh, English), the region a city lies in. A
# stem matches at the start of a word; «=» marks a whole word.
_PLACES: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    ("павлодар", ("павлодар", "pavlodar"), None),
    ("костанай", ("костана", "қостана", "кустана", "kostana", "qostana"), None),
    ("актобе", ("актоб", "ақтөб", "актюб", "aktob", "aqtob", "aktyub"), None),
    ("северо-казахстанская", ("северо-казахстан", "солтүстік қазақстан", "north kazakhstan", "=ско"), None),
    ("восточно-казахстанская", ("восточно-казахстан", "шығыс қазақстан", "east kazakhstan", "=вко"), None),
    ("западно-казахстанская", ("западно-казахстан", "батыс қазақстан", "west kazakhstan", "=зко"), None),
    ("акмолинская", ("акмолинск", "ақмола", "akmola"), None),
    ("карагандинская", ("караганд", "қарағанд", "karagand", "qaragand"), None),
    ("алматы", ("алмат", "алма-ат", "almat"), None),
    ("астана", ("астан", "нур-султан", "нұр-сұлтан", "astana", "nur-sultan"), None),
    ("шымкент", ("шымкент", "чимкент", "shymkent"), None),
    ("атырау", ("атырау", "atyrau"), None),
    ("мангистауская", ("актау", "ақтау", "aktau", "мангист", "маңғыст", "мангыст", "mangyst"), None),
    ("уральск", ("уральск", "uralsk", "oral"), "западно-казахстанская"),
    ("жамбылская", ("тараз", "taraz", "жамбылск", "жамбыл облыс"), None),
    ("кызылординская", ("кызылорд", "қызылорд", "kyzylord"), None),
    ("туркестанская", ("туркестан", "түркістан", "turkestan", "turkistan"), None),
    ("жетысуская", ("талдыкорган", "талдықорған", "taldykorgan", "жетысу", "жетісу"), None),
    ("абай", ("семипалатинск",), "восточно-казахстанская"),
    ("семей", ("семе", "semey"), "восточно-казахстанская"),  # «семей» is also «семья»: capitalised only
    ("усть-каменогорск", ("усть-каменогорск", "өскемен", "оскемен", "oskemen", "ust-kamenogorsk"),
     "восточно-казахстанская"),
    ("риддер", ("риддер", "ridder"), "восточно-казахстанская"),
    ("петропавловск", ("петропавл", "petropavl"), "северо-казахстанская"),
    ("кокшетау", ("кокшетау", "көкшетау", "kokshetau"), "акмолинская"),
    ("степногорск", ("степногорск",), "акмолинская"),
    ("щучинск", ("щучинск",), "акмолинская"),
    ("экибастуз", ("экибастуз", "екібастұз", "ekibastuz"), "павлодар"),
    ("аксу", ("=аксу", "=ақсу", "=aksu"), "павлодар"),
    ("рудный", ("=рудн(?:ый|ом|ого|ому|ым)", "=rudny"), "костанай"),
    ("лисаковск", ("лисаковск",), "костанай"),
    ("аркалык", ("аркалык", "арқалық"), "костанай"),
    ("темиртау", ("темиртау", "теміртау", "temirtau"), "карагандинская"),
    ("жезказган", ("жезказган", "жезқазған", "zhezkazgan"), None),
    ("балхаш", ("балхаш", "балқаш", "balkhash"), "карагандинская"),
    ("жанаозен", ("жанаозен", "жаңаөзен", "zhanaozen"), "мангистауская"),
    ("конаев", ("конаев", "қонаев", "капчагай", "қапшағай", "konaev"), None),
    ("байконур", ("байконыр", "байконур", "baikonur"), None),
)


def _place_pattern(stem: str) -> str:
    if stem.startswith("="):
        return rf"(?<![\w-]){stem[1:]}(?![\w-])"
    return rf"(?<![\w-]){re.escape(stem)}[\w-]*".replace(r"\ ", r"\s+")


_PLACE_RE = [(key, re.compile("|".join(_place_pattern(s) for s in stems), re.IGNORECASE), parent)
             for key, stems, parent in _PLACES]
_PARENT = {key: parent for key, _, parent in _PLACES if parent}


_SEMEY_FORMS = frozenset({"семея", "семею", "семеем", "семее"})


def _places(text: str, *, strict: bool) -> list[tuple[str, str]]:
    out = []
    for key, pattern, _ in _PLACE_RE:
        for m in pattern.finditer(text):
            surface = m.group(0)
            # in small letters only the city's own forms («в семее», «из семея»: the family's are «в семье», «из
            # семьи») and «в семей» (the city said undeclined, as people write in chats); «для многодетных семей» is
            # the family's, «на семёрке» a station's nickname
            if strict and key == "семей" and not (surface[:1].isupper() or surface.isascii()) \
                    and surface.lower() not in _SEMEY_FORMS and not (
                        surface.lower() == "семей"
                        and re.search(r"(?<![\w-])(?:в|во|из|до)\s+$", text[max(0, m.start() - 4):m.start()],
                                      re.IGNORECASE)):
                continue
            out.append((key, surface))
    return out


# --- fuel grades ----------------------------------------------------------------------------------
_NUM_SUFFIX = r"(?:[-\s]?(?:й|я|е|го|ого|ый|ой|м|ым|ом))?"
_GRADE_WORDS = {"80": "восьмидесят", "92": r"девяност\w*\s+втор", "95": r"девяност\w*\s+пят",
                "98": r"девяност\w*\s+восьм", "100": r"(?<![\w-])сот(?:ый|ого|ом|ым|ую|ая)(?![\w-])"}


def _grade_re(number: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-])(?:аи|ai|аі)[-\s]?{number}(?!\d)"
        rf"|(?<![\d.,])(?<!№)(?<!№\s){number}-?(?:й|го|ого|ый|ой|м|ым|ом)(?![\w-])"
        rf"|бензин\w*\s+(?:марки\s+)?{number}(?!\d|[.,]\d)(?!\s*(?:л\b|литр|тенге|тг|мл|%|кг|₸))"
        rf"|(?<![\d.,]){number}(?:-?\w{{0,3}})?\s+бензин"
        rf"|{_GRADE_WORDS[number]}", re.IGNORECASE)


_GRADES = {f"аи{n}": _grade_re(n) for n in ("80", "92", "95", "98", "100")}
_DIESEL_WORD = (r"(?:дизел\w*+(?![\s-]*(?:генератор|электро|двигател|агрегат|станц))|солярк\w*|соляр\w*|салярк\w*"
                r"|дизтоплив\w*|дт(?![\w-]))")


def _season(code: str, word: str) -> re.Pattern[str]:
    """«ДТ-З», «зимняя солярка», «дизель зимний»: a season's diesel, the word before or after."""
    return re.compile(rf"(?<![\w-])дт[-\s]?{code}(?![\w-])|{word}\w*\s+(?:\w+\s+)?{_DIESEL_WORD}"
                      rf"|{_DIESEL_WORD}\s+(?:\w+\s+)?{word}", re.IGNORECASE)


_FUEL_STRICT = {
    "дт-л": _season("л", "летн"),
    "дт-з": re.compile(_season("з", "зимн").pattern + r"|(?<![\w-])зимник\w*", re.IGNORECASE),
    "дт-а": _season("а", "арктич"),
    "дт": re.compile(rf"(?<![\w-]){_DIESEL_WORD}|(?<![\w-])diesel|дизель\s+отын", re.IGNORECASE),
    "суг": re.compile(r"(?<![\w-])суг(?![\w-])|пропан|сжиженн\w*\s+(?:углеводородн\w*\s+)?газ\w*|(?<![\w-])lpg(?![\w-])"
                      r"|автогаз", re.IGNORECASE),
    "кпг": re.compile(r"(?<![\w-])кпг(?![\w-])|метан\w*|компримир\w*|(?<![\w-])cng(?![\w-])", re.IGNORECASE),
    "adblue": re.compile(r"adblue|ad\s+blue|эдблю|адблю|мочевин", re.IGNORECASE),
    # the grades of a gas mixture (ГОСТ 27578, ГОСТ 20448): пропан-бутан автомобильный, смесь пропана и бутана
    # техническая, пропан-бутан технический; a question naming one asks about that mixture, as «АИ-98» about a petrol
    "пба": re.compile(r"(?<![\w-])пба(?![\w-])", re.IGNORECASE),
    "спбт": re.compile(r"(?<![\w-])спбт(?![\w-])", re.IGNORECASE),
    "пбт": re.compile(r"(?<![\w-])пбт(?![\w-])", re.IGNORECASE),
}
# the passage: any mention of the thing (a season's word for its diesel, «газ» for СУГ)
_FUEL_HELD = {
    "дт-л": re.compile(r"(?<![\w-])дт[-\s]?л(?![\w-])|летн", re.IGNORECASE),
    "дт-з": re.compile(r"(?<![\w-])дт[-\s]?з(?![\w-])|зимн", re.IGNORECASE),
    "дт-а": re.compile(r"(?<![\w-])дт[-\s]?а(?![\w-])|арктич", re.IGNORECASE),
    "дт": re.compile(r"(?<![\w-])дт(?![\w])|дизел|солярк|diesel", re.IGNORECASE),
    "суг": re.compile(r"суг|пропан|сжиж|газ|lpg", re.IGNORECASE),
    "кпг": re.compile(r"кпг|метан|компримир|cng|природн\w*\s+газ", re.IGNORECASE),
    "adblue": re.compile(r"adblue|ad\s+blue|мочевин|aus\s?32", re.IGNORECASE),
    "пба": re.compile(r"(?<![\w-])пба(?![\w-])|пропан[-\s]бутан\w*\s+автомобильн", re.IGNORECASE),
    "спбт": re.compile(r"(?<![\w-])спбт(?![\w-])|смес\w*\s+пропана\s+и\s+бутана\s+техническ", re.IGNORECASE),
    "пбт": re.compile(r"(?<![\w-])пбт(?![\w-])|пропан[-\s]бутан\w*\s+техническ", re.IGNORECASE),
}


def _fuels(text: str, *, strict: bool) -> list[tuple[str, str]]:
    out = [(key, m.group(0)) for key, pattern in _GRADES.items() for m in pattern.finditer(text)]
    table = _FUEL_STRICT if strict else _FUEL_HELD
    out += [(key, m.group(0)) for key, pattern in table.items() for m in pattern.finditer(text)]
    if not strict and any(k.startswith("дт-") for k, _ in out):
        out.append(("дт", "ДТ"))
    if not strict and any(k in ("пба", "спбт", "пбт") for k, _ in out):  # a grade of the gas is the gas
        out.append(("суг", "СУГ"))
    return out


# --- codes: error codes, document and model numbers -------------------------------------------------
# «E-27», «E07», «ККМ-09», «T-40», «РГ-ПТ-01», «ОП-50», «Алтай-2М», «147-П», «12-Р», «41/11»
_CODE = re.compile(r"(?<![\w№-])(?:[a-zа-яәғқңөұүһі]{1,6}[-‐–]?){1,3}\d{1,4}(?:[-‐–/]?[a-zа-я\d]{1,3})?(?![\w-])"
                   r"|(?<![\w№-])\d{1,4}[-‐–/](?:[a-zа-я]{1,2}|\d{1,3})(?![\w-])", re.IGNORECASE)
# a bare number that the question calls a code, an act, an order: «код 61», «акт 0319», «приказ №52»
# (an act may come with what it is of: «в акте приёма 0318», «по акту проверки 41/11»; only these words,
# so «регламент смены 12 часов» or «актуальная цена 2500» name no document)
_OF_WHAT = r"(?:\s+(?:при[её]ма|проверки|сверки|списания|замера|осмотра|передачи|инвентаризации))?"
_CODE_AFTER_WORD = re.compile(
    r"(?<![\w-])(?:(?:код\w*|ошибк\w*|error|қате\w*|приказ\w*|распоряжени\w*|регламент\w*|форм\w*"
    r"|протокол\w*|инструкци\w*|бланк\w*)|акт(?:а|е|у|ом|ы|ов)?" + _OF_WHAT + r")"
    r"\s+(?:№\s*|n\s*|номер\s+)?(\d{2,6}(?:[-‐–/][a-zа-я\d]{1,3})?)(?![\w-])", re.IGNORECASE)
# a number a device writes is its code: «пинпад пишет 51», «на экране высветилось 08», «колонка выдаёт ошибку 17»
# (not «показывает 40 а залилось меньше», «горит 92», «выдаёт 500 сдачи», «пишет 85 процентов»)
_CODE_SHOWN = re.compile(r"(?<![\w-])(?:(?:пиш[еу]т|высвечива\w*|высвети\w*)\s+(?:код\w*\s+|ошибк\w*\s+)?"
                         r"|(?:выда[её]т|выдает|показыва\w*|гор[ия]т)\s+(?:код\w*|ошибк\w*)\s+)"
                         r"(\d{2,4})(?![\w,.-]*\d)(?!\s*(?:л|литр\w*|мл|кг|%|процент\w*|мин\w*|сек\w*|час\w*|тг|тенге|руб\w*"
                         r"|°|градус\w*|бар|мпа|см|мм|сдач\w*)(?![а-яё]))", re.IGNORECASE)
# an error code typed with a space in a chat: «е 42 на трк», «E 17 горит» (a lone «е» is no Russian or Kazakh word)
_CODE_SPACED = re.compile(r"(?<![\w№.,-])([eе])\s(\d{2,3})(?![\w,.-]*\d)"
                          r"(?!\s*(?:л|литр\w*|мл|кг|%|тг|тенге|см|мм)(?![а-яё]))", re.IGNORECASE)
_NOT_A_CODE = re.compile(r"^(?:аи|ai|аі|дт)\W?\d|^\d+[-‐–]?(?:й|я|е|х|м|го|ти)$|^\d+[-‐–]/\d", re.IGNORECASE)


def code_key(code: str) -> str:
    """«E-07», «Е07», «e7» → «е7»; «РГ-ПТ-01» → «ргпт1»; «0319» stays «0319» (a number as written)."""
    low = _low(code).translate(_LATIN_TO_CYRILLIC)
    # a model's name is a word that takes case endings: «Алтай-2М», «на Алтае-2М» → «алта2м»
    low = re.sub(r"[^\W\d_]{5,}", lambda m: m.group(0)[:4], low)
    flat = re.sub(r"[^0-9a-zа-яәғқңөұүһі]", "", low)
    if not re.search(r"[^\d]", flat):
        return flat
    return re.sub(r"(?<![\d])0+(?=\d)", "", flat)


# a case ending written after a code: «E-27-де», «E-27-ге», «ККМ-09-да» (Kazakh), «АЗС-3-й»
_ENDING = re.compile(r"[-‐–](?:да|де|та|те|ға|ге|қа|ке|ны|ні|ның|нің|дан|ден|тан|тен|й|я|го|му|м)$")


def _codes(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _CODE.finditer(text):
        if _NOT_A_CODE.search(m.group(0)):
            continue
        surface = _ENDING.sub("", m.group(0))
        if not re.search(r"\d", surface) or not re.search(r"[^\W\d_]", surface):
            continue  # «1-й»: an ordinal; a bare number is a code only when the question calls it one
        letters = re.sub(r"[\d\W_]", "", surface)
        if re.fullmatch(r"\d+[-‐–/]\d+", surface):
            continue  # «10-15», «1/2»: a range or a share, not a code
        if letters and len(letters) > 6:
            continue
        out.append((code_key(surface), surface))
    out += [(code_key(m.group(1)), m.group(1)) for m in _CODE_AFTER_WORD.finditer(text)]
    out += [(code_key(m.group(1)), m.group(1)) for m in _CODE_SHOWN.finditer(text)]
    out += [(code_key(m.group(1) + m.group(2)), m.group(0)) for m in _CODE_SPACED.finditer(text)]
    return out


# What a code is: an error the equipment shows (its table row must hold it) or a document's number (the
# document's heading holds it, not every passage: «сколько сорбента по инструкции ОТ-05» is answered by a
# passage of ОТ-05 that does not repeat its number; the base must hold it somewhere).
_DOCUMENT_WORD = re.compile(
    r"(?:инструкц|положени|регламент|стандарт|приказ|распоряжени|памятк|акт|форм|методич|указани|бланк|журнал"
    r"|протокол|перечн|нұсқаулы|бұйрық|ереже|instruction|order|regulation|act|form|memo)\w*\.?"
    + _OF_WHAT + r"\s+(?:№\s*)?$",
    re.IGNORECASE)
_ERROR_CONTEXT = re.compile(r"ошибк|(?<![\w-])код|error|code|қате|табло|экран|выда[её]т|пишет|горит|высвет|терминал"
                            r"|(?<![\w-])трк|колонк|ккм|(?<![\w-])pos(?![\w-])|(?<![\w-])пос(?![\w-])|эквайринг",
                            re.IGNORECASE)


def _code_kind(question: str, surface: str) -> str:
    at = question.find(surface)
    before = question[:at] if at >= 0 else ""
    if _DOCUMENT_WORD.search(before):
        return "document"
    if re.fullmatch(r"[^\W\d_][-‐–]?\d+", surface) or _ERROR_CONTEXT.search(question):
        return "code"
    return "document"


def document_names(question: str) -> list[tuple[str, str]]:
    """Each document the question names by number, as (its key, how the question names it, with the kind of
    document before it): «по инструкции ПБ-06» → («пб06», «инструкции ПБ-06»), the words a passage of that
    document need not repeat."""
    out = []
    for e in typed(question):
        if e.kind != "document":
            continue
        at = question.find(e.surface)
        kind = _DOCUMENT_WORD.search(question[:at]) if at >= 0 else None
        out.append((e.key, f"{kind.group(0)} {e.surface}" if kind else e.surface))
    return out


def codes_named(text: str) -> frozenset[str]:
    """The codes and document numbers a text names as such («РАСПОРЯЖЕНИЕ № 12-Р», «АКТ № 0318», «ОТ-05»),
    not every number in it («Выдать 52 литра» names no «приказ 52»)."""
    keys = {k for k, _ in _codes(text)}
    keys |= {code_key(m.group(1)) for m in re.finditer(r"№\s*(\d{2,6})(?![\w-])", text)}
    return frozenset(keys)


# a document naming itself: its kind at the start of its title or of a sentence of its opening, then its number
# («Инструкция ОТ-11 сети…», «ПРИКАЗ №211-П», «Береке Ойл Памятка ПМ-05»); not a document it names in passing
# («разработана согласно инструкции ПБ-06», «утверждено приказом № 35-П»), nor a word that only begins like a kind
# («Трансформатор ТМГ-400», «Информация ПБ-06»)
_SELF_NAMED = re.compile(
    r"(?:^|(?<=[.!?\n])\s*)(?:[«\"]?[А-ЯЁA-Z][\w«»\"-]*\s+){0,3}?"
    r"(?<![\w-])(?:инструкция|положение|регламент|стандарт|приказ|распоряжение|памятка|методика|указание|форма|бланк"
    r"|журнал|протокол|перечень|акт|нұсқаулық|бұйрық|ереже|instruction|order|regulation|memo)"
    r"(?![\w-])\s+(?:№\s*)?([^\W_][\w]*(?:[-‐–/][\w]+)*)",
    re.IGNORECASE | re.MULTILINE)


def document_numbers(text: str) -> frozenset[str]:
    """The numbers a document gives itself in its title and opening («Инструкция ОТ-11 сети…», «Положение П-04»,
    «Памятка ПМ-05», «ПРИКАЗ №211-П»): a number right after a document's kind opening its title or a sentence, not
    the error codes or the other documents a text mentions (``_SELF_NAMED``)."""
    keys = set()
    for m in _SELF_NAMED.finditer(text):
        surface = m.group(1)
        if re.search(r"\d", surface):
            keys.add(code_key(surface))
    return frozenset(keys)


def _held_codes(text: str) -> set[str]:
    """Every code the passage holds, and every number (a code written bare in a table cell: «Код: 61»)."""
    keys = {k for k, _ in _codes(text)}
    keys |= {code_key(m.group(0)) for m in re.finditer(r"\d+", text)}
    # «E-07 … E-12» as «E-07, 08, 12»: letters then several numbers
    return keys


# --- numbered stations: «АЗС №3», «АЗС 3», «АГЗС-5» ---------------------------------------------------
# (a numbered tank or dispenser, «резервуар №2», «ТРК 3», is the setting of a question more often than the
# thing asked: «по метроштоку в резервуаре №2 — 150 см, какому прибору верить» is answered by the rule for
# every tank; it stays a soft signal)
# (a comma or a full stop after the number ends the phrase, «АЗС № 7, г. Экибастуз», «…на АЗС №3.»; before a
# digit it is a decimal point, «АЗС 3,5 км»)
_NUMBERED = re.compile(r"(?<![\w-])(азс|azs|агзс)\s*(?:№|n|номер)?\s*-?\s*(\d{1,3})(?!\d|[,.]\d)", re.IGNORECASE)
_NUMBERED_KEY = {"азс": "азс", "azs": "азс", "агзс": "азс"}


# how staff call a station by its number: «на двойку», «на четвёрке» (after «на» or «в»: «двойка» alone may be a school
# mark, «сдача с пятёрки» a banknote; «на девятке» may still be a car, a risk taken: «на семёрке» asks of АЗС №7)
_BY_NUMBER_NOUN = re.compile(r"(?<![\w-])(?:на|в)\s+(двойк|тройк|четв[её]рк|пят[её]рк|шест[её]рк|сем[её]рк"
                             r"|восьм[её]рк|девятк|десятк)(?:а|у|е|и|ой|ою)(?![\w-])", re.IGNORECASE)
_NUMBER_NOUN = {"двойк": 2, "тройк": 3, "четверк": 4, "пятерк": 5, "шестерк": 6, "семерк": 7, "восьмерк": 8,
                "девятк": 9, "десятк": 10}


# a vessel's size said the same way is no station: «мерник на десятку» is the 10-litre measure («мерник на двойке
# сломан» is still АЗС №2: a size is said in the accusative)
_VESSEL_BEFORE = re.compile(r"(?:мерник|канистр|бочк|бочек|ведр|[её]мкост|баллон|бутыл|тар[аеуы]?\b)\w*\s+(?:\w+\s+)?$",
                            re.IGNORECASE)


def _stations(text: str) -> list[tuple[str, str]]:
    out = [(f"азс{_NUMBER_NOUN[_low(m.group(1))]}", m.group(0)) for m in _BY_NUMBER_NOUN.finditer(text)
           if not (m.group(0).lower().endswith("у") and _VESSEL_BEFORE.search(text[max(0, m.start() - 40):m.start()]))]
    for m in _NUMBERED.finditer(text):
        word = _low(m.group(1))
        kind = next(v for k, v in _NUMBERED_KEY.items() if word.startswith(k))
        out.append((f"{kind}{int(m.group(2))}", m.group(0)))
    return out


# --- the question and the passage -------------------------------------------------------------------


def typed(question: str) -> list[Entity]:
    """The typed things a question names, read strictly, each once. Read once per question text: the ranking,
    the answerability model, its error-code rule and the quote's choice of document each ask (about 1 ms a read)."""
    return list(_typed(question))


@lru_cache(maxsize=1024)
def _typed(question: str) -> tuple[Entity, ...]:
    found: list[Entity] = []
    found += [Entity("region", k, s) for k, s in _places(question, strict=True)]
    found += [Entity("fuel", k, s) for k, s in _fuels(question, strict=True)]
    stations = _stations(question)
    found += [Entity("station", k, s) for k, s in stations]
    station_numbers = {re.sub(r"\D", "", s) for _, s in stations}
    station_keys = {code_key(s) for _, s in stations}
    grades = {k[2:] for k, _ in _fuels(question, strict=True) if k.startswith("аи")}
    for key, surface in _codes(question):
        if key in station_numbers or key in station_keys or key in grades:
            continue  # «АЗС №3», «АЗС-3», «92 бензин»: already typed
        found.append(Entity(_code_kind(question, surface), key, surface))
    seen: set[tuple[str, str]] = set()
    out = []
    for e in found:
        if (e.kind, e.key) not in seen:
            seen.add((e.kind, e.key))
            out.append(e)
    # a generic diesel beside its season («летний дизель») is the season's
    if any(e.key.startswith("дт-") for e in out):
        out = [e for e in out if e.key != "дт"]
    return tuple(out)


def held(unit: str) -> set[tuple[str, str]]:
    """Every typed thing a passage (its title, heading, headers and text) holds, read generously."""
    keys = {("region", k) for k, _ in _places(unit, strict=False)}
    keys |= {("region", _PARENT[k]) for _, k in list(keys) if k in _PARENT}
    keys |= {("fuel", k) for k, _ in _fuels(unit, strict=False)}
    keys |= {("station", k) for k, _ in _stations(unit)}
    keys |= {("code", k) for k in _held_codes(unit)}
    return keys


_OR_BETWEEN = re.compile(r"\s*,?\s*(?:или|либо|or|не\s+то)\s+", re.IGNORECASE)


def choices(text: str, surfaces: Sequence[str]) -> list[set[int]]:
    """Which of the things a question names (``surfaces``, as written in it) it offers as a choice («80 или 57»,
    «АИ-92 или АИ-95», «аи 92 или аи 95», «E-05 or E-07»): indices of two things with only «или» between them.
    One of them is what is asked and the other the asker's guess."""
    low = text.lower()
    spans = []
    for surface in surfaces:
        at = low.find(surface.lower())
        spans.append((at, at + len(surface)) if at >= 0 else None)
    out = []
    for i, a in enumerate(spans):
        for j, b in enumerate(spans):
            if a is not None and b is not None and i != j and a[1] <= b[0] and _OR_BETWEEN.fullmatch(text[a[1]:b[0]]):
                out.append({i, j})
    return out


def missing(question: str | Iterable[Entity], unit: str, known: Callable[[str], bool] | None = None) -> list[Entity]:
    """The typed things of the question the unit does not hold. A document's number is held when the unit
    holds it or, given ``known`` (does the knowledge base use this word), when the base has every part of
    it: the number of a document the base does not have («акт 0319» beside the act 0318) is missing."""
    names = typed(question) if isinstance(question, str) else list(question)
    if not names:
        return []
    have = held(unit)
    out = []
    for e in names:
        if (("code", e.key) if e.kind == "document" else (e.kind, e.key)) in have:
            continue
        if e.kind in ("code", "document") and (_flat_in(e.surface, unit) or _model_named(e.surface, unit)):
            continue
        # (letters of two or fewer are left out: «ОТ», «СО», «П» are also prepositions the index does not keep)
        if e.kind == "document" and known is not None and all(
                known(part) for part in re.findall(r"[^\W\d_]{3,}|\d+", _low(e.surface))):
            continue
        out.append(e)
    if out and isinstance(question, str):
        # of two typed things offered as a choice, the unit holding one holds what is asked
        lacking = {i for i, e in enumerate(names) if any(e is o for o in out)}
        pairs = choices(question, [e.surface for e in names])
        out = [names[i] for i in sorted(lacking) if not any(i in pair and pair - lacking for pair in pairs)]
    return out


# --- variants of one thing ------------------------------------------------------------------------
# Qualifiers that tell apart variants of one thing, mutually exclusive within a group: the day or the night shift,
# summer or winter (a fuel, a mixture, a regime), a small, medium or large spill, an instruction's kind. A passage
# that names another variant of a group and not the one asked is about that variant: «Работникам ночной смены
# положены два перерыва по 20 минут» does not say what the day shift gets, «В зимний период … пропана не менее …»
# not what the summer mixture holds. A passage naming no variant is left alone (a rule for every shift). Each
# variant is asked strictly (its word beside the thing it qualifies where the word alone is loose: «средний» is
# also «в среднем»), named by a passage in the same strict way, and held by a passage generously (its stem anywhere).
# (asked or named, held by a passage)
_Variant = tuple[re.Pattern[str], re.Pattern[str]]


def _variant(asked: str, held: str) -> _Variant:
    return re.compile(asked, re.IGNORECASE), re.compile(held, re.IGNORECASE)


# an adjective's endings: «ночн» + «ой», «средн» + «его» (not «сильно», «больше», «дневник», «проливной» after them)
_ADJ = r"(?:ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|им|ом|ем|ую|юю|ых|их|ыми|ими|ей)"
_SPILL = r"\s+(?:[\w-]+\s+)?(?:пролив(?!н)|разлив|розлив)\w*"
_INSTRUCTION = r"\s+(?:[\w-]+\s+)?инструктаж\w*"


def _shift_variant(ru: str, kk: str, en: str) -> _Variant:
    """A shift: «ночной смене», «смена дневная», «түнгі ауысымда», «night shift» (not «дневной отчёт», a daily one)."""
    return _variant(rf"(?<![\w-]){ru}{_ADJ}\s+(?:[\w-]+\s+)?смен\w*|(?<![\w-])смен\w*\s+{ru}{_ADJ}(?![\w-])"
                    rf"|(?<![\w-]){kk}\s+ауысым\w*|\b{en}\s+shifts?\b",
                    rf"(?<![\w-])(?:{ru}(?!ик)\w*|{kk}\w*|{en})")


def _season_variant(ru: str, words: str) -> _Variant:
    """A season: «летней смеси», «летом», «жазғы», «summer» (not «лётный» written with «е»)."""
    asked = rf"(?<![\w-])(?:{ru}(?:ий|его|ему|им|ем|яя|ей|юю|ее|ие|их|ими)|{words})(?![\w-])"
    return _variant(asked, asked)


_VARIANTS: tuple[tuple[_Variant, ...], ...] = (
    (_shift_variant("дневн", "күндізгі", "day"), _shift_variant("ночн", "түнгі", "night")),
    # (a diesel's season is a fuel grade above, «дт-л» and «дт-з»; these are the seasons of other things)
    (_season_variant("летн", "летом|лето|жазғы|жазда|summer"),
     _season_variant("зимн", r"зимой|зима|зиму|зимы|зимник\w*|қысқы|қыста|winter")),
    (_variant(rf"(?<![\w-])(?:мал|маленьк|небольш|мелк|незначительн){_ADJ}{_SPILL}",
              r"(?<![\w-])(?:мал|небольш|мелк|незначительн)\w*"),
     _variant(rf"(?<![\w-])средн{_ADJ}{_SPILL}", r"(?<![\w-])средн\w*"),
     _variant(rf"(?<![\w-])(?:крупн|больш|сильн|значительн|масштабн){_ADJ}{_SPILL}",
              r"(?<![\w-])(?:крупн|больш|сильн|значительн|масштабн)\w*")),
    tuple(_variant(rf"(?<![\w-]){kind}{_ADJ}{_INSTRUCTION}", rf"(?<![\w-]){kind}\w*")
          for kind in ("вводн", "первичн", "повторн", "внепланов", "целев", "предсменн")),
)


@lru_cache(maxsize=1024)  # read once per question, not once for each of the passages it is judged against
def _asked_variants(question: str) -> tuple[tuple[int, int], ...]:
    """(group, variant) for each group of which the question asks exactly one variant (two are a choice offered:
    «летний или зимний?»)."""
    out = []
    for g, group in enumerate(_VARIANTS):
        asked = [i for i, (asks, _) in enumerate(group) if asks.search(question)]
        if len(asked) == 1:
            out.append((g, asked[0]))
    return tuple(out)


def other_variant(question: str, unit: str) -> bool:
    """The question asks one variant of a group (:data:`_VARIANTS`: «в дневную смену», «летней смеси», «малый
    разлив») and the unit (a passage with its title and heading) names another of that group and not this one; or
    it asks of one place of the station and the unit goes through others without it (:func:`other_places`)."""
    for g, asked in _asked_variants(question):
        group = _VARIANTS[g]
        if not group[asked][1].search(unit) and any(names.search(unit) for i, (names, _) in enumerate(group)
                                                    if i != asked):
            return True
    return other_places(question, unit)


# --- places of a station ----------------------------------------------------------------------------
# The parts of a station a rule or an equipment list goes through one by one: «На каждом островке ТРК — два
# огнетушителя ОП-5. В операторной у кассы — ОУ-5. У площадки слива — ОП-50.» Such a list says nothing of a part it
# leaves out: «какой огнетушитель положен в магазине» is not answered by it. A place is asked after a preposition
# («в магазине», «у площадки слива»); a unit naming one other place is not a list of places (a spill «у колонки на
# островке» is a spill anywhere), so two others are needed.
_STATION_PARTS = tuple(re.compile(rf"(?<![\w-])(?:{stems})", re.IGNORECASE) for stems in (
    r"магазин\w*|торгов\w+\s+зал\w*", r"операторн\w*|операторск\w*", r"островк\w*|островок",
    r"(?:площадк|мест)\w*\s+слив\w*", r"кафе\b", r"склад(?:а|е|у|ом|ы|ов|ах|ск\w*)?\b", r"туалет\w*"))
# a rule for the whole station covers every place («на всей территории АЗС», «во всех помещениях»)
_EVERYWHERE = re.compile(r"\bвс(?:ей|ю|я)\s+территори\w*|\bвс(?:ех|е)\s+помещени\w*|\bвезде\b", re.IGNORECASE)
_AT_PART = tuple(re.compile(rf"(?<![\w-])(?:в|во|на|у|возле|около|для)\s+(?:[\w-]+\s+)?(?:{p.pattern})", re.IGNORECASE)
                  for p in _STATION_PARTS)


@lru_cache(maxsize=1024)  # read once per question, as the variants are
def _asked_part(question: str) -> int | None:
    """The one place of the station (an index of :data:`_STATION_PARTS`) the question asks of; None for none or two."""
    asked = [i for i, at in enumerate(_AT_PART) if at.search(question)]
    return asked[0] if len(asked) == 1 else None


def other_places(question: str, unit: str) -> bool:
    """The question asks of one place of the station (:data:`_STATION_PARTS`) and the unit names two others, not it, nor
    the whole station."""
    asked = _asked_part(question)
    if asked is None or _STATION_PARTS[asked].search(unit) or _EVERYWHERE.search(unit):
        return False
    return sum(1 for i, place in enumerate(_STATION_PARTS) if i != asked and place.search(unit)) >= 2


_TO_LATIN = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
                           "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
                           "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                           "ы": "y", "э": "e", "ю": "yu", "я": "ya"})


def _model_named(code: str, unit: str) -> bool:
    """A model's name with its number («Алтай-2М», «на Алтае-2М»): the name in the passage is enough (the
    error table of the «Алтай-2М» names it in its title only, and a file's title may be in Latin letters)."""
    word = max(re.findall(r"[^\W\d_]+", _low(code)), key=len, default="")
    if len(word) < 4:
        return False
    stem = word[:4]
    low = _low(unit)
    return stem in low or (not stem.isascii() and stem.translate(_TO_LATIN)[:4] in low)


def _flat_in(code: str, unit: str) -> bool:
    """«РГ-ПТ-01» in «РГ ПТ 01», an OCR'd «РГ-ПТ-0l»: letters and digits only, Latin read as Cyrillic."""
    def flat(s: str) -> str:
        return re.sub(r"[^0-9a-zа-я]", "", _low(s).translate(_LATIN_TO_CYRILLIC))
    return bool(flat(code)) and flat(code) in flat(unit)
