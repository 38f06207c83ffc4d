"""Reminders and notifications (issue 17): who gets what, when, in which language, exactly once."""

import datetime
import smtplib

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators.models import Indicator, ProgressReport, QuarterClosure
from meetings.models import ActionPoint, Meeting
from notifications.models import EmailOptOut, Kind, Notification, ReminderSchedule
from notifications.reminders import active_step
from workplans.models import Profile
from workplans.permissions import MEMBERS

from .conftest import _user

# Q1 2020 ends on 31 March; with REPORTING_GRACE_DAYS = 30 its reporting deadline is 30 April.
# The default schedule: -7, 7, 21 days from the deadline → 23 April (due), 7 and 21 May (overdue).


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://plans.example.org"
    settings.NOTIFY_REVIEW_WINDOW_DAYS = 14


@pytest.fixture
def setup(users, plan, hcr, nrc, cluster):
    # The default schedule, without the Monday digest (tested on its own).
    ReminderSchedule.objects.create(cluster=cluster, digest_weekday=None)
    users.member.email = "member@example.org"
    users.member.save()
    users.outsider.email = "outsider@example.org"
    users.outsider.save()
    users.coordinator.email = "coord@example.org"
    users.coordinator.save()
    english = _user("hcr-english", MEMBERS, organisation=hcr, language="en")
    english.email = "english@example.org"
    english.save()
    first = plan.activities[0]
    indicators = [
        Indicator.objects.create(workplan=plan.workplan, activity=first, code="I1", text="Nombre de missions"),
        Indicator.objects.create(workplan=plan.workplan, activity=first, code="I2", text="Nombre de rapports"),
    ]
    return plan, indicators, english


def run(day, *args):
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", "--today", day, *args, stdout=out)
    return out.getvalue().splitlines()


def test_active_step_on_its_day_with_catch_up_never_past_the_next_step():
    deadline = datetime.date(2020, 4, 30)
    assert active_step([-7, 7, 21], deadline, datetime.date(2020, 4, 22)) is None
    assert active_step([-7, 7, 21], deadline, datetime.date(2020, 4, 23)) == -7
    assert active_step([-7, 7, 21], deadline, datetime.date(2020, 4, 26)) == -7
    assert active_step([-7, 7, 21], deadline, datetime.date(2020, 4, 27)) is None
    assert active_step([-7, 7, 21], deadline, datetime.date(2020, 5, 7)) == 7
    assert active_step([-1, 0], deadline, datetime.date(2020, 4, 30)) == 0  # the next step wins
    assert active_step([-1, 0], deadline, datetime.date(2020, 4, 29)) == -1


@pytest.mark.django_db
def test_due_reminder_lists_the_missing_indicators_with_links_to_each_members_language(setup, users):
    plan, indicators, _english = setup
    lines = run("2020-04-23")
    assert sorted(lines[:-1]) == [
        "to=english@example.org kind=due subject=plan-test 2020-Q1 (step -7)",
        "to=member@example.org kind=due subject=plan-test 2020-Q1 (step -7)",
    ]
    assert lines[-1] == "sent 2 messages"
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"member@example.org", "english@example.org"}  # not the NRC member
    french, english_mail = by_to["member@example.org"], by_to["english@example.org"]
    assert french.subject == "Rapport d'avancement attendu pour T1 2020 : Plan test"
    assert english_mail.subject == "Progress report due for Q1 2020: Plan test"
    for message in (french, english_mail):
        for indicator in indicators:
            assert f"https://plans.example.org/indicators/{indicator.pk}/report/2020-Q1/" in message.body
            html = message.alternatives[0][0]
            assert f'href="https://plans.example.org/indicators/{indicator.pk}/report/2020-Q1/"' in html
    assert "30/04/2020" in french.body and "n'a pas encore été soumis" not in english_mail.body
    assert Notification.objects.filter(kind=Kind.DUE, step="-7", quarter=plan.quarters[0]).count() == 2


@pytest.mark.django_db
def test_submitted_and_validated_reports_are_not_chased_draft_and_returned_are(setup, users, hcr):
    plan, indicators, _ = setup
    quarter = plan.quarters[0]
    ProgressReport.objects.create(indicator=indicators[0], quarter=quarter, organisation=hcr, value=3,
                                  state=ProgressReport.State.SUBMITTED)
    ProgressReport.objects.create(indicator=indicators[1], quarter=quarter, organisation=hcr, value=3,
                                  state=ProgressReport.State.DRAFT)
    run("2020-04-23")
    body = mail.outbox[0].body
    assert f"/indicators/{indicators[1].pk}/report/" in body
    assert f"/indicators/{indicators[0].pk}/report/" not in body
    ProgressReport.objects.filter(indicator=indicators[1]).update(state=ProgressReport.State.VALIDATED)
    mail.outbox.clear()
    assert run("2020-05-07") == ["sent 0 messages"]  # everything is in: nothing overdue
    assert mail.outbox == []


@pytest.mark.django_db
def test_schedule_on_given_days(setup):
    assert run("2020-04-22") == ["sent 0 messages"]
    assert run("2020-04-23")[-1] == "sent 2 messages"
    assert run("2020-04-23") == ["sent 0 messages"]  # a second run the same day sends nothing new
    assert run("2020-04-24") == ["sent 0 messages"]  # nor the next day (the step is sent)
    assert run("2020-04-30") == ["sent 0 messages"]  # the deadline itself is no step
    overdue = run("2020-05-07")
    assert overdue[-1] == "sent 2 messages" and all("kind=overdue" in line for line in overdue[:-1])
    assert "(step +7)" in overdue[0]
    assert mail.outbox[-1].subject.startswith(("Rapport d'avancement en retard", "Progress report overdue"))
    assert run("2020-05-21")[-1] == "sent 2 messages"
    assert run("2020-05-25") == ["sent 0 messages"]  # after the last step's catch-up days


@pytest.mark.django_db
def test_missed_day_is_caught_up_but_not_once_the_next_step_is_due(setup):
    assert run("2020-04-25")[-1] == "sent 2 messages"  # the 23 April run did not happen
    assert Notification.objects.filter(step="-7").count() == 2
    assert run("2020-05-08")[-1] == "sent 2 messages"
    assert set(Notification.objects.values_list("step", flat=True)) == {"-7", "7"}


@pytest.mark.django_db
def test_per_cluster_schedule_set_by_an_administrator(setup, cluster):
    ReminderSchedule.objects.filter(cluster=cluster).update(report_offsets="-37, 7")
    assert run("2020-04-23") == ["sent 0 messages"]
    assert run("2020-03-24")[-1] == "sent 2 messages"  # 7 days before the quarter ends
    assert Notification.objects.get(recipient__email="member@example.org").kind == Kind.DUE
    ReminderSchedule.objects.filter(cluster=cluster).update(enabled=False)
    assert run("2020-05-07") == ["sent 0 messages"]


@pytest.mark.django_db
def test_nothing_for_a_closed_quarter(setup, users):
    plan, _, _ = setup
    QuarterClosure.objects.create(workplan=plan.workplan, quarter=plan.quarters[0], closed_by=users.coordinator)
    assert run("2020-04-23") == ["sent 0 messages"]
    QuarterClosure.objects.update(reopened_at=timezone.now())
    assert run("2020-04-23")[-1] == "sent 2 messages"


@pytest.mark.django_db
def test_coordinators_digest_on_the_chosen_weekday(setup, users, hcr, cluster):
    plan, indicators, _ = setup
    report = ProgressReport.objects.create(indicator=indicators[0], quarter=plan.quarters[0], organisation=hcr,
                                           value=4, state=ProgressReport.State.SUBMITTED, submitted_at=timezone.now())
    ReminderSchedule.objects.filter(cluster=cluster).update(digest_weekday=0)  # Monday
    assert run("2020-05-05") == ["sent 0 messages"]  # a Tuesday
    lines = run("2020-05-04")  # a Monday
    assert lines == ["to=coord@example.org kind=awaiting_validation subject=CP-MLI 2020-05-04 (1 awaiting, 1 overdue)",
                     "sent 1 messages"]
    message = mail.outbox[0]
    assert message.to == ["coord@example.org"]
    assert message.subject == "CP-MLI : 1 rapports attendent votre validation, 1 en retard"
    assert f"/indicators/{report.indicator_id}/report/2020-Q1/" in message.body
    assert "HCR" in message.body and "1 indicateur" in message.body  # I2 of HCR is overdue
    assert run("2020-05-04") == ["sent 0 messages"]
    assert run("2020-05-11")[-1] == "sent 1 messages"  # next week's digest


@pytest.mark.django_db
def test_returned_with_the_comment_and_validated_reach_the_members(setup, users, hcr):
    plan, indicators, _english = setup
    reviewed = timezone.make_aware(datetime.datetime(2020, 5, 5, 10, 0))
    returned = ProgressReport.objects.create(
        indicator=indicators[0], quarter=plan.quarters[0], organisation=hcr, value=4,
        state=ProgressReport.State.RETURNED, review_comment="Chiffres à revoir", reviewed_at=reviewed,
        reviewed_by=users.coordinator,
    )
    ProgressReport.objects.create(
        indicator=indicators[1], quarter=plan.quarters[0], organisation=hcr, value=4,
        state=ProgressReport.State.VALIDATED, reviewed_at=reviewed, reviewed_by=users.coordinator,
    )
    lines = run("2020-05-05")
    kinds = sorted(line.split()[1] for line in lines[:-1])
    assert kinds == ["kind=returned", "kind=returned", "kind=validated", "kind=validated"]
    assert lines[-1] == "sent 4 messages"
    french = next(m for m in mail.outbox if m.to == ["member@example.org"] and "renvoyé" in m.subject)
    assert "Chiffres à revoir" in french.body
    assert f"https://plans.example.org/indicators/{indicators[0].pk}/report/2020-Q1/" in french.body
    english_validated = next(m for m in mail.outbox if m.to == ["english@example.org"] and "validated" in m.subject)
    assert english_validated.subject.startswith("Report validated: Nombre de rapports")
    assert not any(m.to == ["outsider@example.org"] for m in mail.outbox)
    assert run("2020-05-06") == ["sent 0 messages"]
    # Returned a second time after a correction: a new review, a new message.
    ProgressReport.objects.filter(pk=returned.pk).update(reviewed_at=reviewed + datetime.timedelta(days=1))
    assert run("2020-05-06")[-1] == "sent 2 messages"


@pytest.mark.django_db
def test_old_reviews_are_not_announced(setup, hcr):
    plan, indicators, _ = setup
    ProgressReport.objects.create(
        indicator=indicators[1], quarter=plan.quarters[0], organisation=hcr, value=4,
        state=ProgressReport.State.VALIDATED, reviewed_at=timezone.make_aware(datetime.datetime(2020, 1, 5)),
    )
    assert run("2020-05-06") == ["sent 0 messages"]


@pytest.mark.django_db
def test_action_point_owners_hear_before_and_after_the_deadline(setup, cluster, hcr, nrc):
    meeting = Meeting.objects.create(cluster=cluster, date=datetime.date(2020, 6, 1), title="Réunion de juin")
    point = ActionPoint.objects.create(meeting=meeting, what="Partager la cartographie", deadline=datetime.date(2020, 6, 10))
    point.owners.set([hcr])
    lines = run("2020-06-07")
    assert sorted(lines[:-1]) == [
        f"to=english@example.org kind=action_point subject=action point {point.pk} deadline 2020-06-10 (step -3)",
        f"to=member@example.org kind=action_point subject=action point {point.pk} deadline 2020-06-10 (step -3)",
    ]
    french = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert french.subject == "Point d'action à échéance le 10/06/2020 : Partager la cartographie"
    assert f"https://plans.example.org/meetings/{meeting.pk}/" in french.body
    assert run("2020-06-08") == ["sent 0 messages"]
    assert run("2020-06-11")[-1] == "sent 2 messages"
    point.status = ActionPoint.Status.DONE
    point.save()
    assert run("2020-06-17") == ["sent 0 messages"]  # done: no more chasing


@pytest.mark.django_db
def test_opt_out_keeps_the_in_app_notification(setup, users):
    EmailOptOut.objects.create(user=users.member, kind=Kind.DUE)
    lines = run("2020-04-23")
    assert lines == ["to=english@example.org kind=due subject=plan-test 2020-Q1 (step -7)", "sent 1 messages"]
    assert [m.to for m in mail.outbox] == [["english@example.org"]]
    mine = Notification.objects.get(recipient=users.member)
    assert mine.emailed_to == "" and mine.kind == Kind.DUE
    # The opt-out is per kind: overdue emails still come.
    assert "to=member@example.org kind=overdue" in " ".join(run("2020-05-07"))


@pytest.mark.django_db
def test_dry_run_prints_and_sends_nothing(setup):
    lines = run("2020-04-23", "--dry-run")
    assert lines[-1] == "sent 2 messages" and len(lines) == 3
    assert mail.outbox == [] and Notification.objects.count() == 0
    assert run("2020-04-23")[-1] == "sent 2 messages"


@pytest.mark.django_db
def test_bad_date_is_a_clear_error(setup):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("23/04/2020")


class FailingAfter(LocmemBackend):
    """The mail server accepts ``limit`` messages, then fails."""

    limit = 2
    sent = 0

    def send_messages(self, messages):
        if FailingAfter.sent >= FailingAfter.limit:
            raise smtplib.SMTPServerDisconnected("connection lost")
        FailingAfter.sent += len(messages)
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_run_interrupted_half_way_sends_the_rest_next_time_and_nothing_twice(setup, settings, hcr, users):
    for n in range(3):
        extra = _user(f"hcr-{n}", MEMBERS, organisation=hcr)
        extra.email = f"hcr{n}@example.org"
        extra.save()
    FailingAfter.sent = 0
    settings.EMAIL_BACKEND = "tests.test_reminders.FailingAfter"
    with pytest.raises(CommandError, match="stopped after 2 messages"):
        run("2020-04-23")
    assert len(mail.outbox) == 2
    assert Notification.objects.count() == 2  # the failed message was not recorded
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lines = run("2020-04-23")
    assert lines[-1] == "sent 3 messages"
    recipients = [m.to[0] for m in mail.outbox]
    assert len(recipients) == 5 == len(set(recipients))
    assert Notification.objects.count() == 5
    assert run("2020-04-23") == ["sent 0 messages"]


@pytest.mark.django_db
def test_the_database_refuses_a_second_copy(setup, users):
    plan, _, _ = setup
    from django.db import IntegrityError, transaction

    fields = {"recipient": users.member, "kind": Kind.DUE, "step": "-7", "workplan": plan.workplan,
              "quarter": plan.quarters[0], "subject": "s", "body": "b"}
    Notification.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**fields)


@pytest.mark.django_db
def test_users_without_the_members_role_or_inactive_get_nothing(setup, users, hcr):
    users.member.is_active = False
    users.member.save()
    Profile.objects.filter(user__username="hcr-english").update(organisation=None)
    assert run("2020-04-23") == ["sent 0 messages"]
    other = _user("hcr-coord", None, organisation=hcr)
    other.email = "x@example.org"
    other.save()
    assert run("2020-04-23") == ["sent 0 messages"]
    other.groups.add(Group.objects.get(name=MEMBERS))
    assert run("2020-04-23")[-1] == "sent 1 messages"


@pytest.mark.django_db
def test_a_subcluster_coordinator_hears_only_of_their_subcluster(setup, users, hcr, cluster):
    from workplans.models import SubCluster
    from workplans.permissions import COORDINATORS

    plan, indicators, _ = setup
    ReminderSchedule.objects.filter(cluster=cluster).update(digest_weekday=0)
    Profile.objects.filter(user=users.coordinator).update(cluster=None)  # only the two below
    inside, outside = SubCluster.objects.filter(cluster=cluster).order_by("code")[:2]
    hcr.subcluster = inside
    hcr.save()
    for name, sub in (("sub-in", inside), ("sub-out", outside)):
        user = _user(name, COORDINATORS, subcluster=sub)
        user.email = f"{name}@example.org"
        user.save()
    ProgressReport.objects.create(indicator=indicators[0], quarter=plan.quarters[0], organisation=hcr, value=1,
                                  state=ProgressReport.State.SUBMITTED, submitted_at=timezone.now())
    lines = run("2020-05-04")
    assert lines == ["to=sub-in@example.org kind=awaiting_validation subject=CP-MLI 2020-05-04 (1 awaiting, 1 overdue)",
                     "sent 1 messages"]


@pytest.mark.django_db
def test_the_demo_users_have_addresses_and_get_reminders():
    from django.contrib.auth import get_user_model

    call_command("load_demo", "--force")  # tests run with DEBUG off
    emails = dict(get_user_model().objects.filter(username__in=["admin", "coordinator", "member"])
                  .values_list("username", "email"))
    assert emails == {"admin": "admin@example.org", "coordinator": "coordinator@example.org",
                      "member": "member@example.org"}
    lines = run("2021-01-23", "--dry-run")  # 7 days before 2020-Q4's reporting deadline
    assert any(line.startswith("to=member@example.org kind=due subject=") for line in lines)
    assert lines[-1].startswith("sent ") and mail.outbox == []
