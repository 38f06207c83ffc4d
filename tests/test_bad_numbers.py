"""Bad input never answers 500 (issue 13): damaged versions, numbers the database cannot hold,
and two people creating the same report at the same moment."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clusterplan.lib.numbers import NumberError, parse_decimal, parse_int
from indicators import services
from indicators.models import ProgressReport

State = ProgressReport.State
UNSTORABLE = ["NaN", "nan", "sNaN", "-sNaN", "Infinity", "-Infinity", "inf", "1e309", "1e20", "1000000000000",
              "-1e13", "1.234", "1e-400", "abc", "1,2,3", "0x10"]


class TestParseDecimal:
    @pytest.mark.parametrize("raw", UNSTORABLE)
    def test_refuses_what_the_column_cannot_hold(self, raw):
        with pytest.raises(NumberError) as exc:
            parse_decimal(raw)
        assert exc.value.message

    @pytest.mark.parametrize("raw, value", [("12", Decimal(12)), ("45,5", Decimal("45.5")), (" 1 234,50 ", Decimal("1234.50")),
                                            ("999999999999.99", Decimal("999999999999.99")), ("1.500", Decimal("1.50")),
                                            ("-3", Decimal(-3)), (7, Decimal(7)), ("", None), (None, None)])
    def test_reads_ordinary_numbers(self, raw, value):
        assert parse_decimal(raw) == value

    def test_messages_are_translated(self, settings):
        from django.utils import translation

        with translation.override("fr"), pytest.raises(NumberError) as exc:
            parse_decimal("NaN")
        assert "infini" in exc.value.message

    @pytest.mark.parametrize("raw", ["abc", "1.5", "²", "1e3", str(10**30), "- 1"])
    def test_parse_int_refuses(self, raw):
        with pytest.raises(NumberError):
            parse_int(raw)

    def test_parse_int_reads(self):
        assert (parse_int("3"), parse_int(" -2 "), parse_int(""), parse_int(None)) == (3, -2, None, None)


@pytest.fixture
def submitted(users, indicator, plan, hcr):
    report = services.report_save(users.member, indicator, plan.quarters[0], hcr, value=10)
    return services.report_submit(users.member, report)


class TestDamagedVersion:
    @pytest.mark.parametrize("version", ["abc", "1.5", "²", str(10**30)])
    @pytest.mark.parametrize("action, role", [("report_submit", "member"), ("report_validate", "coordinator"),
                                              ("report_return", "coordinator")])
    def test_workflow_answers_400_with_a_message(self, client_for, users, submitted, action, role, version):
        if action == "report_submit":  # a returned report can be submitted again
            services.report_return(users.coordinator, submitted, "À revoir")
        before = ProgressReport.objects.get(pk=submitted.pk)
        client = client_for(getattr(users, role))
        response = client.post(reverse(f"indicators:{action}", args=[submitted.pk]),
                               {"version": version, "comment": "x"}, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 400
        assert "version" in response.content.decode()
        after = ProgressReport.objects.get(pk=submitted.pk)
        assert (after.state, after.version) == (before.state, before.version)

    def test_service_refuses_a_damaged_version(self, users, submitted):
        with pytest.raises(services.ProgressError):
            services.report_validate(users.coordinator, submitted, "abc")

    def test_good_version_still_works(self, client_for, users, submitted):
        response = client_for(users.coordinator).post(
            reverse("indicators:report_validate", args=[submitted.pk]), {"version": submitted.version})
        assert response.status_code == 302
        assert ProgressReport.objects.get(pk=submitted.pk).state == State.VALIDATED

    def test_damaged_version_on_the_entry_form_is_400(self, client_for, users, indicator, hcr):
        url = reverse("indicators:report", args=[indicator.pk, "2020-Q1"])
        response = client_for(users.member).post(url, {"organisation": hcr.pk, "value": "3", "version": "1.5"})
        assert response.status_code == 400
        assert not ProgressReport.objects.exists()


class TestUnstorableValues:
    @pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "-Infinity", "1e309", "1e20"])
    def test_grid_refuses_the_row_and_saves_nothing(self, client_for, users, plan, indicator, raw):
        url = reverse("indicators:quarter_grid", args=[plan.workplan.slug, "2020-Q2"])
        response = client_for(users.coordinator).post(url, {f"value_{indicator.pk}": raw}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.context["errors"] and indicator.code in response.context["errors"][0]
        assert not ProgressReport.objects.exists()

    def test_grid_refuses_a_damaged_version(self, client_for, users, plan, indicator, hcr):
        services.report_save(users.member, indicator, plan.quarters[1], hcr, value=3)
        url = reverse("indicators:quarter_grid", args=[plan.workplan.slug, "2020-Q2"])
        response = client_for(users.coordinator).post(url, {f"value_{indicator.pk}": "4", f"version_{indicator.pk}": "abc"})
        assert response.status_code == 400
        assert ProgressReport.objects.get().value == 3

    @pytest.mark.parametrize("raw", ["NaN", "sNaN", "Infinity", "-Infinity", "1e309", "1e20"])
    def test_report_form_refuses_value_and_parts(self, client_for, users, indicator, hcr, raw):
        indicator.disaggregate_sex = True
        indicator.save()
        url = reverse("indicators:report", args=[indicator.pk, "2020-Q1"])
        client = client_for(users.member)
        response = client.post(url, {"organisation": hcr.pk, "value": raw})
        assert response.status_code == 400 and "value" in response.context["form"].errors
        response = client.post(url, {"organisation": hcr.pk, "value": "10", "sex_F": raw, "sex_M": "1"})
        assert response.status_code == 400 and "sex_F" in response.context["form"].errors
        assert not ProgressReport.objects.exists()

    @pytest.mark.parametrize("raw", ["NaN", "1e20", Decimal("Infinity"), Decimal("1e309")])
    def test_service_refuses_unstorable_values(self, users, indicator, plan, hcr, raw):
        with pytest.raises(services.ProgressError):
            services.report_save(users.member, indicator, plan.quarters[0], hcr, value=raw)
        assert not ProgressReport.objects.exists()


class TestSimultaneousCreation:
    """Both people saw no report; the second insert hits the unique constraint."""

    @pytest.fixture
    def first_already_saved(self, monkeypatch, users, indicator, plan, hcr):
        winner = services.report_save(users.coordinator, indicator, plan.quarters[0], hcr, value=5)
        real = services._current_report
        calls = {"n": 0}

        def stale_first_read(*args):
            calls["n"] += 1
            return None if calls["n"] == 1 else real(*args)

        monkeypatch.setattr(services, "_current_report", stale_first_read)
        return winner

    def test_service_raises_the_conflict_with_the_winner(self, users, indicator, plan, hcr, first_already_saved):
        with pytest.raises(services.ReportConflict) as exc:
            services.report_save(users.member, indicator, plan.quarters[0], hcr, value=7)
        assert exc.value.current == first_already_saved
        assert ProgressReport.objects.get().value == 5

    def test_loser_gets_the_conflict_page(self, client_for, users, indicator, hcr, first_already_saved):
        url = reverse("indicators:report", args=[indicator.pk, "2020-Q1"])
        # The page was opened before the first report existed: no version in the form.
        response = client_for(users.member).post(url, {"organisation": hcr.pk, "value": "7"})
        assert response.status_code == 409
        assert response.context["conflict"] == first_already_saved
        assert ProgressReport.objects.get().value == 5


@pytest.mark.parametrize("text", ["2020-Q3: NaN", "2020-Q3: 1e20", "2020-Q3: Infinity", "2020-Q3: 1e309"])
def test_admin_import_targets_refuse_unstorable_numbers(text):
    from workplans.resources import parse_targets

    with pytest.raises(ValueError):
        parse_targets(text)
    assert parse_targets("2020-Q3: 10,5") == {(2020, 3): Decimal("10.5")}
