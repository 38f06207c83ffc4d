"""Formula injection is neutralised in every exported cell."""

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
