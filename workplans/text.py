"""Small text helpers shared by the domain and the importer."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# the combining marks NFKD leaves behind (one regex pass instead of a Python test per character)
_COMBINING = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text):
    """Lower-case ``text`` and drop accents, keeping spaces and punctuation."""
    text = str(text or "")
    if text.isascii():
        return text.lower()
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if not text.isascii():  # rarer marks: the exact test
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower()


def normalize_name(text):
    """The matching key of a name: no case, no accents, no spaces, hyphens or punctuation.

    >>> normalize_name("GT-LAMH") == normalize_name("gt lamh") == "gtlamh"
    True
    """
    return _NON_ALNUM.sub("", fold(text))
