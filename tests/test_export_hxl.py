"""The HXL export (``?hxl=1``): the HXL dictionary's hashtags, valid under libhxl's default schema."""

import csv
import io

import hxl
import pytest
from django.urls import reverse

from indicators.models import Indicator
from workplans.models import Activity, ActivityActor

REQUIRED_TAGS = [
    "#indicator+code", "#indicator+name", "#indicator+value+num+target", "#indicator+value+num+actual",
    "#indicator+value+num+baseline", "#indicator+value+pct", "#targeted+ind", "#reached+ind", "#reached+ind+f",
    "#reached+ind+m", "#reached+ind+children", "#reached+ind+adults", "#date+start", "#date+end", "#org+impl",
    "#sector+cluster", "#subsector", "#adm1+name", "#adm2+name", "#status", "#meta+id", "#meta+url",
]


def hxl_text(client, url):
    response = client.get(url, {"hxl": "1"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "-hxl-data.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return text[1:]


def records(text):
    rows = list(csv.reader(io.StringIO(text)))  # HXL is always the data flavour: "," and ISO dates
    tags = rows[1]
    return tags, [dict(zip(tags, row)) for row in rows[2:]]


def validate(text, tmp_path):
    """libhxl's default schema on the file: (errors, warnings)."""
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    errors = []
    schema = hxl.schema(callback=lambda issue: errors.append(issue))
    valid = schema.validate(hxl.data(str(path), hxl.InputOptions(allow_local=True)))
    return valid, [e for e in errors if e.rule.severity == "error"]


@pytest.fixture
def hxl_plan(report_plan, nrc):
    plan = report_plan.plan
    ActivityActor.objects.create(activity=plan.activities[0], actor=nrc, order=5)
    Activity.objects.filter(pk=plan.activities[0].pk).update(place="ansongo")
    Activity.objects.filter(pk=plan.activities[1].pk).update(place="Gao")
    indicator = report_plan.indicators.a
    indicator.disaggregate_sex = True
    indicator.save()
    # an indicator with no report and no target is still listed
    Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[1], code="F", text="Plan adopté",
                             kind=Indicator.Kind.YES_NO, order=9)
    return report_plan


@pytest.mark.parametrize("name", ["reports:performance_csv", "reports:performance_all_csv"])
def test_hxl_export_is_valid_for_libhxl(hxl_plan, users, client_for, tmp_path, name):
    args = [hxl_plan.plan.workplan.slug] if name == "reports:performance_csv" else []
    text = hxl_text(client_for(users.member), reverse(name, args=args))
    tags, rows = records(text)
    for tag in REQUIRED_TAGS:
        assert tag in tags, tag
    assert not any(t.startswith("#date+quarter") or t in ("#targeted", "#reached", "#org") for t in tags)
    assert len(rows) > 5
    _valid, errors = validate(text, tmp_path)
    assert errors == []  # libhxl's default schema: no error (info-level outlier notes may come with real data)


def test_hxl_values_follow_the_dictionary(hxl_plan, users, client_for):
    plan = hxl_plan.plan
    client = client_for(users.member)
    tags, rows = records(hxl_text(client, reverse("reports:performance_csv", args=[plan.workplan.slug])))
    a_q1 = [r for r in rows if r["#indicator+code"] == "A" and r["#date+start"] == "2020-01-01"]
    # one organisation per row; the figures and the id are the indicator's for the quarter
    assert sorted(r["#org+impl"] for r in a_q1) == ["HCR", "NRC"]
    assert {r["#meta+id"] for r in a_q1} == {f"clusterplan-i{hxl_plan.indicators.a.pk}-2020-Q1"}
    row = a_q1[0]
    assert row["#date+end"] == "2020-03-31"
    assert (row["#indicator+value+num+target"], row["#indicator+value+num+actual"]) == ("25", "15")
    assert (row["#targeted+ind"], row["#reached+ind"]) == ("25", "15")  # "Personnes touchées" counts people
    assert (row["#reached+ind+f"], row["#reached+ind+m"]) == ("11", "4")  # validated breakdowns only
    assert row["#sector+cluster"] == "Protection"
    assert (row["#adm1+name"], row["#adm2+name"]) == ("Gao", "Ansongo")  # the activity's place, a known cercle
    c_row = next(r for r in rows if r["#indicator+code"] == "C")
    assert (c_row["#adm1+name"], c_row["#adm2+name"]) == ("Gao", "")  # a region (and a cercle): the region
    assert row["#meta+url"] == f"http://testserver/indicators/{hxl_plan.indicators.a.pk}/"
    # indicators that do not count people have no #targeted / #reached
    for code in ("B", "C", "D", "E"):
        for r in (r for r in rows if r["#indicator+code"] == code):
            assert r["#targeted+ind"] == r["#reached+ind"] == ""
    assert row["#indicator+value+pct"] == "60"  # % met: 15 of 25
    c = [r for r in rows if r["#indicator+code"] == "C" and r["#date+start"] == "2020-07-01"][0]
    assert c["#indicator+value+num+actual"] == "60" and c["#indicator+value+num+baseline"] == ""
    # the indicator with nothing yet has one row with empty quarter columns
    f = [r for r in rows if r["#indicator+code"] == "F"]
    assert len(f) == 1 and f[0]["#date+start"] == "" and f[0]["#meta+id"].endswith(f"i{Indicator.objects.get(code='F').pk}")


def test_meta_id_is_stable(hxl_plan, users, client_for):
    client = client_for(users.member)
    url = reverse("reports:performance_csv", args=[hxl_plan.plan.workplan.slug])
    first = [r["#meta+id"] for r in records(hxl_text(client, url))[1]]
    Indicator.objects.create(workplan=hxl_plan.plan.workplan, objective=hxl_plan.plan.objective, code="Z",
                             text="Nouvel indicateur", order=0)
    second = [r["#meta+id"] for r in records(hxl_text(client, url))[1]]
    assert set(first) < set(second)
