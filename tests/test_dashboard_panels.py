"""The dashboard also shows the overdue action points of meetings and the user's saved report views."""

import datetime

import pytest

from meetings.models import ActionPoint, Meeting
from reports.models import SavedView


@pytest.fixture
def overdue(cluster, hcr):
    meeting = Meeting.objects.create(cluster=cluster, date=datetime.date(2020, 1, 8), place="Bamako")
    late = ActionPoint.objects.create(meeting=meeting, order=0, what="Partager la cartographie des acteurs",
                                      deadline=datetime.date(2020, 2, 1))
    late.owners.add(hcr)
    ActionPoint.objects.create(meeting=meeting, order=1, what="Point déjà clos", deadline=datetime.date(2020, 2, 1),
                               status=ActionPoint.Status.DONE)
    ActionPoint.objects.create(meeting=meeting, order=2, what="Point à venir", deadline=datetime.date(2999, 1, 1))
    return late


def test_overdue_action_points_appear_on_the_dashboard(client_for, users, overdue):
    body = client_for(users.member).get("/").content.decode()
    assert "Partager la cartographie des acteurs" in body
    assert "Point déjà clos" not in body and "Point à venir" not in body
    assert "/meetings/action-points/?overdue=on" in body


def test_my_saved_views_appear_on_the_dashboard_and_not_others(client_for, users):
    SavedView.objects.create(user=users.member, name="SCVBG 2021", path="/reports/performance/", query="subcluster=SCVBG&year=2021")
    SavedView.objects.create(user=users.coordinator, name="Vue du coordinateur", path="/reports/performance/")
    body = client_for(users.member).get("/").content.decode()
    assert "SCVBG 2021" in body and "Vue du coordinateur" not in body


@pytest.mark.parametrize("n", [1, 15])
def test_dashboard_queries_do_not_grow_with_points_and_views(client_for, users, cluster, hcr, nrc, n,
                                                             django_assert_max_num_queries):
    meeting = Meeting.objects.create(cluster=cluster, date=datetime.date(2020, 1, 8), place="Bamako")
    for i in range(n):
        point = ActionPoint.objects.create(meeting=meeting, order=i, what=f"Point {i}", deadline=datetime.date(2020, 2, 1))
        point.owners.add(hcr, nrc)
        SavedView.objects.create(user=users.member, name=f"Vue {i}", path="/reports/performance/")
    client = client_for(users.member)
    with django_assert_max_num_queries(17):  # page cache miss (issue 16): +generations, cache read, fragment write
        assert client.get("/").status_code == 200
