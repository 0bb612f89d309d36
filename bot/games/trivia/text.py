"""Text normalisation shared by the answer judge and the question-bank validator.

`tokens(text)` turns free text into comparable word tokens:

- Unicode is folded: case-insensitive, diacritics dropped ("Beyoncé" -> "beyonce"), and a few
  letters that do not decompose are spelled out ("ø" -> "o", "æ" -> "ae", "ß" -> "ss").
- "&" becomes "and", "+" becomes "plus", "%" becomes "percent"; apostrophes vanish
  ("O'Keeffe" -> "okeeffe", "it's" -> "its"); every other punctuation mark separates words,
  except a decimal point between digits.
- Thousands separators and ordinal suffixes go ("1,000" -> "1000", "21st" -> "21").
- Runs of number words become digits ("twenty-one" -> "21", "one thousand nine hundred and
  sixty-nine" -> "1969", "a hundred" -> "100", year style "nineteen eighty-four" -> "1984"),
  so digits and words compare alike.
"""

from __future__ import annotations

import re
import unicodedata

_SPECIAL_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ı": "i",
        "ß": "ss",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
    }
)

_UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_SCALES)

_THOUSANDS_SEP = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
# Anything that is not a word character separates tokens, and so does a dot unless it sits
# between two digits (a decimal point).
_SEPARATORS = re.compile(r"[^\w.]+|_+|(?<!\d)\.|\.(?!\d)")
_NUMBER_TOKEN = re.compile(r"\d+(?:\.\d+)?")


def fold(text: str) -> str:
    """Case-fold `text` and strip diacritics (NFKD, combining marks removed)."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LETTERS))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def raw_tokens(text: str) -> list[str]:
    """Folded, punctuation-free tokens of `text`, before number words are converted."""
    text = fold(text)
    text = text.replace("&", " and ").replace("+", " plus ").replace("%", " percent ")
    text = text.replace("'", "")
    text = _THOUSANDS_SEP.sub("", text)
    text = _ORDINAL.sub(r"\1", text)
    return [tok for tok in _SEPARATORS.split(text) if tok]


def is_number_token(token: str) -> bool:
    """True for a token made of digits (with an optional decimal part)."""
    return _NUMBER_TOKEN.fullmatch(token) is not None


def _small_groups(words: list[str]) -> list[int] | None:
    """Split scale-free number words into sub-100 groups ("nineteen eighty four" -> [19, 84]).

    Returns None when the words do not form well-shaped groups.
    """
    groups: list[int] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _TENS:
            value = _TENS[word]
            if i + 1 < len(words) and words[i + 1] in _UNITS and 0 < _UNITS[words[i + 1]] < 10:
                value += _UNITS[words[i + 1]]
                i += 1
            groups.append(value)
        elif word in _UNITS:
            groups.append(_UNITS[word])
        else:
            return None
        i += 1
    return groups


def _run_value(words: list[str]) -> list[int]:
    """Numeric values of one run of number words (usually one value, sometimes several)."""
    if not any(word in _SCALES for word in words):
        groups = _small_groups(words)
        if groups is None:
            return []
        # "nineteen eighty four" or "twenty twenty": a year said in two halves.
        if len(groups) == 2 and 10 <= groups[0] <= 99 and 10 <= groups[1] <= 99:
            return [groups[0] * 100 + groups[1]]
        return groups
    total = 0
    current = 0
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * _SCALES[word]
            current = 0
    return [total + current]


def _format_number(value: int) -> str:
    return str(value)


def tokens(text: str) -> list[str]:
    """Normalised tokens of `text`: folded, punctuation-free, number words as digits."""
    words = raw_tokens(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        starts_run = word in NUMBER_WORDS or (
            word == "a" and i + 1 < len(words) and words[i + 1] in _SCALES
        )
        # "2 million" and "3 thousand": a digit token followed by a scale word.
        if is_number_token(word) and "." not in word and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt in ("thousand", "million", "billion"):
                out.append(_format_number(int(word) * _SCALES[nxt]))
                i += 2
                continue
        if not starts_run:
            out.append(word)
            i += 1
            continue
        run: list[str] = []
        j = i
        if word == "a":
            j += 1
        while j < len(words):
            current = words[j]
            if current in NUMBER_WORDS:
                run.append(current)
                j += 1
            elif (
                current == "and"
                and run
                and j + 1 < len(words)
                and words[j + 1] in NUMBER_WORDS
                and any(w in _SCALES for w in run)
            ):
                # "one hundred and five": the "and" belongs to the number.
                j += 1
            else:
                break
        values = _run_value(run)
        if values:
            out.extend(_format_number(v) for v in values)
        else:
            out.extend(run)
        i = j
    return out


ARTICLES = frozenset({"the", "a", "an"})


def strip_leading_article(toks: list[str]) -> list[str]:
    """Drop a leading "the", "a" or "an" unless it is the only token."""
    if len(toks) > 1 and toks[0] in ARTICLES:
        return toks[1:]
    return toks


def normalise(text: str) -> str:
    """The canonical comparison form of `text`: tokens joined by single spaces, no article."""
    return " ".join(strip_leading_article(tokens(text)))


def number_value(token: str) -> float | None:
    """The numeric value of a number token, or None."""
    if not is_number_token(token):
        return None
    return float(token)
