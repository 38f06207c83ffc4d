"""export_workplan: the JSON tree, the clean workbook, the round trip and idempotence."""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from imports.export import workplan_tree_data
from imports.parsing import parse_file
from imports.services import workplan_import_commit
from workplans.models import Activity, Workplan

WORKBOOKS = Path(settings.BASE_DIR) / "fixtures" / "workplans"
STEMS = ["plan-de-travail-2019", "plan-mise-en-oeuvre-cp-2020-2022", "strategie-protection-ehp-2020-2022"]


def load(stem, slug=None):
    path = WORKBOOKS / f"{stem}.xlsx"
    return workplan_import_commit(parse_file(path.read_bytes(), path.name), slug=slug or stem).workplan


def export_json(slug):
    out = io.StringIO()
    call_command("export_workplan", slug, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def without_ids(data):
    if isinstance(data, dict):
        return {k: without_ids(v) for k, v in data.items() if k not in ("id", "slug")}
    if isinstance(data, list):
        return [without_ids(v) for v in data]
    return data


def test_json_shape(db, cluster):
    load("strategie-protection-ehp-2020-2022", "ehp")
    data = export_json("ehp")
    assert {"title", "slug", "objectives"} <= set(data)
    axis = data["objectives"][0]
    assert {"code", "title", "objectives", "results", "activities"} <= set(axis)
    assert axis["code"] == "AXE 1" and len(axis["objectives"]) == 3
    activity = axis["objectives"][0]["activities"][0]
    assert {"id", "code", "title", "level", "status", "actors", "periods", "indicators"} <= set(activity)
    assert activity["periods"][:2] == ["2020-Q3", "2020-Q4"]
    assert {"name": "OCHA", "role": "lead", "note": "Secrétariat"} in activity["actors"]
    indicator = activity["indicators"][0]
    assert set(indicator) == {"id", "code", "text", "kind", "target", "baseline", "unit", "means_of_verification"}
    kinds = {i["kind"] for o in data["objectives"] for c in o["objectives"] for a in c["activities"] for i in a["indicators"]}
    assert kinds <= {"number", "percent", "yes_no", "text"} and "yes_no" in kinds


def test_json_export_queries_do_not_grow_with_the_plan(db, cluster, django_assert_max_num_queries):
    small, big = load("plan-de-travail-2019"), load("strategie-protection-ehp-2020-2022")
    for workplan in (small, big):
        with django_assert_max_num_queries(7):
            workplan_tree_data(workplan)


@pytest.mark.parametrize("stem", STEMS)
def test_xlsx_round_trip_gives_the_same_tree(db, cluster, tmp_path, stem):
    load(stem)
    path = tmp_path / "export.xlsx"
    call_command("export_workplan", stem, "--format", "xlsx", "-o", str(path), stderr=io.StringIO())
    workplan_import_commit(parse_file(path.read_bytes(), path.name), slug="copy")
    assert without_ids(export_json("copy")) == without_ids(export_json(stem))


@pytest.mark.parametrize("stem", STEMS)
def test_reimporting_the_export_into_the_same_plan_changes_nothing(db, cluster, tmp_path, stem):
    load(stem)
    before = export_json(stem)
    stamps = sorted(Activity.objects.values_list("id", "updated_at"))
    path = tmp_path / "export.xlsx"
    call_command("export_workplan", stem, "--format", "xlsx", "-o", str(path), stderr=io.StringIO())
    summary = workplan_import_commit(parse_file(path.read_bytes(), path.name), slug=stem)
    assert summary.archived_activities == [] and summary.archived_indicators == []
    assert export_json(stem) == before  # same ids too
    assert summary.created == {"objectives": 0, "results": 0, "activities": 0, "indicators": 0}
    assert sorted(Activity.objects.values_list("id", "updated_at")) == stamps


def test_xlsx_export_writes_formula_like_text_as_text(db, cluster, tmp_path):
    workplan = load("plan-de-travail-2019")
    Activity.objects.filter(workplan=workplan, order=0).update(title="=HYPERLINK(\"http://evil.example\")")
    path = tmp_path / "export.xlsx"
    call_command("export_workplan", workplan.slug, "--format", "xlsx", "-o", str(path), stderr=io.StringIO())
    sheet = openpyxl.load_workbook(path).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    values = [c.value for c in cells]
    # an xlsx text cell is never evaluated: the text as typed, a string cell, no protective apostrophe
    assert "=HYPERLINK(\"http://evil.example\")" in values
    assert all(c.data_type == "s" for c in cells)
    assert not any(v.startswith("'") for v in values)
    assert "-" in values  # the placeholders of empty lists stay "-", never "'-"
    # and it re-imports as the text it was
    parsed = parse_file(path.read_bytes(), path.name)
    assert next(parsed.all_activities()).title == "=HYPERLINK(\"http://evil.example\")"


def test_unknown_slug(db):
    with pytest.raises(CommandError, match="slug"):
        call_command("export_workplan", "nope")
    assert not Workplan.objects.exists()
