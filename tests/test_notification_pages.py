"""The in-app notifications: the list, the unread count in the navigation bar, preferences."""

import pytest
from django.urls import reverse

from notifications.models import EmailOptOut, Kind, Notification
from workplans.models import Profile


def _notify(user, plan, n, step_prefix="s"):
    return [
        Notification.objects.create(recipient=user, kind=Kind.DUE, step=f"{step_prefix}{i}", workplan=plan.workplan,
                                    quarter=plan.quarters[0], subject=f"Rappel {i}", body=f"Corps {i}",
                                    url=plan.workplan.get_absolute_url())
        for i in range(n)
    ]


@pytest.mark.django_db
def test_list_shows_only_my_notifications(users, plan, client_for):
    _notify(users.member, plan, 2)
    _notify(users.outsider, plan, 1, "o")
    response = client_for(users.member).get(reverse("notifications:list"))
    assert response.status_code == 200
    subjects = [n.subject for n in response.context["notifications"]]
    assert sorted(subjects) == ["Rappel 0", "Rappel 1"]


@pytest.mark.django_db
def test_unread_count_in_the_navigation_bar_in_one_query(users, plan, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users.member)
    url = reverse("notifications:preferences")
    _notify(users.member, plan, 1)
    client.get(url)  # warm up
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _notify(users.member, plan, 5, "more")
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(one) == len(six)  # constant: the count is one query whatever the number
    assert sum("notifications_notification" in q["sql"] for q in six.captured_queries) == 1
    assert b'<span class="badge badge-unread"' in response.content
    assert b">6</span>" in response.content


@pytest.mark.django_db
def test_no_badge_without_unread(users, client_for):
    response = client_for(users.member).get(reverse("notifications:list"))
    assert b"badge-unread" not in response.content


@pytest.mark.django_db
def test_opening_marks_read_and_follows_the_link(users, plan, client_for):
    mine, = _notify(users.member, plan, 1)
    client = client_for(users.member)
    response = client.post(reverse("notifications:open", args=[mine.pk]))
    assert response.status_code == 302 and response.url == plan.workplan.get_absolute_url()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("notifications:open", args=[mine.pk])).status_code == 405


@pytest.mark.django_db
def test_someone_elses_notification_is_404(users, plan, client_for):
    theirs, = _notify(users.outsider, plan, 1)
    assert client_for(users.member).post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_read_all(users, plan, client_for):
    _notify(users.member, plan, 3)
    _notify(users.outsider, plan, 1, "o")
    client = client_for(users.member)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert Notification.objects.unread().filter(recipient=users.member).count() == 0
    assert Notification.objects.unread().filter(recipient=users.outsider).count() == 1


@pytest.mark.django_db
def test_preferences_turn_kinds_off_and_set_the_language(users, client_for):
    client = client_for(users.member)
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert all(page.context["form"].initial[f"email_{k}"] for k in Kind.values)
    data = {"language": "en", **{f"email_{k}": "on" for k in Kind.values if k not in ("due", "validated")}}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    assert set(EmailOptOut.objects.filter(user=users.member).values_list("kind", flat=True)) == {"due", "validated"}
    assert Profile.objects.get(user=users.member).language == "en"
    # Bad input: an unknown language is refused, nothing changes.
    response = client.post(reverse("notifications:preferences"), {"language": "xx"})
    assert response.status_code == 200 and response.context["form"].errors
    assert EmailOptOut.objects.filter(user=users.member).count() == 2
    assert client.delete(reverse("notifications:preferences")).status_code == 405


@pytest.mark.django_db
def test_pages_need_a_login(client):
    for name in ("notifications:list", "notifications:preferences"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_list_query_count_is_constant(users, plan, client_for, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users.member)
    _notify(users.member, plan, 1)
    client.get(reverse("notifications:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:list"))
    _notify(users.member, plan, 30, "more")
    with django_assert_num_queries(len(few)):
        assert client.get(reverse("notifications:list")).status_code == 200
