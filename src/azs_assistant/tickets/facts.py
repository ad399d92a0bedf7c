"""Facts worth pulling out of a complaint: station, litres, sums of money, dispenser, car plate, date.

Regular expressions over the raw text: customers write «АЗС-012», «азс 12», «на заправке №12»,
«45 л», «31 000 тг», «колонка 4», «ТРК №3», «pump 4» and Kazakh plates «123ABC02».
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from azs_assistant.stations import station_field, station_id, station_in

__all__ = ["extract_facts", "money_in", "station_field", "station_id", "station_in"]

_LITRES = re.compile(r"(\d{1,4}(?:[.,]\d{1,2})?)\s*(?:-?х\s*)?(?:литр\w*|л\b|l\b|liters?\b|litres?\b)", re.IGNORECASE)
_MONEY = re.compile(
    r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)\s*(тыс\w*\.?|к\b)?\s*"
    r"(тг\b|тенге|₸|kzt\b|tenge\b|руб\w*|₽)", re.IGNORECASE)
_MONEY_WORD_THOUSANDS = re.compile(r"(\d+)\s*(?:тысяч\w*|тыщ\w*)\b", re.IGNORECASE)
_DISPENSER = re.compile(
    r"(?:колонк\w*|калонк\w*|трк|пистолет\w*|pump|dispenser|колонка)\s*(?:№|n|no\.?|номер)?\s*(\d{1,2})\b"
    r"|(\d{1,2})\s*(?:-?[йяю])?\s*(?:колонк\w*|трк)\b", re.IGNORECASE)
_PLATE_KZ = re.compile(r"\b(\d{3})\s?([A-Z]{2,3})\s?(\d{2})\b")
_PLATE_RU = re.compile(r"\b([АВЕКМНОРСТУХABEKMHOPCTYX])\s?(\d{3})\s?([АВЕКМНОРСТУХABEKMHOPCTYX]{2})\s?(\d{2,3})\b")
_DATE = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](\d{2,4})\b")


def _number(raw: str) -> float:
    return float(re.sub(r"[ \u00a0\u202f]", "", raw).replace(",", "."))


def money_in(text: str) -> list[float]:
    """Sums of money in tenge (or roubles) the text mentions: «31 000 тг», «6500₸», «85 тыс. тенге»."""
    out = []
    for m in _MONEY.finditer(text):
        value = _number(m.group(1))
        if m.group(2):
            value *= 1000
        out.append(value)
    for m in _MONEY_WORD_THOUSANDS.finditer(text):
        out.append(float(m.group(1)) * 1000)
    return out


def extract_facts(text: str) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    number = station_in(text)
    if number is not None:
        facts["station"] = station_id(number)
    litres = [_number(m.group(1)) for m in _LITRES.finditer(text)]
    if litres:
        facts["litres"] = litres
    amounts = money_in(text)
    if amounts:
        facts["amounts"] = amounts
    dispenser = _DISPENSER.search(text)
    if dispenser:
        facts["dispenser"] = int(dispenser.group(1) or dispenser.group(2))
    plate = _PLATE_KZ.search(text) or _PLATE_RU.search(text.upper())
    if plate:
        facts["car_plate"] = "".join(plate.groups()).upper()
    for m in _DATE.finditer(text):
        day, month, year = (int(g) for g in m.groups())
        year += 2000 if year < 100 else 0
        try:
            facts["date"] = date(year, month, day).isoformat()
            break
        except ValueError:
            continue
    return facts
