"""Saved report views: a user saves a report's filters under a name, lists them, deletes them."""

from django.template.loader import render_to_string
from django.urls import reverse

from reports.models import SavedView
from reports.views import saved_views_for


def save(client, name="Retards HCR", path="/reports/plan-test/performance/", query="actor=HCR&status=late"):
    return client.post(reverse("reports:saved_views"), {"name": name, "path": path, "query": query})


def test_create_and_list(users, client_for):
    client = client_for(users.member)
    response = save(client)
    assert response.status_code == 302
    view = SavedView.objects.get()
    assert (view.user, view.name, view.url) == (users.member, "Retards HCR", "/reports/plan-test/performance/?actor=HCR&status=late")
    page = client.get(reverse("reports:saved_views"))
    assert page.status_code == 200 and "Retards HCR" in page.content.decode()
    assert 'href="/reports/plan-test/performance/?actor=HCR&amp;status=late"' in page.content.decode()


def test_save_from_the_report_page(report_plan, users, client_for):
    client = client_for(users.coordinator)
    url = reverse("reports:performance", args=[report_plan.plan.workplan.slug])
    page = client.get(url, {"year": "2020"}).content.decode()
    assert 'name="query" value="year=2020"' in page
    save(client, name="2020", path=url, query="year=2020")
    assert list(saved_views_for(users.coordinator).values_list("name", flat=True)) == ["2020"]


def test_duplicate_name_and_bad_path_are_refused(users, client_for):
    client = client_for(users.member)
    save(client)
    response = save(client)
    assert response.status_code == 400 and SavedView.objects.count() == 1
    response = save(client, name="ailleurs", path="https://evil.example/")
    assert response.status_code == 400 and SavedView.objects.count() == 1
    response = save(client, name="")
    assert response.status_code == 400


def test_list_only_shows_own_views(users, client_for):
    SavedView.objects.create(user=users.outsider, name="NRC only", path="/reports/")
    page = client_for(users.member).get(reverse("reports:saved_views")).content.decode()
    assert "NRC only" not in page
    assert list(saved_views_for(users.member)) == []


def test_delete(users, client_for):
    view = SavedView.objects.create(user=users.member, name="x", path="/reports/")
    response = client_for(users.member).post(reverse("reports:saved_view_delete", args=[view.pk]))
    assert response.status_code == 302 and not SavedView.objects.exists()


def test_delete_wrong_method(users, client_for):
    view = SavedView.objects.create(user=users.member, name="x", path="/reports/")
    assert client_for(users.member).get(reverse("reports:saved_view_delete", args=[view.pk])).status_code == 405
    assert SavedView.objects.exists()


def test_other_users_view_is_404(users, client_for):
    view = SavedView.objects.create(user=users.outsider, name="x", path="/reports/")
    for user in (users.member, users.coordinator):
        assert client_for(user).post(reverse("reports:saved_view_delete", args=[view.pk])).status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()


def test_saved_views_wrong_method(users, client_for):
    assert client_for(users.member).put(reverse("reports:saved_views")).status_code == 405


def test_dashboard_include(users, rf):
    SavedView.objects.create(user=users.member, name="Mon rapport", path="/reports/", query="year=2020")
    html = render_to_string("reports/_saved_views.html", {"saved_views": saved_views_for(users.member)})
    assert 'href="/reports/?year=2020"' in html and "Mon rapport" in html


def test_index_lists_workplans_and_saved_views(report_plan, users, client_for):
    SavedView.objects.create(user=users.member, name="Mon rapport", path="/reports/")
    page = client_for(users.member).get(reverse("reports:index")).content.decode()
    assert "Plan test" in page and "Mon rapport" in page
    assert reverse("reports:performance", args=["plan-test"]) in page
