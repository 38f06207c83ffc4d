"""indicators/services.py: the report state machine, the version check, the history,
disaggregation, quarter closure locking, evidence checks; and the permission helpers."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators import services
from indicators.models import Evidence, Indicator, Location, ProgressReport, QuarterClosure, ReportBreakdown
from indicators.permissions import can_record, can_review
from workplans.models import Profile, SubCluster

State = ProgressReport.State


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English here; the pages' French is tested in the view tests."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def q1(plan):
    return plan.quarters[0]


def save(user, indicator, quarter, org, **kw):
    return services.report_save(user, indicator, quarter, org, **kw)


class TestPermissions:
    def test_matrix_on_an_activity_hcr_leads(self, users, indicator):
        assert can_record(users.administrator, indicator) and can_review(users.administrator, indicator)
        assert can_record(users.coordinator, indicator) and can_review(users.coordinator, indicator)
        assert can_record(users.member, indicator) and not can_review(users.member, indicator)
        assert not can_record(users.outsider, indicator) and not can_review(users.outsider, indicator)

    def test_member_cannot_record_where_the_org_is_not_responsible(self, users, plan):
        other = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[1], text="x")
        assert not can_record(users.member, other)

    def test_subcluster_coordinator_covers_only_their_activities(self, users, plan, indicator, hcr):
        sub = SubCluster.objects.first()
        Profile.objects.filter(user=users.coordinator).update(cluster=None, subcluster=sub)
        users.coordinator.refresh_from_db()
        fresh = Indicator.objects.get(pk=indicator.pk)
        assert not can_review(users.coordinator, fresh)
        hcr.subcluster = sub
        hcr.save()
        fresh = Indicator.objects.get(pk=indicator.pk)
        assert can_review(users.coordinator, fresh)

    def test_coordinator_of_another_cluster_is_out_of_scope(self, users, indicator):
        from workplans.models import Cluster

        other = Cluster.objects.create(code="CP-X", name="Autre")
        Profile.objects.filter(user=users.coordinator).update(cluster=other)
        users.coordinator.refresh_from_db()
        assert not can_review(users.coordinator, Indicator.objects.get(pk=indicator.pk))


class TestStateMachine:
    def test_draft_submit_validate(self, users, indicator, q1, hcr):
        report = save(users.member, indicator, q1, hcr, value="40", narrative="ok")
        assert (report.state, report.version) == (State.DRAFT, 1)
        report = services.report_submit(users.member, report)
        assert report.state == State.SUBMITTED and report.submitted_at
        report = services.report_validate(users.coordinator, report)
        assert report.state == State.VALIDATED and report.reviewed_by == users.coordinator
        assert report.version == 3

    def test_return_needs_a_comment_then_resubmit(self, users, indicator, q1, hcr):
        report = services.report_submit(users.member, save(users.member, indicator, q1, hcr, value=5))
        with pytest.raises(services.ProgressError, match="comment"):
            services.report_return(users.coordinator, report, "  ")
        report = services.report_return(users.coordinator, report, "Chiffre à vérifier")
        assert report.state == State.RETURNED and report.review_comment == "Chiffre à vérifier"
        report = save(users.member, indicator, q1, hcr, value=6, version=report.version)
        assert services.report_submit(users.member, report).state == State.SUBMITTED

    def test_member_cannot_validate_nor_return(self, users, indicator, q1, hcr):
        report = services.report_submit(users.member, save(users.member, indicator, q1, hcr, value=5))
        with pytest.raises(PermissionDenied):
            services.report_validate(users.member, report)
        with pytest.raises(PermissionDenied):
            services.report_return(users.member, report, "no")
        assert ProgressReport.objects.get(pk=report.pk).state == State.SUBMITTED

    def test_outsider_cannot_record(self, users, indicator, q1, hcr, nrc):
        with pytest.raises(PermissionDenied):
            save(users.outsider, indicator, q1, nrc, value=1)
        with pytest.raises(PermissionDenied):
            save(users.outsider, indicator, q1, hcr, value=1)
        assert not ProgressReport.objects.exists()

    def test_member_records_only_as_their_organisation(self, users, indicator, q1, nrc):
        with pytest.raises(PermissionDenied):
            save(users.member, indicator, q1, nrc, value=1)

    def test_invalid_transitions(self, users, indicator, q1, hcr):
        report = save(users.member, indicator, q1, hcr, value=5)
        with pytest.raises(services.ProgressError):
            services.report_validate(users.coordinator, report)
        report = services.report_validate(users.coordinator, services.report_submit(users.member, report))
        with pytest.raises(services.ProgressError):
            services.report_submit(users.member, report)
        with pytest.raises(services.ReportLocked):
            save(users.coordinator, indicator, q1, hcr, value=9, version=report.version)

    def test_member_cannot_change_a_submitted_report(self, users, indicator, q1, hcr):
        report = services.report_submit(users.member, save(users.member, indicator, q1, hcr, value=5))
        with pytest.raises(services.ReportLocked):
            save(users.member, indicator, q1, hcr, value=7, version=report.version)
        assert save(users.coordinator, indicator, q1, hcr, value=7, version=report.version).value == 7

    def test_only_validated_values_count(self, users, indicator, q1, hcr, plan):
        report = services.report_submit(users.member, save(users.member, indicator, q1, hcr, value=40))
        assert Indicator.objects.get(pk=indicator.pk).progress().achieved is None
        services.report_validate(users.coordinator, report)
        assert Indicator.objects.get(pk=indicator.pk).progress().achieved == D(40)

    def test_value_checks_by_kind(self, users, plan, q1, hcr):
        pct = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="%", kind="percent")
        with pytest.raises(services.ProgressError, match="0 and 100"):
            save(users.member, pct, q1, hcr, value=120)
        yn = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="yn", kind="yes_no")
        with pytest.raises(services.ProgressError, match="yes or no"):
            save(users.member, yn, q1, hcr, value=2)
        txt = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="m", kind="text")
        assert save(users.member, txt, q1, hcr, value_text="Atelier tenu").value == 1


class TestConflictAndHistory:
    def test_second_save_on_a_stale_version_is_a_conflict(self, users, indicator, q1, hcr):
        first = save(users.member, indicator, q1, hcr, value=10)
        opened_version = first.version
        save(users.coordinator, indicator, q1, hcr, value=12, version=opened_version)
        with pytest.raises(services.ReportConflict) as exc:
            save(users.member, indicator, q1, hcr, value=11, version=opened_version)
        assert exc.value.current.value == 12
        assert ProgressReport.objects.get().value == 12

    def test_new_report_form_opened_before_another_creates_it(self, users, indicator, q1, hcr):
        save(users.coordinator, indicator, q1, hcr, value=3)
        with pytest.raises(services.ReportConflict):
            save(users.member, indicator, q1, hcr, value=4, version=None)

    def test_every_change_is_in_the_history_with_who(self, users, indicator, q1, hcr):
        report = save(users.member, indicator, q1, hcr, value=10)
        report = save(users.coordinator, indicator, q1, hcr, value=12, version=report.version)
        services.report_submit(users.coordinator, report)
        history = list(ProgressReport.objects.get().history.order_by("history_date"))
        assert [h.value for h in history] == [D(10), D(12), D(12)]
        assert [h.history_user for h in history] == [users.member, users.coordinator, users.coordinator]
        assert history[-1].state == State.SUBMITTED


class TestDisaggregation:
    @pytest.fixture
    def dis(self, plan):
        return Indicator.objects.create(
            workplan=plan.workplan, activity=plan.activities[0], text="# désagrégé",
            disaggregate_sex=True, disaggregate_age=True, disaggregate_cercle=True,
        )

    def test_parts_that_add_up_are_stored(self, users, dis, q1, hcr):
        gao, ansongo = Location.objects.get(name="Gao", kind="cercle"), Location.objects.get(name="Ansongo")
        parts = {"sex": {"F": 6, "M": 4}, "age": {"lt18": 3, "ge18": 7}, "cercle": {gao: 8, ansongo: 2}}
        report = save(users.member, dis, q1, hcr, value=10, parts=parts)
        assert report.breakdowns.count() == 6
        assert ReportBreakdown.objects.get(report=report, location=gao).value == 8

    @pytest.mark.parametrize(
        "parts, message",
        [
            # issue 13: sex and age parts are required when the indicator asks for them, so each
            # case gives the other dimension's correct parts.
            ({"sex": {"F": 6, "M": 5}, "age": {"lt18": 3, "ge18": 7}}, "By sex"),
            ({"sex": {"F": 6, "M": 4}, "age": {"lt18": 1, "ge18": 1}}, "By age"),
            ({"sex": {"F": 6, "M": 4}, "age": {"lt18": 9, "ge18": 7}}, "By age"),
        ],
    )
    def test_parts_that_do_not_add_up_name_the_dimension(self, users, dis, q1, hcr, parts, message):
        with pytest.raises(services.ProgressError) as exc:
            save(users.member, dis, q1, hcr, value=10, parts=parts)
        assert len(exc.value.errors) == 1 and message in exc.value.errors[0]
        assert "10" in exc.value.errors[0]
        assert not ProgressReport.objects.exists()

    def test_cercles_use_the_place_rule(self, users, dis, q1, hcr):
        dis.place_rule = Indicator.PlaceRule.MAX
        dis.disaggregate_sex = dis.disaggregate_age = False  # issue 13: those parts would be required
        dis.save()
        gao, ansongo = Location.objects.get(name="Gao", kind="cercle"), Location.objects.get(name="Ansongo")
        assert save(users.member, dis, q1, hcr, value=8, parts={"cercle": {gao: 8, ansongo: 2}}).value == 8
        with pytest.raises(services.ProgressError, match="parts do not add up") as exc:
            save(users.member, dis, q1, hcr, value=10, parts={"cercle": {gao: 8, ansongo: 2}}, version=1)
        assert "By cercle" in exc.value.errors[0]

    def test_mali_locations_exist(self, db):
        assert Location.objects.filter(kind="region").count() >= 10
        assert Location.objects.get(name="Douentza").parent.name == "Mopti"


class TestClosure:
    def test_closed_quarter_locks_its_reports_until_reopened(self, users, indicator, q1, hcr, plan):
        report = save(users.member, indicator, q1, hcr, value=5)
        services.quarter_close(users.coordinator, plan.workplan, q1, "Revue trimestrielle")
        with pytest.raises(services.ReportLocked, match="closed"):
            save(users.member, indicator, q1, hcr, value=6, version=report.version)
        with pytest.raises(services.ReportLocked):
            services.report_submit(users.member, report)
        with pytest.raises(services.ProgressError, match="already closed"):
            services.quarter_close(users.coordinator, plan.workplan, q1)
        with pytest.raises(services.ProgressError, match="reason"):
            services.quarter_reopen(users.coordinator, plan.workplan, q1, "")
        closure = services.quarter_reopen(users.coordinator, plan.workplan, q1, "Correction HCR")
        assert closure.reopened_by == users.coordinator and closure.reopen_reason == "Correction HCR"
        assert save(users.member, indicator, q1, hcr, value=6, version=report.version).value == 6
        assert QuarterClosure.objects.count() == 1

    def test_other_quarters_stay_open(self, users, indicator, plan, hcr):
        services.quarter_close(users.coordinator, plan.workplan, plan.quarters[0], "")
        assert save(users.member, indicator, plan.quarters[1], hcr, value=1).pk

    def test_members_cannot_close_or_reopen(self, users, plan, q1):
        with pytest.raises(PermissionDenied):
            services.quarter_close(users.member, plan.workplan, q1, "")
        services.quarter_close(users.administrator, plan.workplan, q1, "")
        with pytest.raises(PermissionDenied):
            services.quarter_reopen(users.member, plan.workplan, q1, "parce que")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ff"
                    "ff3f0005fe02fea7d6a4c20000000049454e44ae426082")


class TestEvidence:
    @pytest.fixture
    def report(self, users, indicator, q1, hcr):
        return save(users.member, indicator, q1, hcr, value=5)

    def test_pdf_is_stored_privately_with_a_safe_name(self, users, report, settings):
        upload = SimpleUploadedFile("../../etc/rapport final;rm.pdf", PDF, content_type="text/plain")
        evidence = services.evidence_add(users.member, report, upload)
        assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)
        assert evidence.original_name == "rapport final;rm.pdf"
        assert ".." not in evidence.file.name and ";" not in evidence.file.name
        assert evidence.file.name.endswith(".pdf")
        path = evidence.file.path
        assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
        with pytest.raises(ValueError):
            _ = evidence.file.url

    def test_type_is_checked_by_content_not_name(self, users, report):
        fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an exe", content_type="image/png")
        with pytest.raises(services.ProgressError, match="not accepted"):
            services.evidence_add(users.member, report, fake)
        script = SimpleUploadedFile("notes.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
        with pytest.raises(services.ProgressError, match="not accepted"):
            services.evidence_add(users.member, report, script)
        assert not Evidence.objects.exists()

    def test_image_renamed_to_its_real_type(self, users, report):
        evidence = services.evidence_add(users.member, report, SimpleUploadedFile("scan.pdf", PNG))
        assert evidence.content_type == "image/png" and evidence.file.name.endswith(".png")

    def test_size_is_capped(self, users, report, settings):
        settings.EVIDENCE_MAX_BYTES = 100
        with pytest.raises(services.ProgressError, match="too large"):
            services.evidence_add(users.member, report, SimpleUploadedFile("big.pdf", PDF + b"0" * 200))
        assert not Evidence.objects.exists()

    def test_outsider_cannot_add(self, users, report):
        with pytest.raises(PermissionDenied):
            services.evidence_add(users.outsider, report, SimpleUploadedFile("a.pdf", PDF))

    def test_sanitise_filename(self):
        assert services.sanitise_filename("..\\..\\x.exe", "pdf") == "x.pdf"
        assert services.sanitise_filename("", "png") == "evidence.png"
        assert services.sanitise_filename(".htaccess", "pdf") == "htaccess.pdf"


class TestQuarterGrid:
    def test_saves_all_or_nothing(self, users, plan, indicator, hcr, q1):
        other = Indicator.objects.create(workplan=plan.workplan, activity=plan.activities[0], text="%", kind="percent")
        rows = [{"indicator": indicator, "organisation": hcr, "value": 5}, {"indicator": other, "organisation": hcr, "value": 150}]
        with pytest.raises(services.ProgressError) as exc:
            services.quarter_grid_save(users.coordinator, plan.workplan, q1, rows)
        assert len(exc.value.errors) == 1 and "0 and 100" in exc.value.errors[0]
        assert not ProgressReport.objects.exists()
        rows[1]["value"] = 50
        assert len(services.quarter_grid_save(users.coordinator, plan.workplan, q1, rows)) == 2

    def test_members_use_the_grid_only_for_their_organisation(self, users, plan, indicator, hcr, q1):
        # Issue 13: members may use the grid (to submit their rows); another organisation's row is
        # refused with its message, and nothing is saved.
        with pytest.raises(services.ProgressError) as exc:
            services.quarter_grid_save(users.outsider, plan.workplan, q1, [{"indicator": indicator, "organisation": hcr, "value": 1}])
        assert indicator.pk in exc.value.row_errors
        assert not ProgressReport.objects.exists()
        assert len(services.quarter_grid_save(users.member, plan.workplan, q1,
                                              [{"indicator": indicator, "organisation": hcr, "value": 1}])) == 1


def test_search_text_follows_activity_and_indicator_changes(plan):
    activity = plan.activities[0]
    activity.title = "Suivi des écoles"
    activity.save()
    assert "suivi des ecoles" in type(activity).objects.get(pk=activity.pk).search_text
    Indicator.objects.create(workplan=plan.workplan, activity=activity, text="Nombre d'enfants scolarisés")
    # issue 13: indicators' texts are searched in place (no copy in search_text to go stale)
    assert list(type(activity).objects.search("scolarises")) == [activity]
