"""One-off load of an incident log from CSV or XLSX, with the same field mapping as a source.

Columns are found by the incident field name, by a mapping given by the user, or by common Russian
headers («Номер», «АЗС», «Дата»…). The CSV encoding (UTF-8, UTF-8 with BOM, Windows-1251) and
delimiter (comma, semicolon, tab) are detected unless given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from azs_assistant.errors import CorruptDocument, InvalidInput, UnsupportedFormat
from azs_assistant.incidents.records import FIELDS, IMPORT_ORIGIN, REQUIRED, StoreResult, store
from azs_assistant.storage.db import Database

HEADER_ALIASES = {
    "incident_id": ("id", "номер", "номер инцидента", "№", "инцидент"),
    "station_id": ("станция", "азс", "код азс", "station"),
    "region": ("регион", "область", "филиал"),
    "occurred_at": ("дата", "дата и время", "время", "дата инцидента", "occurred"),
    "category": ("категория", "тип", "вид инцидента", "type"),
    "equipment": ("оборудование",),
    "description": ("описание", "текст"),
    "actions_taken": ("принятые меры", "меры", "действия", "actions"),
    "resolved_at": ("устранено", "дата устранения", "закрыт", "resolved"),
    "severity": ("серьезность", "серьёзность", "критичность", "уровень", "важность"),
}
BATCH = 2000


def _header_map(headers: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """incident field → file header."""
    lowered = {h.strip().lower(): h for h in headers if h}
    result: dict[str, str] = {}
    for name in FIELDS:
        if name in mapping:
            wanted = mapping[name].strip().lower()
            if wanted not in lowered:
                raise InvalidInput(f"В файле нет столбца «{mapping[name]}» (для поля {name}).",
                                   f"No column {mapping[name]!r} for {name}.")
            result[name] = lowered[wanted]
            continue
        for candidate in (name, *HEADER_ALIASES.get(name, ())):
            if candidate in lowered:
                result[name] = lowered[candidate]
                break
    missing = [name for name in REQUIRED if name not in result]
    if missing:
        raise InvalidInput(
            f"Не найдены столбцы для полей: {', '.join(missing)}. Укажите их: --map поле=Столбец.",
            f"Columns not found for {missing}; pass --map field=Column.")
    return result


def _decode(data: bytes, encoding: str | None) -> str:
    if encoding:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InvalidInput(f"Файл не читается в кодировке {encoding}.", f"Cannot decode as {encoding}.") from exc
    for candidate in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("Не удалось определить кодировку файла; укажите --encoding.", "Unknown encoding.")


def _csv_rows(path: Path, encoding: str | None) -> Iterator[dict[str, Any]]:
    text = _decode(path.read_bytes(), encoding)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.DictReader(io.StringIO(text), dialect=dialect)


def _xlsx_rows(path: Path) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise CorruptDocument(f"Файл {path.name} не открывается как XLSX.", f"{path.name}: not an XLSX file.") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        for values in rows:
            if any(v not in (None, "") for v in values):
                yield dict(zip(headers, values, strict=False))
    finally:
        book.close()


def import_file(db: Database, path: Path, *, mapping: Mapping[str, str] | None = None,
                encoding: str | None = None, date_format: str | None = None) -> StoreResult:
    """Store the incidents of a CSV or XLSX file (insert new, update changed, report bad rows)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        rows: Iterator[dict[str, Any]] = _csv_rows(path, encoding)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise UnsupportedFormat(f"Формат {suffix or 'без расширения'} не поддерживается: нужен CSV или XLSX.",
                                f"Unsupported format {suffix}: use CSV or XLSX.")
    first = next(rows, None)
    if first is None:
        raise InvalidInput(f"В файле {path.name} нет строк с данными.", f"{path.name} has no data rows.")
    columns = _header_map(list(first), mapping or {})
    total = StoreResult()
    origin = f"{IMPORT_ORIGIN}{path.name}"[:200]

    def mapped(line: int, row: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        return f"строка {line}", {name: row.get(header) for name, header in columns.items()}

    batch = [mapped(2, first)]
    for line, row in enumerate(rows, start=3):
        batch.append(mapped(line, row))
        if len(batch) >= BATCH:
            total.add(_store_batch(db, batch, origin, date_format))
            batch = []
    if batch:
        total.add(_store_batch(db, batch, origin, date_format))
    return total


def _store_batch(db: Database, batch: list[tuple[str, dict[str, Any]]], origin: str,
                 date_format: str | None) -> StoreResult:
    """One batch under the incidents writer lock: another import of the same rows running at the
    same time finds them stored (unchanged) instead of inserting them twice."""
    with db.writing("incidents") as s:
        return store(s, batch, origin, date_format)
