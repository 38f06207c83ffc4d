"""Small text helpers shared by the domain and the importer."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text):
    """Lower-case ``text`` and drop accents, keeping spaces and punctuation."""
    text = str(text or "")
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def normalize_name(text):
    """The matching key of a name: no case, no accents, no spaces, hyphens or punctuation.

    >>> normalize_name("GT-LAMH") == normalize_name("gt lamh") == "gtlamh"
    True
    """
    return _NON_ALNUM.sub("", fold(text))
