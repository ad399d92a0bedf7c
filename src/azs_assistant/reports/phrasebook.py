"""Kazakh and English report phrases → the Russian phrases the question parser reads.

Managers ask in three languages; the parser's patterns (periods, grouping, leaders, severity) are
written once, for Russian. Each phrase of a Kazakh or English question that names one of these is
rewritten into its Russian equivalent before parsing, so the same patterns apply it and the same
«не понял: …» rule names every word that none of them read (an untranslated word stays as typed).

Kazakh is agglutinative: a stem is matched with its stacked endings («тоқсанда», «аймақтар»,
«ЖҚС-та»), from one small list of endings (``KK_ENDING``), not form by form."""

from __future__ import annotations

import re

# plural, possessive, then case: «ақаулары» = ақау + лар + ы, «ЖҚС-та» = ЖҚС + та
KK_ENDING = (r"(?:-?(?:лар|лер|дар|дер|тар|тер)?(?:ы|і|сы|сі)?(?:н|ның|нің|дың|дің|тың|тің|ға|ге|қа|ке|на|не|а|е|ны|ні|"
             r"ды|ді|ты|ті|да|де|та|те|нда|нде|дан|ден|тан|тен|нан|нен|мен|бен|пен)?)")
_E = KK_ENDING + r"(?![\wәғқңөұүһі])"
_ENDING_ONLY = re.compile(KK_ENDING + "|s|es")
_SOFTENED = {"қ": "ғ", "к": "г", "п": "б"}  # «ұрлық» + «ы» = «ұрлығы»

MONTHS_EN = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december"]
MONTHS_KK = ["қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша",
             "желтоқсан"]
MONTHS_RU = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
             "декабрь"]
# region names as typed in Latin or Kazakh letters → the log's Russian names
PLACES = {"almaty": "алматы", "astana": "астана", "nur-sultan": "астана", "karaganda": "караганда",
          "karagandy": "караганда", "қарағанды": "караганда", "shymkent": "шымкент", "aktobe": "актобе",
          "ақтөбе": "актобе", "atyrau": "атырау", "pavlodar": "павлодар"}

_ORD_EN = r"(?:st|nd|rd|th)?"
REWRITES: list[tuple[str, str]] = [
    # -- periods (English) --
    (rf"\b(?:in |for |during )?(?:the )?(?:q([1-4])|([1-4]){_ORD_EN} quarter)(?: of)? (20\d\d)\b",
     r" \1\2 квартал \3 "),
    (rf"\b(?:in |for |during )?(?:the )?([1-4]){_ORD_EN} quarter\b", r" \1 квартал "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) (\d+) days?\b", r" за последние \1 дней "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) (\d+) weeks?\b", r" за последние \1 недель "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) (\d+) months?\b", r" за последние \1 месяцев "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) (\d+) years?\b", r" за последние \1 лет "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) month\b", " в прошлом месяце "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) week\b", " на прошлой неделе "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) quarter\b", " в прошлом квартале "),
    (r"\b(?:in |for |during )?(?:the )?(?:last|previous|past) year\b", " в прошлом году "),
    (r"\b(?:in |for |during )?this month\b|\bmonth to date\b|\bmtd\b", " в этом месяце "),
    (r"\b(?:in |for |during )?this week\b", " на этой неделе "),
    (r"\b(?:in |for |during )?this quarter\b|\b(?:in |for |during )?the quarter\b|\bquarter to date\b|\bqtd\b",
     " в этом квартале "),
    (r"\b(?:in |for |during )?this year\b|\bso far this year\b|\byear to date\b|\bytd\b"
     r"|\bsince the (?:start|beginning) of (?:the |this )?year\b", " с начала года "),
    (r"\btoday\b", " сегодня "), (r"\byesterday\b", " вчера "),
    # -- periods (Kazakh) --
    (rf"\b(20\d\d)\s*(?:жыл|ж\.?)(?:ғы|дың|ы)?\s+([1-4])\s*-?\s*(?:ші|шы|нші|ншы)?\s*-?\s*тоқсан{_E}",
     r" \2 квартал \1 "),
    (rf"\b([1-4])\s*-?\s*(?:ші|шы|нші|ншы)?\s*-?\s*тоқсан{_E}", r" \1 квартал "),
    (rf"\bсоңғы (\d+) күн{_E}", r" за последние \1 дней "),
    (rf"\b(?:өткен|алдыңғы) ай{_E}", " в прошлом месяце "),
    (rf"\b(?:өткен|алдыңғы) апта{_E}", " на прошлой неделе "),
    (rf"\b(?:өткен|алдыңғы) тоқсан{_E}", " в прошлом квартале "),
    (rf"\b(?:өткен|алдыңғы) жыл{_E}|\bбылтыр{_E}", " в прошлом году "),
    (rf"\b(?:осы|ағымдағы) ай{_E}|\bай басынан бері\b", " в этом месяце "),
    (rf"\b(?:осы|ағымдағы) апта{_E}", " на этой неделе "),
    (rf"\b(?:осы|ағымдағы) тоқсан{_E}|\bтоқсан басынан бері\b", " в этом квартале "),
    (rf"\b(?:осы|ағымдағы) жыл{_E}|\bбиыл{_E}|\bжыл басынан бері\b", " с начала года "),
    (r"\bбүгін\b", " сегодня "), (r"\bкеше\b", " вчера "),
    # a bare quarter, as the Russian «за квартал»: the running one («топ-3 станция тоқсан бойынша»)
    (r"\bтоқсан(?:да|ның|ға)?(?:\s+бойынша)?(?![\wәғқңөұүһі])", " за квартал "),
    # -- grouping --
    (r"\b(?:by|per|for each|across) (?:stations?|sites?|filling stations?)\b", " по станциям "),
    (r"\b(?:by|per|for each|across) regions?\b", " по регионам "),
    (r"\b(?:by|per|for each) (?:categor(?:y|ies)|types?|kinds?)\b", " по категориям "),
    (r"\b(?:by|per|for each) months?\b|\bmonthly\b", " по месяцам "),
    (r"\b(?:by|per|for each) quarters?\b|\bquarterly\b", " по кварталам "),
    (r"\b(?:by|per|for each) severity\b", " по серьезности "),
    (rf"\b(?:жқс|станция|бекет){_E}\s+бойынша\b", " по станциям "),
    (rf"\b(?:аймақ|өңір|облыс){_E}\s+бойынша\b", " по регионам "),
    (rf"\b(?:санат|түр|категория){_E}\s+бойынша\b", " по категориям "),
    (rf"\bайлар{_E}\s+бойынша\b|\bай сайын\b", " по месяцам "),
    (rf"\bтоқсандар{_E}\s+бойынша\b|\bтоқсан сайын\b", " по кварталам "),
    # -- leaders --
    (r"\btop[- ]?(\d+)\b", r" топ-\1 "), (r"\b(?:the )?most\b", " больше всего "),
    (r"\b(?:the )?(?:fewest|least)\b", " меньше всего "),
    (r"\bwhich\b|\bwhat\b(?= (?:stations?|regions?|categor))", " какой "),
    (r"\bең көп\b", " больше всего "), (r"\bең аз\b", " меньше всего "), (r"\bқай\b", " какой "),
    # -- severity --
    (r"\b(?:or|and) (?:higher|above|more)\b|\bor worse\b", " и выше "),
    (r"\b(?:or|and) (?:lower|below|less)\b", " и ниже "),
    (r"\bhigh[- ](?:severity|priority)\b|\bserious\b", " высокой серьезности "),
    (r"\bcritical\b", " критические "),
    (rf"\b(?:ауырлығ|маңыздылығ|деңгей)ы?{_E}", " серьезность "),
    (r"\bжәне (?:одан )?(?:да )?жоғары\b|(?<=\d)-?(?:тен|ден|нен) жоғары\b", " и выше "),
    (r"\bжәне (?:одан )?(?:да )?төмен\b", " и ниже "),
    (rf"\bауыр оқиға{_E}", " серьезных инцидентов "), (rf"\bкритикалық{_E}", " критические "),
    # -- places --
    (r"\bstations?\s+(?:no\.?\s*|#\s*)?(\d{1,3})\b", r" азс \1 "),
    (rf"(?<![\d-])(\d{{1,3}})\s*-\s*(?:жқс|станция|бекет){_E}", r" азс \1 "),  # «5-ЖҚС-та», not «топ-3 ЖҚС»
    (rf"\b(?:жқс|бекет){_E}", " азс "), (rf"\bстанция{_E}", " станции "), (rf"\b(?:аймақ|өңір|облыс){_E}", " регион "),
    (r"\bstations?\b", " станции "), (r"\bregions?\b", " регион "),
]
_MONTH_REWRITES = [(rf"\b(?:in |for |during )?{en}(?: (20\d\d))?\b", rf" {ru} \1 ")
                   for en, ru in zip(MONTHS_EN, MONTHS_RU, strict=True)]
_MONTH_REWRITES += [(rf"\b(20\d\d)\s*(?:жыл|ж\.?)(?:ғы|дың|ы)?\s+{kk}{_E}", rf" {ru} \1 ")
                    for kk, ru in zip(MONTHS_KK, MONTHS_RU, strict=True)]
_MONTH_REWRITES += [(rf"\b{kk}{_E}", f" {ru} ") for kk, ru in zip(MONTHS_KK, MONTHS_RU, strict=True)]
_COMPILED = [(re.compile(p), r) for p, r in _MONTH_REWRITES + REWRITES]
_PLACES = [(re.compile(rf"\b{re.escape(k)}{_E}"), f" {v} ") for k, v in PLACES.items()]
_FOREIGN = re.compile(r"[a-zәғқңөұүһі]")


def to_russian(text: str) -> str:
    """The (lower-cased) question with its Kazakh and English report phrases in Russian; a Russian
    question comes back unchanged."""
    if not _FOREIGN.search(text):
        return text
    for pattern, russian in _PLACES + _COMPILED:
        text = pattern.sub(russian, text)
    return re.sub(r"\s+", " ", text).strip()


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
