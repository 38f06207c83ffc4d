"""The in-app notifications list and the email preferences of the signed-in user."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workplans.permissions import profile_of

from .forms import PreferencesForm
from .models import EmailOptOut, Kind, Notification
from .services import notifications_mark_read, preferences_save

PAGE_SIZE = 50


@require_GET
def notification_list(request):
    page = Paginator(Notification.objects.for_user(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "notifications": page.object_list})


@require_POST
def notification_open(request, pk):
    """Mark one notification read and follow its link."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    notifications_mark_read(request.user, notification.pk)
    url = notification.url
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "notifications:list"
    return redirect(url)


@require_POST
def notification_read_all(request):
    notifications_mark_read(request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences(request):
    profile = profile_of(request.user)
    opted_out = set(EmailOptOut.objects.filter(user=request.user).values_list("kind", flat=True))
    initial = {f"email_{kind}": kind not in opted_out for kind in Kind.values}
    initial["language"] = profile.language if profile else "fr"
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        preferences_save(request.user, form.wanted_kinds(), form.cleaned_data["language"])
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
