"""Zip bombs are refused before a ZIP-based document (DOCX, XLSX) is opened.

Each member's declared size and compression ratio are checked against limits, then every member is
inflated in 1 MiB pieces, counting what it really gives, so a member that lies about its size is
caught without holding more than one piece in memory. A 2 MB file that unpacks to 2 GiB is refused
in milliseconds instead of being handed to a library that reads the whole member into memory.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from azs_assistant.errors import CorruptDocument, FileTooLarge

MAX_MEMBERS = 10_000
# Apache POI's default for OOXML (its MIN_INFLATE_RATIO 0.01). Office XML compresses 5-30 times;
# a run of one repeated byte, the stuff of zip bombs, about 1000 times.
MAX_RATIO = 100
RATIO_GRACE = 1 << 20  # members below 1 MiB (styles, settings) may compress better than that
PIECE = 1 << 20


def check_zip(data: bytes, name: str, max_unpacked: int) -> None:
    """Refuse a ZIP container whose members would unpack beyond ``max_unpacked`` bytes in all,
    compress suspiciously well, are too many, or do not inflate to what they declare."""
    if data.count(b"PK\x01\x02") > MAX_MEMBERS:  # central directory entries, counted before zipfile lists them
        raise _too_large(name, f"в архиве больше {MAX_MEMBERS} частей", "too many members")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            _check_declared(members, name, max_unpacked)
            _check_inflated(archive, members, name, max_unpacked)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        raise CorruptDocument(f"Файл {name} повреждён: архив внутри него не читается.",
                              f"{name}: broken ZIP container: {exc}",
                              message_kk=f"{name} файлы бүлінген: ішіндегі мұрағат оқылмайды.", file=name) from exc


def _check_declared(members: list[zipfile.ZipInfo], name: str, max_unpacked: int) -> None:
    total = sum(m.file_size for m in members)
    if total > max_unpacked:
        raise _too_large(name, f"после распаковки {_mb(total)} МБ при лимите {_mb(max_unpacked)} МБ",
                         f"unpacks to {total} bytes (limit {max_unpacked})")
    for m in members:
        if m.file_size > RATIO_GRACE and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise _too_large(name, f"часть {m.filename} сжата в {ratio} раз (допустимо до {MAX_RATIO})",
                             f"member {m.filename} compressed {ratio}:1")


def _check_inflated(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str, max_unpacked: int) -> None:
    total = 0
    for m in members:
        inflated = 0
        with archive.open(m) as member:  # zipfile stops at the declared size and checks the CRC
            while piece := member.read(PIECE):
                inflated += len(piece)
                total += len(piece)
                if total > max_unpacked:
                    raise _too_large(name, f"после распаковки больше {_mb(max_unpacked)} МБ",
                                     f"unpacks to more than {max_unpacked} bytes")
        if inflated != m.file_size:
            raise CorruptDocument(f"Файл {name} повреждён: часть {m.filename} не совпадает с заявленным размером.",
                                  f"{name}: member {m.filename} inflates to {inflated}, declares {m.file_size}",
                                  message_kk=f"{name} файлы бүлінген: {m.filename} бөлігі мәлімделген өлшемге сәйкес "
                                             "келмейді.", file=name)


def _too_large(name: str, why_ru: str, why_en: str) -> FileTooLarge:
    return FileTooLarge(f"Файл {name} отклонён: {why_ru} — похоже на zip-бомбу. Если файл настоящий, "
                        "пересохраните его или разбейте на части.", f"{name} refused as a zip bomb: {why_en}",
                        file=name)


def _mb(size: int) -> str:
    return f"{size / 1048576:.0f}"
