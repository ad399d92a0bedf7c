"""A file name written in Latin letters for Russian words («10_kontakty_sluzhb.csv») read back in Cyrillic
(«Контакты служб»), for a document's title where the file itself has none.

Only a name whose every word the Russian dictionary knows is taken: «programma_loyalnosti» would come back as
«программа лоялности» (the soft sign is not written in the Latin), and a misspelt title is worse than the file's
name. An English name («price_list») or a Kazakh one («zhadynama») is not Russian and stays as it is. A short
unknown word is an abbreviation («trk», «azs»: «ТРК», «АЗС»); one in capitals («QR», «POS») stays Latin.
"""

from __future__ import annotations

import re

from azs_assistant.language.analyzer import get_analyzer

_PAIRS = (("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
          ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("iy", "ий"), ("yy", "ый"))
_SINGLE = str.maketrans({"a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
                         "i": "и", "j": "й", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
                         "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "y": "ы",
                         "z": "з", "'": "ь"})
_VOWELS = "аеёиоуыэюя"
# a number or a code in capitals before the name: «15_», «BO_21_», «DEV-D08_» (not «prikaz_15_», a word)
_PREFIX = re.compile(r"^(?:[A-Z]{1,6}[-_ ])?[A-Z]{0,2}\d+[\s._-]+")
_ONE_LETTER_WORDS = set("ivskoua")  # и, в, с, к, о, у, а


def _cyrillic(word: str) -> str:
    out = word
    for latin, letter in _PAIRS:
        out = out.replace(latin, letter)
    return out.translate(_SINGLE)


def _spellings(word: str) -> list[str]:
    """The Cyrillic word and the letters the Latin does not tell apart: «э» for an «e» that opens a word or
    follows a vowel, «й» for a closing «y», a soft sign at the end («bezopasnost»)."""
    base = _cyrillic(word)
    firsts = [base]
    if base.startswith("е"):
        firsts.append("э" + base[1:])
    out = []
    for w in firsts:
        e_after_vowel = re.sub(f"(?<=[{_VOWELS}])е", "э", w)
        for v in dict.fromkeys((w, e_after_vowel)):
            out += [v, v + "ь"]
            if v.endswith("ы"):
                out.append(v[:-1] + "й")
    return list(dict.fromkeys(out))


def cyrillic_name(stem: str) -> str | None:
    """The file name's words in Cyrillic, capitalised, or None where they are not Russian words. One word alone
    is not taken («report» and «test» are in the Russian dictionary too); a word and an abbreviation are."""
    name = _PREFIX.sub("", stem).replace("_", " ").replace("-", " ").strip()
    if not name or re.search(r"[А-Яа-яЁё]", name):
        return None
    analyzer = get_analyzer()
    parts, words, abbreviations = [], 0, 0
    for token in name.split():
        lower = token.lower()
        if not re.fullmatch(r"[a-z']+", lower) or (token.isupper() and len(token) > 1):
            parts.append(token)  # «211P», «AZS7», «QR»: as written
        elif len(lower) == 1:
            parts.append(_cyrillic(lower) if lower in _ONE_LETTER_WORDS else token.upper())  # «i»: и; «z»: Z
        elif known := next((s for s in _spellings(lower) if analyzer.is_known(s)), None):
            parts.append(known)
            words += 1
        elif len(lower) <= 4 and not any(ch in "aeiouy" for ch in lower[1:]):
            parts.append(_cyrillic(lower).upper())  # «trk»: ТРК
            abbreviations += 1
        else:
            return None
    if not words or words + abbreviations < 2:
        return None
    text = " ".join(parts)
    return text[:1].upper() + text[1:]
