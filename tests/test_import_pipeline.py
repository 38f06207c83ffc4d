"""The reading pipeline as a whole (imports/parsing.py): the collector pause around it is always undone."""

import gc

import pytest

from imports.parsing import WorkplanImportError, cyclic_gc_paused, parse_file

CSV = "Objectif;Activités;Indicateurs;Responsables\nObjectif 1 : Protéger;Former;10 sessions;HCR\n".encode()


def test_the_collector_runs_again_after_a_parse_and_after_a_refused_file():
    assert gc.isenabled()
    plan = parse_file(CSV, "plan.csv")
    assert plan.counts()["activities"] == 1 and gc.isenabled()
    with pytest.raises(WorkplanImportError):
        parse_file(b"", "plan.csv")
    assert gc.isenabled()
    with pytest.raises(WorkplanImportError):
        parse_file(b"a;b\n1;2\n", "plan.csv")  # no header
    assert gc.isenabled()


def test_the_collector_is_paused_inside_and_left_as_it_was_found():
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # paused by someone else: not resumed here
    finally:
        gc.enable()
