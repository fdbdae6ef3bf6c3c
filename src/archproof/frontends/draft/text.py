"""Task text clean-up and small word helpers shared by the drafter's modules.

The drafter reads text written by people in many keyboards: full-width digits, « » and
curly quotes, non-breaking spaces as thousands separators, tabs. `normalize` turns all of
that into plain ASCII-ish text once, so every regex downstream can stay simple.
"""

from __future__ import annotations

import re
import unicodedata

# Quotes and dashes people type, mapped to their ASCII forms.
_PUNCTUATION = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‹": "'",
        "›": "'",
        "–": "-",
        "—": "-",
        "−": "-",
        "×": "x",
        "\t": " ",
        "…": "...",
    }
)
# A non-breaking, thin or narrow space between digit groups is a thousands separator
# ("100 000 users", French style); it must go before NFKC turns it into a plain space.
_GROUP_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=\d{3}\b)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ ]{2,}")


def normalize(task: str) -> str:
    """Plain, printable text: NFKC (full-width → ASCII), ASCII quotes, no control chars."""
    text = _GROUP_SPACE.sub("", task)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_PUNCTUATION)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub(" ", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(_unwrap(lines)).strip()


# a line that goes on a sentence: it starts in lower case (a wrapped line of prose), after a
# line that does not end one
_GOES_ON = re.compile(r"^[a-z(]")
_ENDS = re.compile(r"[.!?:;]$")


def _unwrap(lines: list[str]) -> list[str]:
    """Hard-wrapped prose joined back into its sentences: a newline breaks a clause for the
    reader (lists, headings), so "Search over titles and authors / should answer in
    under 200 ms" read as two clauses and the latency target lost its subject. Only a line
    that starts in lower case after one that ends no sentence is joined: a bullet, a
    heading or a new sentence keeps its line."""
    out: list[str] = []
    for line in lines:
        if out and out[-1] and line and _GOES_ON.match(line) and not _ENDS.search(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def slug(text: str, *, limit: int = 40) -> str:
    """`URL Shortener!` → `url-shortener` (ASCII letters, digits and dashes)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = "-".join(words)[:limit].strip("-")
    return out or "system"


def singular(word: str) -> str:
    """A rough English singular for entity names (`links` → `link`, `replies` → `reply`)."""
    w = word.lower()
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


# Words spelt with a vowel but said with a consonant ("a user", "a unique id", "a one-off").
_A_BEFORE = ("us", "uni", "use", "uti", "eu", "one", "once")


def article(noun: str) -> str:
    """The noun with its indefinite article, for the nouns a task supplies ("an item", "an
    aggregation", "a user", "an hour"): by spelling, which English mostly follows."""
    w = noun.lower()
    vowel = w[:1] in ("a", "e", "i", "o", "u") and not w.startswith(_A_BEFORE)
    return f"{'an' if vowel or w.startswith('hour') else 'a'} {noun}"


def camel(word: str) -> str:
    """`ledger_entry` / `ledger entry` → `LedgerEntry`."""
    return "".join(part.capitalize() for part in re.split(r"[\s_\-]+", word) if part)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of sentence-like clauses (split on . ! ? ; and newlines)."""
    out: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"(?<!\d)[.!?;](?!\d)|\n", text):
        end = match.start()
        if end > start:
            out.append((start, end))
        start = match.end()
    if start < len(text):
        out.append((start, len(text)))
    return out


def clause_around(text: str, position: int) -> str:
    """The sentence-like clause that contains `position`."""
    for start, end in sentences(text):
        if start <= position <= end:
            return text[start:end]
    return text


def quote(text: str, limit: int = 60) -> str:
    """A short quotation of the task for provenance notes."""
    one_line = " ".join(text.split())
    if len(one_line) <= limit:
        return one_line
    cut = one_line[: limit - 3]
    if one_line[limit - 3] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # between words: "each of them opens t..." cut one
    return cut.rstrip(" ,;:") + "..."
