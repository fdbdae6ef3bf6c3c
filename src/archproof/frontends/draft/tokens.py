"""The task as tokens: words, numbers (digits and number words), symbols, clause breaks.

The requirements reader (`quantities.py`) works on this stream, not on the raw string, so
a number is always one token with a value, wherever it sits in the sentence:

    "about two hundred million plays a day" → WORD(about) NUM(200000000) WORD(plays) …
    "10B redirects/month"                     → NUM(10000000000) WORD(redirects) SYM(/) WORD(month)
    "reads outnumber writes 5 to 1"           → … NUM(5) WORD(to) NUM(1)

Digits carry their multiplier when it is glued or follows as a word (`100M`, `2.5 million`,
`1.2bn`); number words are read by the usual English grammar (`two hundred million`,
`a few thousand`, `a dozen`, `a couple`, `once`, `twice`). Values are exact `Fraction`s.

No dependency: the ecosystem's options were weighed (issue 13) — `word2number` reads only
whole number-word strings, `quantulum3` brings a unit database and is slow to import (the
drafter must start in well under 2 s), NLTK/spaCy need model data downloads. A 150-line
lexer over the words people use in design tasks does the job offline and exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_SMALL = {
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
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "hundred": 100,
    "hundreds": 100,
    "thousand": 10**3,
    "thousands": 10**3,
    "million": 10**6,
    "millions": 10**6,
    "billion": 10**9,
    "billions": 10**9,
    "trillion": 10**12,
    "trillions": 10**12,
}
# Glued or abbreviated multipliers after digits ("100M", "2k", "1.2bn", "5 mn").
_ABBREVIATED = {
    "k": 10**3,
    "K": 10**3,
    "m": 10**6,
    "M": 10**6,
    "mn": 10**6,
    "mm": 10**6,
    "b": 10**9,
    "B": 10**9,
    "bn": 10**9,
    "t": 10**12,
    "T": 10**12,
    "tn": 10**12,
}
# Words that stand for a number on their own ("a dozen", "a couple", "a few"), with a note
# when the reading is a convention rather than exact.
_VAGUE = {
    "dozen": (Fraction(12), None),
    "couple": (Fraction(2), None),
    "few": (Fraction(3), '"a few" read as 3'),
    "several": (Fraction(3), '"several" read as 3'),
}
_TIMES = {"once": 1, "twice": 2, "thrice": 3}
# "half a second", "half an hour", "half of the users": ½ of what follows (an "a"/"an" after
# it belongs to the number: "half a second" is 0.5 second).
_HALF = "half"
NUMBER_WORDS = (
    frozenset(_SMALL) | frozenset(_SCALES) | frozenset(_VAGUE) | frozenset(_TIMES) | {_HALF}
)

_LEX = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<word>[A-Za-z\u00b5\u03bc][A-Za-z'\u00b5\u03bc]*)"
    r"|(?P<brk>[.!?;](?=\s|$)|\n)"
    r"|(?P<sym>\S)"
)


@dataclass(frozen=True)
class Token:
    """One token: its kind (num, word, brk, sym), text, span, and value for numbers."""

    kind: str
    text: str
    start: int
    end: int
    value: Fraction | None = None
    glued: bool = False  # no space between this token and the previous one
    word_number: bool = False  # written as words ("two hundred")
    note: str | None = None

    @property
    def low(self) -> str:
        return self.text.lower()


def lex(text: str) -> list[Token]:
    """Plain tokens; numbers are merged with their multipliers by `tokens`."""
    out: list[Token] = []
    prev_end = -1
    for match in _LEX.finditer(text):
        kind = match.lastgroup or "sym"
        value = None
        if kind == "num":
            value = Fraction(match.group(0).replace(",", ""))
        out.append(
            Token(
                kind, match.group(0), match.start(), match.end(), value, match.start() == prev_end
            )
        )
        prev_end = match.end()
    return out


def tokens(text: str) -> list[Token]:
    """The token stream with every number as one NUM token (digits or words)."""
    raw = lex(text)
    out: list[Token] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if tok.kind == "num":
            i = _digits(raw, i, out)
        elif tok.kind == "word" and _starts_word_number(raw, i):
            i = _words(raw, i, out)
        else:
            out.append(tok)
            i += 1
    return out


def _digits(raw: list[Token], i: int, out: list[Token]) -> int:
    tok = raw[i]
    assert tok.value is not None
    value, end, j = tok.value, tok.end, i + 1
    if j < len(raw) and raw[j].low == "and" and _and_a_half(raw, j):
        value, end, j = value + Fraction(1, 2), raw[j + 2].end, j + 3  # "2 and a half"
    if j < len(raw) and raw[j].kind == "word":
        word = raw[j]
        if word.glued and word.text in _ABBREVIATED and _multiplier_ok(raw, j):
            value, end, j = value * _ABBREVIATED[word.text], word.end, j + 1
        elif word.low in _SCALES:
            value, end, j = value * _SCALES[word.low], word.end, j + 1
            if j < len(raw) and raw[j].kind == "word" and raw[j].low in _SCALES:
                value, end, j = value * _SCALES[raw[j].low], raw[j].end, j + 1
        elif (
            not word.glued
            and word.text in ("k", "K", "M", "bn", "mn", "B")
            and _multiplier_ok(raw, j)
        ):
            value, end, j = value * _ABBREVIATED[word.text], word.end, j + 1
    text = tok.text if end == tok.end else _span_text(raw, i, j)
    out.append(Token("num", text, tok.start, end, value, tok.glued))
    return j


def _and_a_half(raw: list[Token], j: int) -> bool:
    """`raw[j]` is the "and" of "and a half"."""
    words = [t.low for t in raw[j : j + 3]]
    return words == ["and", "a", _HALF] or words == ["and", "an", _HALF]


def _multiplier_ok(raw: list[Token], j: int) -> bool:
    """`10B redirects` is ten billion; `500B per link`, `5 B` alone are bytes, `2m` before
    a duration word is ambiguous and left to the unit reader."""
    word = raw[j]
    if word.text in ("B", "b"):
        nxt = raw[j + 1] if j + 1 < len(raw) else None
        return nxt is not None and nxt.kind == "word" and b_counts(nxt.text)
    if word.text == "m":
        return word.glued
    return True


def b_counts(next_word: str) -> bool:
    """A `B` after a number, followed by `next_word`, is a billion (`4B bounces/month`: a
    count of the word after it), not bytes (`500B per link`, `2B each`, `1B of data`)."""
    return next_word.lower() not in ("per", "each", "of")


def _span_text(raw: list[Token], i: int, j: int) -> str:
    parts = [raw[i].text]
    for k in range(i + 1, j):
        parts.append(("" if raw[k].glued else " ") + raw[k].text)
    return "".join(parts)


def _starts_word_number(raw: list[Token], i: int) -> bool:
    low = raw[i].low
    if low in ("a", "an"):
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        return (
            nxt is not None
            and nxt.kind == "word"
            and nxt.low in (set(_SCALES) | set(_VAGUE))
            and nxt.low not in ("hundreds", "thousands", "millions", "billions")
        )
    return low in NUMBER_WORDS and low not in ("hundreds", "thousands", "millions", "billions")


def _words(raw: list[Token], i: int, out: list[Token]) -> int:
    """`a few thousand`, `two hundred million`, `thirty`, `once`: one NUM token."""
    start = i
    note = None
    total = Fraction(0)
    current = Fraction(0)
    seen = False
    if raw[i].low in ("a", "an"):
        current = Fraction(1)
        i += 1
    while i < len(raw) and raw[i].kind == "word":
        low = raw[i].low
        if low in _TIMES and not seen:
            current, seen, i = Fraction(_TIMES[low]), True, i + 1
            break
        if low == _HALF and not seen:
            current, seen, i = Fraction(1, 2), True, i + 1
            if i < len(raw) and raw[i].low in ("a", "an"):
                i += 1
            # "half a dozen", "half a million": half of the number word that follows
            if i < len(raw) and raw[i].low in (
                "dozen",
                "hundred",
                "thousand",
                "million",
                "billion",
            ):
                current *= _VAGUE[raw[i].low][0] if raw[i].low == "dozen" else _SCALES[raw[i].low]
                i += 1
            break
        if low in _VAGUE and not (seen and current):
            value, note = _VAGUE[low]
            current = value
            seen = True
        elif low in _SMALL:
            current += _SMALL[low]
            seen = True
        elif low in _SCALES:
            scale = _SCALES[low]
            current = (current or Fraction(1)) * scale
            if scale >= 1000:
                total += current
                current = Fraction(0)
            seen = True
        elif low == "and" and seen and i + 1 < len(raw) and raw[i + 1].low in _SMALL:
            pass  # "two hundred and fifty"
        elif low == "and" and seen and _and_a_half(raw, i):
            current += Fraction(1, 2)  # "one and a half"
            i += 2
        elif low == "of" and raw[i - 1].low in ("couple", "dozen"):
            break
        else:
            break
        i += 1
    if not seen:
        out.append(raw[start])
        return start + 1
    value = total + current
    out.append(
        Token(
            "num",
            _span_text(raw, start, i),
            raw[start].start,
            raw[i - 1].end,
            value,
            raw[start].glued,
            word_number=True,
            note=note,
        )
    )
    return i
