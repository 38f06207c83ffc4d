"""Every CSV export in two flavours: French Excel (";", decimal comma, codes as text) and data
(",", decimal point, ISO dates); both UTF-8 with a byte-order mark, full texts, every indicator."""

import csv
import io

import pytest
from django.urls import reverse

from clusterplan.lib.exporting import Code, CsvWriter, format_cell
from indicators.models import Indicator, IndicatorTarget
from workplans.models import Objective

LONG_OBJECTIVE = "Assurer la protection des populations affectées par le conflit " * 3


def download(client, name, args=(), **params):
    response = client.get(reverse(name, args=args), params, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # the activity export streams
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    return response, raw.decode("utf-8")[1:]


def parse(text, flavour):
    return list(csv.reader(io.StringIO(text), delimiter=";" if flavour == "excel" else ","))


@pytest.fixture
def csv_plan(report_plan):
    plan = report_plan.plan
    Objective.objects.filter(pk=plan.objective.pk).update(title=LONG_OBJECTIVE)
    IndicatorTarget.objects.create(indicator=report_plan.indicators.b, quarter=report_plan.quarters[0], value="12.5")
    Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[1], code="1.1.1",
                             text="Indicateur sans rapport ni cible", order=20)
    return report_plan


@pytest.mark.parametrize("flavour", ["excel", "data"])
def test_performance_csv(csv_plan, users, client_for, flavour):
    response, text = download(client_for(users.member), "reports:performance_csv", [csv_plan.plan.workplan.slug],
                              flavour=flavour)
    assert response["Content-Disposition"].endswith(f'-{flavour}.csv"')
    first_line = text.split("\r\n")[0]
    assert first_line.count(";" if flavour == "excel" else ",") == 16
    rows = parse(text, flavour)
    header = rows[0]
    assert header[:3] == ["Plan de travail", "Objectif", "Résultat attendu"]
    assert "Fin du trimestre" in header and "Quarter end" not in header
    records = [dict(zip(header, row)) for row in rows[1:]]
    assert all(len(row) == len(header) for row in rows)
    # every indicator, even one without report nor target; the texts in full
    codes = {r["Code de l'indicateur"] for r in records}
    new_code = '="1.1.1"' if flavour == "excel" else "1.1.1"
    assert codes == {"A", "B", "C", "D", "E", new_code}
    assert {r["Objectif"] for r in records} == {"1 " + LONG_OBJECTIVE.strip()}
    a_q1 = next(r for r in records if r["Code de l'indicateur"] == "A" and r["Trimestre"] == "2020-Q1")
    b_q1 = next(r for r in records if r["Code de l'indicateur"] == "B" and r["Trimestre"] == "2020-Q1")
    if flavour == "excel":
        assert a_q1["Fin du trimestre"] == "31/03/2020" and a_q1["Début du trimestre"] == "01/01/2020"
        assert b_q1["Cible"] == "12,5"
    else:
        assert a_q1["Fin du trimestre"] == "2020-03-31" and a_q1["Début du trimestre"] == "2020-01-01"
        assert b_q1["Cible"] == "12.5"
    # the indicator with nothing yet: one row, quarter columns empty
    empty = [r for r in records if r["Code de l'indicateur"] == new_code]
    assert len(empty) == 1 and empty[0]["Trimestre"] == "" and empty[0]["Cible"] == ""
    assert (a_q1["Cible"], a_q1["Réalisé"], a_q1["% atteint"]) == ("25", "15", "60")


@pytest.mark.parametrize("flavour", ["excel", "data"])
def test_activity_list_csv(csv_plan, users, client_for, flavour):
    response, text = download(client_for(users.member), "reports:activity_export", ["csv"], flavour=flavour)
    rows = parse(text, flavour)
    assert rows[0][:3] == ["Plan de travail", "Code", "Activité"]
    assert len(rows) > 1 and all(len(row) == 9 for row in rows)
    codes = [row[1] for row in rows[1:]]
    assert ('="1.2"' in codes) == (flavour == "excel") and ("1.2" in codes) == (flavour == "data")


def test_unknown_flavour_falls_back_to_excel(csv_plan, users, client_for):
    response, text = download(client_for(users.member), "reports:performance_csv", [csv_plan.plan.workplan.slug],
                              flavour="nope")
    assert response["Content-Disposition"].endswith('-excel.csv"') and ";" in text.split("\r\n")[0]


def test_the_page_offers_both_flavours_in_the_users_language(csv_plan, users, client_for):
    client = client_for(users.member)
    page = client.get(reverse("reports:performance", args=[csv_plan.plan.workplan.slug]), HTTP_ACCEPT_LANGUAGE="fr")
    body = page.content.decode()
    assert "CSV pour Excel (français)" in body and "CSV pour outils de données" in body
    assert "flavour=excel" in body and "flavour=data" in body
    body = client.get(reverse("reports:activity_list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "CSV pour Excel (français)" in body and "flavour=data" in body


def test_cell_formats():
    import datetime
    from decimal import Decimal

    assert format_cell(Decimal("12.50"), "excel") == "12,5" and format_cell(Decimal("12.50"), "data") == "12.5"
    assert format_cell(1234567, "excel") == "1234567"
    assert format_cell(datetime.date(2020, 3, 31), "excel") == "31/03/2020"
    assert format_cell(datetime.date(2020, 3, 31), "data") == "2020-03-31"
    assert format_cell(Code("2.1"), "excel") == '="2.1"' and format_cell(Code("2.1"), "data") == "2.1"
    assert format_cell(Code("AXE 1"), "excel") == "AXE 1"
    assert format_cell("=1+1", "excel") == "'=1+1" and format_cell("+223 76", "data") == "'+223 76"
    assert format_cell(-3, "data") == "-3"  # a number is never neutralised
    out = io.StringIO()
    CsvWriter(out, "data").writerow(["x" * 500])
    assert out.getvalue() == "\ufeff" + "x" * 500 + "\r\n"  # never cut
