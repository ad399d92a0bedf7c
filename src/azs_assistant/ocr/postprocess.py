"""Corrections after OCR that a Russian reader would make without thinking.

- With ``rus+kaz+eng`` Tesseract sometimes picks a Latin letter that looks like a Cyrillic one
  («Hapa» for «Нара»). In a line that is mostly Cyrillic, a word made only of such look-alikes, or
  mixing both scripts, is written in Cyrillic.
- A word the Russian dictionary does not know, which becomes a known word by one swap of letters
  Tesseract often confuses («зашите» → «защите»), is corrected.
- On a page that prints «ё» (the reading found it somewhere), a word read with «е» gets its «ё» back
  where the dictionary leaves no doubt («ПРИЕМУ» → «ПРИЁМУ», but «все» stays: «всё» or «все»).
  Pages printed without «ё», as most are, are left as printed.
"""

from __future__ import annotations

import re

_LATIN_TO_CYR = str.maketrans("ABCEHKMOPTXaceopxyrb", "АВСЕНКМОРТХасеорхугь")
_LOOKALIKE_LATIN = set("ABCEHKMOPTXaceopxyr")
# Car plates keep their Latin letters (Kazakhstan: «908 AHO 06», Russia: «А123ВС 77» is Cyrillic anyway).
_PLATE = re.compile(r"\b\d{3}\s?[A-Z]{2,3}\s?\d{2}\b")
# The same plate with its letters read as Cyrillic look-alikes («123 АВС 02»): Kazakhstan's plates are
# Latin. Russian plates put a letter first («А123ВС 77»), so they never match.
_PLATE_READ_CYRILLIC = re.compile(r"\b(\d{3}\s?)([ABCEHKMOPTXYАВСЕНКМОРТХУ]{2,3})(\s?\d{2})\b")
# «№» read as the Latin «No», «N°», «Nº» (or «N») before a number, in a Cyrillic line.
_NUMERO = re.compile(r"(?<![A-Za-z])N[oº°]?\.?(\s?)(?=\d)")
_CYR_TO_LATIN = str.maketrans("АВСЕНКМОРТХУ", "ABCEHKMOPTXY")
_CONFUSIONS = [("ш", "щ"), ("щ", "ш"), ("и", "й"), ("й", "и"), ("е", "ё"), ("ь", "ъ"), ("ц", "щ"), ("л", "п"),
               ("п", "л"), ("н", "и"), ("и", "н"), ("в", "в"), ("ы", "ь"), ("з", "э"), ("э", "з"),
               ("с", "о"), ("о", "с")]  # «Псдпись»: a thin «о» on unseen scans
_WORD = re.compile(r"[A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]+")


def _cyrillic_share(line: str) -> float:
    letters = [c for c in line if c.isalpha()]
    return sum("а" <= c.lower() <= "я" or c in "ёЁ" for c in letters) / len(letters) if letters else 0.0


def fix_scripts(line: str, cyrillic_page: bool = False) -> str:
    """A line's look-alike Latin words in Cyrillic, where the line is mostly Cyrillic, or where the
    page is (``cyrillic_page``) and the line has no Latin letter without a Cyrillic look-alike
    (a heading «AKT No 7» on an unseen Russian act); «No 7» before a number as «№ 7» there."""
    line = _PLATE_READ_CYRILLIC.sub(lambda m: m.group(1) + m.group(2).translate(_CYR_TO_LATIN) + m.group(3), line)
    rest = _PLATE.sub(" ", line)
    only_lookalikes = cyrillic_page and all(c in _LOOKALIKE_LATIN for c in _NUMERO.sub(" ", rest)
                                            if c.isascii() and c.isalpha())
    if _cyrillic_share(rest) < 0.6 and not only_lookalikes:
        return line
    line = _NUMERO.sub(r"№\1", line)

    def repl(m: re.Match[str]) -> str:
        word = m.group()
        latin = [c for c in word if c.isascii() and c.isalpha()]
        if latin and all(c in _LOOKALIKE_LATIN for c in latin):
            return word.translate(_LATIN_TO_CYR)
        return word

    plates = [m.span() for m in _PLATE.finditer(line)]
    out, pos = [], 0
    for start, end in plates + [(len(line), len(line))]:
        out.append(re.sub(r"[A-Za-zА-Яа-яЁё0-9-]+", repl, line[pos:start]))
        out.append(line[start:end])
        pos = end
    return "".join(out)


def fix_confusions(line: str, known) -> str:  # type: ignore[no-untyped-def]
    def repl(m: re.Match[str]) -> str:
        word = m.group()
        low = word.lower()
        if len(low) < 4 or not all("а" <= c <= "я" or c == "ё" for c in low) or known(low):
            return word
        for i, ch in enumerate(low):
            for a, b in _CONFUSIONS:
                if ch == a and a != b:
                    cand = low[:i] + b + low[i + 1:]
                    if known(cand):
                        fixed = word[:i] + (b.upper() if word[i].isupper() else b) + word[i + 1:]
                        return fixed
        return word

    return _WORD.sub(repl, line)


def restore_yo(line: str, parse) -> str:  # type: ignore[no-untyped-def]
    def repl(m: re.Match[str]) -> str:
        word = m.group()
        low = word.lower()
        if "е" not in low or not all("а" <= c <= "я" for c in low):
            return word
        forms = {p.word for p in parse(low)}
        if len(forms) != 1:
            return word
        form = forms.pop()
        if "ё" not in form or len(form) != len(low) or form.replace("ё", "е") != low:
            return word
        return "".join(("Ё" if c.isupper() else "ё") if f == "ё" else c for c, f in zip(word, form, strict=True))

    return _WORD.sub(repl, line)


def correct(text: str) -> str:
    """The corrections, line by line."""
    from azs_assistant.language.analyzer import get_analyzer

    morph = get_analyzer()._morph
    yo = "ё" in text.lower()
    cyrillic_page = _cyrillic_share(_NUMERO.sub(" ", _PLATE.sub(" ", text))) >= 0.8
    lines = [fix_confusions(fix_scripts(line, cyrillic_page), morph.word_is_known) for line in text.split("\n")]
    return "\n".join(restore_yo(line, morph.parse) if yo else line for line in lines)
