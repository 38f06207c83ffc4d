"""Small text helpers shared by the domain and the importer."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# the combining marks NFKD leaves behind (one regex pass instead of a Python test per character)
_COMBINING = re.compile("[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


# short non-ASCII texts already folded: the importer folds the same cell for several purposes (an
# indicator's kind, its disaggregation, its aggregation); emptied when full (at most a few MB)
_FOLDED = {}
_FOLDED_MAX = 16384
_FOLDED_CHARS = 400


def fold(text):
    """Lower-case ``text`` and drop accents, keeping spaces and punctuation."""
    text = str(text or "")
    if text.isascii():
        return text.lower()
    done = _FOLDED.get(text)
    if done is not None:
        return done
    done = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    if not done.isascii():  # rarer marks: the exact test
        done = "".join(ch for ch in done if not unicodedata.combining(ch))
    done = done.lower()
    if len(text) <= _FOLDED_CHARS:
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        _FOLDED[text] = done
    return done


def normalize_name(text):
    """The matching key of a name: no case, no accents, no spaces, hyphens or punctuation.

    >>> normalize_name("GT-LAMH") == normalize_name("gt lamh") == "gtlamh"
    True
    """
    return _NON_ALNUM.sub("", fold(text))
