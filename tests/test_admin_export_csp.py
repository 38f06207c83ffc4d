"""django-import-export's export page, as clusterplan overrides it: no inline handler or style
(the CSP would block them), and its "select all" toggle bound from a static script instead.
A throwaway admin site with an export-enabled model admin renders it."""

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import include, path, reverse
from import_export.admin import ExportMixin

from tests.test_security_headers import assert_csp_compatible
from workplans.models import Actor

site = admin.AdminSite(name="admin")


class ActorExportAdmin(ExportMixin, admin.ModelAdmin):
    pass


site.register(Actor, ActorExportAdmin)

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
    path("probe-admin/", site.urls),
]


@pytest.mark.urls("tests.test_admin_export_csp")
def test_export_page_has_no_inline_script_or_style(client_for, users, hcr, nrc):
    response = client_for(users.administrator).get(reverse("admin:workplans_actor_export"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="select-toggle"' in html  # the toggle is there…
    assert "js/admin_export_toggle.js" in html  # …bound by the static script
    assert_csp_compatible(response, "export")


def test_the_export_script_binds_the_toggle():
    script = finders.find("js/admin_export_toggle.js")
    assert script
    text = open(script, encoding="utf-8").read()
    assert "select-all-toggle" in text and "addEventListener" in text
