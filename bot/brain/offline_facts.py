"""The few facts the offline brain can answer for sure: arithmetic and unit conversions.

Everything else factual gets an honest "I don't know"; these are computed, not remembered, so
they cannot be out of date or made up. Inputs are parsed by a tiny recursive-descent parser
(never ``eval``), with limits on size so that nobody can make the bot print a huge number.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_TOKENS = 25
MAX_ABS = 1e15  # operands and results beyond this are refused
MAX_EXPONENT = 64

_NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
}  # fmt: skip
_TENS = {20, 30, 40, 50, 60, 70, 80, 90}

# Word operators, longest first so "multiplied by" wins over "by".
_WORD_OPS: tuple[tuple[str, str], ...] = (
    ("to the power of", "^"),
    ("multiplied by", "*"),
    ("divided by", "/"),
    ("times", "*"),
    ("plus", "+"),
    ("minus", "-"),
    ("over", "/"),
    ("add", "+"),
    ("x", "*"),
)
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[-+*/^()×÷]|\*\*")
_QUESTION_LEAD = re.compile(
    r"^(?:(?:hey|so|ok|okay|quick question|um)[, ]+)?(?:what(?:'s| is| s)?|whats|how much is|"
    r"calculate|compute|work out|solve|can you (?:calculate|work out|tell me)|do you know what|"
    r"tell me|what does)\s+",
)
_TRAILING = re.compile(r"\s*(?:equal|equals|make|come to|=)?\s*[?!.=]*\s*$")


class _ParseError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class FactAnswer:
    """A computed answer: the text to say, and what kind of fact it was."""

    text: str
    kind: str  # "arithmetic" | "conversion"


def _words_to_numbers(text: str) -> str:
    """Replace number words ("twelve", "twenty one", "three hundred") with digits."""
    words = text.split()
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _NUMBER_WORDS and word not in ("hundred", "thousand"):
            value = _NUMBER_WORDS[word]
            j = i + 1
            if value in _TENS and j < len(words) and words[j] in _NUMBER_WORDS:
                unit = _NUMBER_WORDS[words[j]]
                if 0 < unit < 10:
                    value += unit
                    j += 1
            if j < len(words) and words[j] in ("hundred", "thousand"):
                value *= _NUMBER_WORDS[words[j]]
                j += 1
            out.append(str(value))
            i = j
            continue
        out.append(word)
        i += 1
    return " ".join(out)


def _tokens(expression: str) -> list[str]:
    expression = expression.replace(",", "")
    for word, op in _WORD_OPS:
        expression = re.sub(rf"(?<=[\d)\s]){re.escape(word)}(?=[\s\d(])", f" {op} ", expression)
    expression = expression.replace("**", "^").replace("×", "*").replace("÷", "/")
    position = 0
    tokens: list[str] = []
    for match in _TOKEN.finditer(expression):
        gap = expression[position : match.start()]
        if gap.strip():
            raise _ParseError(f"unexpected text {gap.strip()!r}")
        tokens.append(match.group(0))
        position = match.end()
    if expression[position:].strip():
        raise _ParseError("unexpected trailing text")
    if not tokens or len(tokens) > MAX_TOKENS:
        raise _ParseError("no expression, or too long")
    return tokens


class _Parser:
    """expr := term (('+'|'-') term)*; term := power (('*'|'/') power)*;
    power := unary ('^' power)?; unary := '-' unary | atom; atom := number | '(' expr ')'."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.operators = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise _ParseError("expression ends too early")
        self.pos += 1
        return token

    def parse(self) -> float:
        value = self.expr()
        if self.peek() is not None:
            raise _ParseError("unexpected token")
        if self.operators == 0:
            raise _ParseError("a lone number is not a sum")
        return value

    def expr(self) -> float:
        value = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            self.operators += 1
            right = self.term()
            value = value + right if op == "+" else value - right
            _check(value)
        return value

    def term(self) -> float:
        value = self.power()
        while self.peek() in ("*", "/"):
            op = self.take()
            self.operators += 1
            right = self.power()
            if op == "*":
                value *= right
            else:
                if right == 0:
                    raise ZeroDivisionError
                value /= right
            _check(value)
        return value

    def power(self) -> float:
        base = self.unary()
        if self.peek() == "^":
            self.take()
            self.operators += 1
            exponent = self.power()
            if abs(exponent) > MAX_EXPONENT:
                raise _ParseError("exponent too large")
            if base == 0 and exponent < 0:
                raise ZeroDivisionError
            if base < 0 and exponent != int(exponent):
                raise _ParseError("complex result")
            base = base**exponent
            _check(base)
        return base

    def unary(self) -> float:
        if self.peek() == "-":
            self.take()
            return -self.unary()
        return self.atom()

    def atom(self) -> float:
        token = self.take()
        if token == "(":
            value = self.expr()
            if self.take() != ")":
                raise _ParseError("missing )")
            return value
        try:
            value = float(token)
        except ValueError:
            raise _ParseError(f"not a number: {token!r}") from None
        _check(value)
        return value


def _check(value: float) -> None:
    if math.isnan(value) or math.isinf(value) or abs(value) > MAX_ABS:
        raise _ParseError("number too large")


def format_number(value: float, *, places: int = 4) -> str:
    """A number for people: whole numbers without ".0", thousands separated, at most
    ``places`` decimals, trailing zeros dropped."""
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}"
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _arithmetic(text: str) -> FactAnswer | None:
    body = _QUESTION_LEAD.sub("", text)
    body = _TRAILING.sub("", body)
    percent = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:%|percent|per cent)\s+of\s+(\d+(?:\.\d+)?)", body)
    root = re.fullmatch(r"(?:the\s+)?square root of\s+(\d+(?:\.\d+)?)", body)
    square = re.fullmatch(r"(\d+(?:\.\d+)?)\s+(squared|cubed)", body)
    try:
        if percent:
            share, whole = float(percent.group(1)), float(percent.group(2))
            _check(share * whole)
            result = share * whole / 100
            said = f"{format_number(share)}% of {format_number(whole)}"
        elif root:
            number = float(root.group(1))
            _check(number)
            result = math.sqrt(number)
            said = f"The square root of {format_number(number)}"
        elif square:
            number = float(square.group(1))
            power = 2 if square.group(2) == "squared" else 3
            result = number**power
            _check(result)
            said = f"{format_number(number)} {square.group(2)}"
        else:
            tokens = _tokens(body)
            result = _Parser(tokens).parse()
            said = _pretty_expression(tokens)
    except ZeroDivisionError:
        return FactAnswer(
            "Dividing by zero is one thing even a computer can't do: it's undefined!",
            "arithmetic",
        )
    except _ParseError:
        return None
    approx = "" if abs(result * 10_000 - round(result * 10_000)) < 1e-6 else "about "
    return FactAnswer(f"{said} is {approx}{format_number(result)}.", "arithmetic")


def _pretty_expression(tokens: list[str]) -> str:
    shown = {"*": "×", "/": "÷", "^": "^"}
    out: list[str] = []
    for token in tokens:
        if token in ("(", ")"):
            out.append(token)
        elif token in shown or token in ("+", "-"):
            out.append(f" {shown.get(token, token)} ")
        else:
            out.append(format_number(float(token)))
    text = "".join(out).replace("( ", "(").replace(" )", ")")
    return re.sub(r"\s+", " ", text).strip()


# --- unit conversions ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Unit:
    name: str  # plural, as shown
    dimension: str
    factor: float  # to the dimension's base unit (temperature handled separately)


_UNITS: dict[str, _Unit] = {}


def _add(names: tuple[str, ...], shown: str, dimension: str, factor: float) -> None:
    for alias in names:
        _UNITS[alias] = _Unit(shown, dimension, factor)


_add(
    ("km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"),
    "kilometres",
    "length",
    1000,
)
_add(("m", "metre", "metres", "meter", "meters"), "metres", "length", 1)
_add(
    ("cm", "centimetre", "centimetres", "centimeter", "centimeters"), "centimetres", "length", 0.01
)
_add(
    ("mm", "millimetre", "millimetres", "millimeter", "millimeters"), "millimetres", "length", 0.001
)
_add(("mi", "mile", "miles"), "miles", "length", 1609.344)
_add(("yd", "yard", "yards"), "yards", "length", 0.9144)
_add(("ft", "foot", "feet"), "feet", "length", 0.3048)
_add(("inch", "inches"), "inches", "length", 0.0254)
_add(("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"), "kilograms", "mass", 1)
_add(("g", "gram", "grams"), "grams", "mass", 0.001)
_add(("lb", "lbs", "pound", "pounds"), "pounds", "mass", 0.45359237)
_add(("oz", "ounce", "ounces"), "ounces", "mass", 0.028349523125)
_add(("stone", "stones"), "stone", "mass", 6.35029318)
_add(("l", "litre", "litres", "liter", "liters"), "litres", "volume", 1)
_add(
    ("ml", "millilitre", "millilitres", "milliliter", "milliliters"), "millilitres", "volume", 0.001
)
_add(("gallon", "gallons"), "US gallons", "volume", 3.785411784)
_add(("second", "seconds", "sec", "secs"), "seconds", "time", 1)
_add(("minute", "minutes", "min", "mins"), "minutes", "time", 60)
_add(("hour", "hours", "hr", "hrs"), "hours", "time", 3600)
_add(("day", "days"), "days", "time", 86400)
_add(("week", "weeks"), "weeks", "time", 604800)
_add(("mph",), "miles per hour", "speed", 0.44704)
_add(("kph", "kmh", "km/h"), "kilometres per hour", "speed", 1 / 3.6)
_TEMPERATURES = {
    "c": "C", "celsius": "C", "centigrade": "C", "°c": "C", "degrees c": "C",
    "degrees celsius": "C", "f": "F", "fahrenheit": "F", "°f": "F", "degrees f": "F",
    "degrees fahrenheit": "F", "k": "K", "kelvin": "K",
}  # fmt: skip

_UNIT_WORD = r"(?:degrees (?:celsius|fahrenheit|c|f)|°[cf]|km/h|[a-z]+)"
_NUM = r"(-?\d+(?:\.\d+)?|an?|one)"
_CONVERT = (
    # "5 miles in km", "convert 10 kg to pounds", "what is 30 c in f"
    re.compile(
        rf"(?:convert |what is |what's |whats |how much is |how many [a-z/ ]+ is )?{_NUM}\s*"
        rf"({_UNIT_WORD})\s+(?:in|to|into|as|in to)\s+({_UNIT_WORD})\b"
    ),
    # "how many feet are in a mile", "how many grams in 3 pounds"
    re.compile(rf"how many ({_UNIT_WORD})\s+(?:are |is )?in\s+{_NUM}\s*({_UNIT_WORD})\b"),
)


def _unit(word: str) -> tuple[str, _Unit | None] | None:
    word = word.strip()
    if word in _TEMPERATURES:
        return _TEMPERATURES[word], None
    unit = _UNITS.get(word)
    return (unit.name, unit) if unit else None


def _convert(text: str) -> FactAnswer | None:
    for index, pattern in enumerate(_CONVERT):
        match = pattern.search(text)
        if not match:
            continue
        if index == 0:
            amount, source, target = match.group(1), match.group(2), match.group(3)
        else:
            target, amount, source = match.group(1), match.group(2), match.group(3)
        value = 1.0 if amount in ("a", "an", "one") else float(amount)
        if abs(value) > MAX_ABS:
            return None
        src, dst = _unit(source), _unit(target)
        if src is None or dst is None:
            continue
        return _convert_units(value, src, dst)
    return None


def _convert_units(
    value: float, src: tuple[str, _Unit | None], dst: tuple[str, _Unit | None]
) -> FactAnswer | None:
    (src_name, src_unit), (dst_name, dst_unit) = src, dst
    if src_unit is None and dst_unit is None:
        celsius = {"C": value, "F": (value - 32) * 5 / 9, "K": value - 273.15}[src_name]
        result = {"C": celsius, "F": celsius * 9 / 5 + 32, "K": celsius + 273.15}[dst_name]
        unit_text = {"C": "°C", "F": "°F", "K": "K"}
        if src_name == dst_name:
            return None
        return FactAnswer(
            f"{format_number(value)} {unit_text[src_name]} is "
            f"{_about(result)}{format_number(result, places=2)} {unit_text[dst_name]}.",
            "conversion",
        )
    if src_unit is None or dst_unit is None or src_unit.dimension != dst_unit.dimension:
        return None
    if src_unit.name == dst_unit.name:
        return None
    result = value * src_unit.factor / dst_unit.factor
    if abs(result) > MAX_ABS:
        return None
    places = 2 if abs(result) >= 1 else 4
    return FactAnswer(
        f"{format_number(value)} {_singular(src_name, value)} is "
        f"{_about(result, places)}{format_number(result, places=places)} "
        f"{_singular(dst_name, result)}.",
        "conversion",
    )


def _about(value: float, places: int = 2) -> str:
    scale = 10**places
    return "" if abs(value * scale - round(value * scale)) < 1e-6 else "about "


def _singular(unit_name: str, value: float) -> str:
    if abs(value) != 1:
        return unit_name
    irregular = {"feet": "foot", "inches": "inch", "stone": "stone"}
    if unit_name in irregular:
        return irregular[unit_name]
    if unit_name.endswith(" per hour"):
        return unit_name
    return unit_name.replace("US gallons", "US gallon").removesuffix("s")


def answer_fact(text: str) -> FactAnswer | None:
    """A computed answer to a sum or a unit conversion in ``text``, or None.

    ``text`` is the user's line, lower-cased but with its symbols ("12 * 7", "15% of 80").
    """
    text = _words_to_numbers(re.sub(r"\s+", " ", text.lower()).strip())
    converted = _convert(text)
    if converted is not None or not re.search(r"\d", text):
        return converted
    return _arithmetic(text)
