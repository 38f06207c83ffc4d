"""Formula injection is neutralised in every CSV cell, and the mark comes off when our files are read back."""

import pytest

from clusterplan.lib.exporting import neutralise, neutralise_row


@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_is_prefixed(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@pytest.mark.parametrize("safe", ["Rapport", "36 rapports", "", "a=b"])
def test_plain_text_is_unchanged(safe):
    assert neutralise(safe) == safe


def test_numbers_and_none_are_unchanged():
    assert neutralise_row([-3, 2.5, None]) == [-3, 2.5, None]


@pytest.mark.parametrize("text", ["=1+1", "+223 76 12 34 56", "-", "@SUM(A1)"])
def test_the_protective_mark_comes_off_when_read_back(text):
    from clusterplan.lib.exporting import unneutralise

    assert unneutralise(neutralise(text)) == text


@pytest.mark.parametrize("kept", ["'quoted'", "l'eau", "'", "", None, 5])
def test_other_apostrophes_are_kept(kept):
    from clusterplan.lib.exporting import unneutralise

    assert unneutralise(kept) == kept
