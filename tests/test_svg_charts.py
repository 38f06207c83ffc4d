"""Issue 13: numbers inside SVG (and any machine-read attribute) are never localised. Under French
and English, every coordinate attribute of every chart parses as a float."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, ProgressReport
from indicators.progress import CHART_WIDTH

NUMERIC = {"x", "y", "x1", "x2", "y1", "y2", "width", "height", "cx", "cy", "r"}


def svgs(body):
    found = re.findall(r"<svg\b.*?</svg>", body, flags=re.S)
    return [ET.fromstring(svg) for svg in found]


def assert_all_numbers_plain(svg):
    count = 0
    for element in svg.iter():
        for name, value in element.attrib.items():
            if name in NUMERIC:
                float(value)  # raises on "1,25" or "1 200"
                assert "," not in value and " " not in value and "\xa0" not in value, (name, value)
                count += 1
        if "viewBox" in element.attrib:
            parts = element.attrib["viewBox"].split(" ")
            assert len(parts) == 4 and all(float(p) is not None for p in parts), element.attrib["viewBox"]
    return count


@pytest.fixture
def charted(plan, hcr):
    """Running values with decimals (1.25, 2.5...) so that a localised page would write commas."""
    indicator = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="# de sessions",
                                         target=Decimal("7.5"))
    for quarter, value in zip(plan.quarters, ["1.25", "1.25", "2.5", "1.75"]):
        ProgressReport.objects.create(indicator=indicator, quarter=quarter, organisation=hcr, value=Decimal(value),
                                      state=ProgressReport.State.VALIDATED)
    return indicator


def _get(client, url, language):
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()
    return response


@pytest.mark.parametrize("language", ["fr", "en"])
def test_indicator_chart_coordinates_parse_as_floats(client_for, users, charted, language):
    response = _get(client_for(users.member), charted.get_absolute_url(), language)
    found = svgs(response.content.decode())
    assert len(found) == 1
    svg = found[0]
    assert assert_all_numbers_plain(svg) >= 4 * 4 + 2
    rects = [e for e in svg.iter() if e.tag.endswith("rect")]
    assert len(rects) == 4
    heights = [float(r.attrib["height"]) for r in rects]
    assert heights == sorted(heights) and heights[-1] > 0  # running total 1.25, 2.5, 5, 6.75 → rising bars
    # Legible: the drawing is in page pixels (not a 100-unit box stretched), labels per quarter.
    assert svg.attrib["viewBox"].startswith(f"0 0 {CHART_WIDTH} ")
    assert "preserveAspectRatio" not in svg.attrib
    labels = [t.text for t in svg.iter() if t.tag.endswith("text")]
    assert {"T1", "T2", "T3", "T4", "2020"} <= set(labels)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_plan_dashboard_charts_coordinates_parse_as_floats(client_for, users, charted, language):
    response = _get(client_for(users.member), reverse("reports:dashboard", args=["plan-test"]), language)
    found = svgs(response.content.decode())
    assert found
    assert sum(assert_all_numbers_plain(svg) for svg in found) > 0


def test_the_plain_filter_ignores_the_language():
    from django.utils import translation

    from workplans.templatetags.figures import plain

    with translation.override("fr"):
        assert plain(Decimal("1234.5")) == "1234.5"
        assert plain(1.25) == "1.25"
        assert plain(None) == "0"
