"""Secrets and sensitive identifiers that Hearth never stores as memories.

Two questions are asked of a text:

- :func:`find` — does it contain anything sensitive at all? A memory whose content does is
  never stored, whoever proposed it (the pattern extractor, the LLM, or the user).
- :func:`disclosed` — is the user *sharing* such data about themselves ("my number is ...",
  "here's my API key ...")? Then Hearth says it will not keep it. Secrets that look like
  credentials are always reported (a pasted token should be revoked); emails and phone
  numbers only when the user offers them as theirs, so "mail support@example.com" is not
  scolded.
"""

from __future__ import annotations

import re
from typing import Literal

SensitiveKind = Literal["password", "secret", "card", "government_id", "phone", "email", "address"]

# How each kind is named in "I won't store ..." (plural, lower case).
PLURALS: dict[str, str] = {
    "password": "passwords or codes",
    "secret": "API keys, tokens or other secrets",
    "card": "payment card numbers",
    "government_id": "government ID numbers",
    "phone": "phone numbers",
    "email": "email addresses",
    "address": "exact addresses",
}
ORDER: tuple[SensitiveKind, ...] = (
    "password",
    "secret",
    "card",
    "government_id",
    "phone",
    "email",
    "address",
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_UK_NI = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
# An id word followed closely by digits ("QQ 12 34 56 C"), checked in _id_numbers().
_ID_WORDS = re.compile(
    r"\b(?:ssn|social security(?: number)?|passport(?: number| no\.?)?|"
    r"national (?:id|identity|insurance)(?: number| card)?|ni number|id(?: card)? number|"
    r"identity (?:card )?number|driver'?s?'? licen[cs]e(?: number)?|tax (?:id|number|code)|"
    r"aadhaar|nhs number|sin number|personal (?:id|number)|citizen (?:id|number))\b"
    r"(?P<tail>[^.!?\n]{0,30})",
    re.IGNORECASE,
)
_PASSWORD = re.compile(
    r"\b(?:password|passwd|pass word|passcode|passphrase|pin(?: code| number)?|"
    r"2fa code|one[- ]time code|otp|verification code|security code|recovery (?:code|phrase)|"
    r"seed phrase|login)s?\b\s*(?:is|was|=|:|'s|will be|are)\s*\S+",
    re.IGNORECASE,
)
_TOKENS = re.compile(
    r"\bsk-[A-Za-z0-9_-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_\w{20,}|"
    r"\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_-]{30,}|"
    r"\b[MNO][A-Za-z0-9_-]{22,27}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,}|"
    r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|"
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----"
)
_SECRET_WORDS = re.compile(
    r"\b(?:api[ _-]?key|access[ _-]?key|access[ _-]?token|auth[ _-]?token|bot token|token|"
    r"secret(?: key)?|client secret|private key|credentials?)\b\s*(?:is|=|:|'s)\s*\S{8,}",
    re.IGNORECASE,
)
# A long run of letters and digits mixed (hashes, keys): a secret when offered as one's own.
_OPAQUE = re.compile(r"(?<![\w/.-])(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[A-Za-z0-9_+/=-]{32,}")
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
_DATE = re.compile(r"^(?:\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})$")
_STREET = re.compile(
    r"\b\d{1,5}[A-Za-z]?,?\s+(?:[A-Za-z'.-]+\s+){0,4}?"
    r"(?:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
    r"terrace|crescent|close|square|sq|highway|hwy|parkway|pkwy|alley|row|mews|gardens|grove|"
    r"walk|hill)\b\.?",
    re.IGNORECASE,
)
_STREET_FIRST = re.compile(
    r"\b(?:rue|via|calle|avenida|rua|viale|avenue|boulevard)\s+(?:[\w'-]+\s+){1,4}?\d{1,4}\b|"
    r"\b\w+(?:straße|strasse|gasse|weg|platz|laan|straat|gade|vej|gatan|katu)\s+\d{1,4}\b",
    re.IGNORECASE,
)
_UNIT = re.compile(r"\b(?:apt|apartment|flat|unit|suite)\s*#?\s*\d+[A-Za-z]?\b", re.IGNORECASE)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
_LIVE_AT = re.compile(
    r"\b(?:i|we) (?:live|stay|am staying|are staying|reside) at\b[^.!?\n]*\d|"
    r"\bmy (?:home |street |postal |mailing |house )?address\b[^.!?\n]{0,12}(?:is|:)\s*\S|"
    r"\bmy (?:post ?code|zip(?: code)?)\b[^.!?\n]{0,6}(?:is|:)\s*\S",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"\b(?:my|mine|me|i|i'm|im|i am|we|our|reach me|contact me|call me|text me|message me|"
    r"email me|mail me|ring me|whatsapp me)\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?])\s+|\n+")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _id_numbers(text: str) -> bool:
    # Five digits or more: a year ("my passport expires in 2030") is not an id.
    return any(sum(ch.isdigit() for ch in m["tail"]) >= 5 for m in _ID_WORDS.finditer(text))


def _cards(text: str) -> bool:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits) and len(set(digits)) > 1:
            return True
    return False


def _phones(text: str) -> bool:
    for match in _PHONE.finditer(text):
        raw = match.group().strip()
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or _DATE.match(raw):
            continue
        if re.fullmatch(r"\d{4}", raw) or re.fullmatch(r"(?:19|20)\d\d\s*-\s*(?:19|20)\d\d", raw):
            continue  # a year, or a range of years
        return True
    return False


def _addresses(text: str) -> bool:
    return bool(
        _STREET.search(text)
        or _STREET_FIRST.search(text)
        or _UNIT.search(text)
        or _POSTCODE.search(text)
        or _LIVE_AT.search(text)
    )


def find(text: str) -> list[SensitiveKind]:
    """Every kind of sensitive data in ``text``, in a fixed order (empty: none)."""
    found: set[SensitiveKind] = set()
    if _PASSWORD.search(text):
        found.add("password")
    if _TOKENS.search(text) or _SECRET_WORDS.search(text) or _OPAQUE.search(text):
        found.add("secret")
    has_card = _cards(text)
    if has_card:
        found.add("card")
    if _SSN.search(text) or _UK_NI.search(text) or _id_numbers(text):
        found.add("government_id")
    # A card number also looks like a long phone number; it is reported once, as a card.
    if not has_card and _phones(_SSN.sub(" ", text)):
        found.add("phone")
    if _EMAIL.search(text):
        found.add("email")
    if _addresses(text):
        found.add("address")
    return [kind for kind in ORDER if kind in found]


def disclosed(text: str) -> list[SensitiveKind]:
    """The kinds of sensitive data the user is offering as their own in ``text``."""
    found: set[SensitiveKind] = set()
    for sentence in _SENTENCES.split(text):
        kinds = find(sentence)
        if not kinds:
            continue
        personal = bool(_FIRST_PERSON.search(sentence))
        for kind in kinds:
            if kind in ("phone", "email", "address") and not personal:
                continue
            if kind == "secret" and not personal and not _TOKENS.search(sentence):
                continue  # a hash or id pasted in passing, not offered as a secret
            found.add(kind)
    return [kind for kind in ORDER if kind in found]


def describe(kinds: list[SensitiveKind]) -> str:
    """How a notice names the kinds, e.g. "phone numbers or email addresses"."""
    names = [PLURALS[k] for k in ORDER if k in kinds]
    if len(names) <= 1:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " or " + names[-1]
