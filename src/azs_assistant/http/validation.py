"""Pydantic's field errors told in the caller's language. Pydantic words them in English only («String should
have at most 2000 characters»); an operator or an integrator reading Russian or Kazakh gets the same
problem, with the field named, in theirs. Error types without a text of ours keep pydantic's English."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# pydantic error type → (ru, kk, en), formatted with the error's ``ctx``
_PROBLEMS: dict[str, tuple[str, str, str]] = {
    "missing": ("обязательное поле", "міндетті өріс", "required"),
    "string_too_short": ("не короче {min_length} символов", "кемінде {min_length} таңба болуы керек",
                         "at least {min_length} characters"),
    "string_too_long": ("не длиннее {max_length} символов", "{max_length} таңбадан аспауы керек",
                        "at most {max_length} characters"),
    "too_short": ("не меньше {min_length} элементов", "кемінде {min_length} элемент болуы керек",
                  "at least {min_length} items"),
    "too_long": ("не больше {max_length} элементов", "{max_length} элементтен аспауы керек",
                 "at most {max_length} items"),
    "greater_than_equal": ("не меньше {ge}", "кемінде {ge} болуы керек", "at least {ge}"),
    "greater_than": ("больше {gt}", "{gt} мәнінен үлкен болуы керек", "greater than {gt}"),
    "less_than_equal": ("не больше {le}", "{le} мәнінен аспауы керек", "at most {le}"),
    "less_than": ("меньше {lt}", "{lt} мәнінен кіші болуы керек", "less than {lt}"),
    "int_parsing": ("нужно целое число", "бүтін сан болуы керек", "a whole number"),
    "int_type": ("нужно целое число", "бүтін сан болуы керек", "a whole number"),
    "int_from_float": ("нужно целое число", "бүтін сан болуы керек", "a whole number"),
    "float_parsing": ("нужно число", "сан болуы керек", "a number"),
    "float_type": ("нужно число", "сан болуы керек", "a number"),
    "bool_parsing": ("нужно true или false", "true немесе false болуы керек", "true or false"),
    "bool_type": ("нужно true или false", "true немесе false болуы керек", "true or false"),
    "string_type": ("нужен текст", "мәтін болуы керек", "a string"),
    "literal_error": ("одно из: {expected}", "мыналардың бірі болуы керек: {expected}", "one of: {expected}"),
    "enum": ("одно из: {expected}", "мыналардың бірі болуы керек: {expected}", "one of: {expected}"),
    "date_parsing": ("нужна дата ГГГГ-ММ-ДД", "күн ЖЖЖЖ-АА-КК түрінде болуы керек", "a date YYYY-MM-DD"),
    "date_from_datetime_parsing": ("нужна дата ГГГГ-ММ-ДД", "күн ЖЖЖЖ-АА-КК түрінде болуы керек",
                                   "a date YYYY-MM-DD"),
    "date_type": ("нужна дата ГГГГ-ММ-ДД", "күн ЖЖЖЖ-АА-КК түрінде болуы керек", "a date YYYY-MM-DD"),
    "datetime_parsing": ("нужны дата и время (ISO 8601)", "күн мен уақыт (ISO 8601) болуы керек",
                         "a date and time (ISO 8601)"),
    "datetime_from_date_parsing": ("нужны дата и время (ISO 8601)", "күн мен уақыт (ISO 8601) болуы керек",
                                   "a date and time (ISO 8601)"),
    "datetime_type": ("нужны дата и время (ISO 8601)", "күн мен уақыт (ISO 8601) болуы керек",
                      "a date and time (ISO 8601)"),
    "string_pattern_mismatch": ("не в том формате", "пішімі дұрыс емес", "wrong format"),
    "extra_forbidden": ("такого поля нет", "мұндай өріс жоқ", "no such field"),
    "model_type": ("нужен объект JSON", "JSON нысаны болуы керек", "a JSON object"),
    "model_attributes_type": ("нужен объект JSON", "JSON нысаны болуы керек", "a JSON object"),
    "dict_type": ("нужен объект JSON", "JSON нысаны болуы керек", "a JSON object"),
    "list_type": ("нужен список", "тізім болуы керек", "a list"),
    "json_invalid": ("JSON не разбирается", "JSON оқылмады", "invalid JSON"),
    "uuid_parsing": ("нужен UUID", "UUID болуы керек", "a UUID"),
}
_LANGS = ("ru", "kk", "en")
_BODY = {"ru": "тело запроса", "kk": "сұраныс денесі", "en": "request body"}
_LEAD = {"ru": "Неверный запрос: {problems}.", "kk": "Сұраныс қате: {problems}.", "en": "Invalid request: {problems}."}
_FIELD = {"ru": "поле «{field}» — {problem}", "kk": "«{field}» өрісі — {problem}", "en": "field «{field}»: {problem}"}
_WHOLE = {"ru": "{body} — {problem}", "kk": "{body} — {problem}", "en": "{body}: {problem}"}
_MORE = {"ru": " (и ещё {n})", "kk": " (тағы {n})", "en": " (and {n} more)"}
_SHOWN = 3  # problems named in the message; ``details.fields`` lists them all


def field_name(loc: Sequence[Any]) -> str:
    """The field as a client wrote it: «question», «fields.station_id»; where in the request it was (body,
    query, path) is left out, and a list's index stays («items.2.text»)."""
    parts = [str(p) for p in loc]
    return ".".join(parts[1:] if parts and parts[0] in ("body", "query", "path", "header", "cookie") else parts)


_ALTERNATIVES = re.compile(r"^\^\(([\w.-]+(?:\|[\w.-]+)+)\)\$$")


def problem(error: Mapping[str, Any]) -> dict[str, str]:
    """One field error in every language; pydantic's own English where we have no text for its type."""
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    if kind == "string_pattern_mismatch" and (choices := _ALTERNATIVES.match(str(ctx.get("pattern", "")))):
        kind, ctx = "literal_error", {"expected": ", ".join(choices.group(1).split("|"))}  # «^(csv|xlsx)$»: a choice
    texts = _PROBLEMS.get(kind)
    if texts is None:
        return dict.fromkeys(_LANGS, str(error.get("msg", "")))
    if "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace("'", "").replace(" or ", ", ")
    try:
        return {lang: text.format(**ctx) for lang, text in zip(_LANGS, texts, strict=True)}
    except (KeyError, IndexError, ValueError):  # a context pydantic did not give: its own words
        return dict.fromkeys(_LANGS, str(error.get("msg", "")))


def describe(errors: Sequence[Mapping[str, Any]], lang: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The error's message in every language, naming the first problems, and ``details.fields``: each field
    where it was («body.question», as before), its problem in ``lang`` and in English, and pydantic's type."""
    rows = []
    for error in errors:
        loc = error.get("loc", ())
        # a body that is no JSON: pydantic's «field» is the character where reading stopped
        name = "" if error.get("type") == "json_invalid" else field_name(loc)
        rows.append((name, problem(error), str(error.get("type", "")), ".".join(str(p) for p in loc)))
    messages = {}
    for language in _LANGS:
        named = [_FIELD[language].format(field=name, problem=texts[language]) if name
                 else _WHOLE[language].format(body=_BODY[language], problem=texts[language])
                 for name, texts, _, _ in rows[:_SHOWN]]
        more = _MORE[language].format(n=len(rows) - _SHOWN) if len(rows) > _SHOWN else ""
        messages[language] = _LEAD[language].format(problems="; ".join(named) + more)
    fields = [{"field": where, "problem": texts.get(lang, texts["ru"]), "problem_en": texts["en"], "type": kind}
              for _, texts, kind, where in rows]
    return messages, fields
