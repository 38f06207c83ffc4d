"""Server-rendered pages of the api app: my API token, and the Kobo forms (coordinators).

- ``/api/v1/tokens/``: see, create (or replace) and revoke my token (DRF authtoken);
- ``/api/v1/kobo/forms/``: the Kobo forms, their hook URL and their kept submissions;
  ``new/`` and ``<id>/``: the mapping; ``<id>/submissions/``: what arrived, what was kept and
  why; ``<id>/reprocess/``: process the kept ones again after fixing the mapping.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from workplans.permissions import is_administrator, is_coordinator

from . import kobo
from .forms import KoboFormForm
from .models import KoboForm, KoboSubmission


@require_GET
def tokens(request):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "api/tokens.html", {"token": token, "can_kobo": can_manage_kobo(request.user)})


@require_POST
def token_create(request):
    """Create my token, or replace it (the old one stops working at once)."""
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    messages.success(request, _("A new API token was created. Any older token no longer works."))
    return redirect("api:tokens")


@require_POST
def token_revoke(request):
    deleted, _rows = Token.objects.filter(user=request.user).delete()
    if deleted:
        messages.success(request, _("Your API token was revoked: scripts using it are refused from now on."))
    return redirect("api:tokens")


# --- Kobo forms ---------------------------------------------------------------------------


def can_manage_kobo(user):
    return is_administrator(user) or is_coordinator(user)


def _require_kobo(user):
    if not can_manage_kobo(user):
        raise PermissionDenied(_("Only coordinators and administrators can connect Kobo forms."))


def kobo_forms_for(user):
    forms = KoboForm.objects.select_related("workplan", "created_by", "indicator")
    return forms if is_administrator(user) else forms.filter(created_by=user)


def get_kobo_form_for_user(user, pk):
    """A Kobo form: administrators see all; a coordinator the forms registered in their name (404 otherwise)."""
    _require_kobo(user)
    return get_object_or_404(kobo_forms_for(user), pk=pk)


@require_GET
def kobo_form_list(request):
    _require_kobo(request.user)
    forms = list(kobo_forms_for(request.user).annotate(
        kept_count=Count("submissions", filter=Q(submissions__status=KoboSubmission.Status.KEPT)),
        created_count=Count("submissions", filter=Q(submissions__status=KoboSubmission.Status.CREATED)),
    ))
    for form in forms:
        form.hook_url = request.build_absolute_uri(form.hook_path())
    return render(request, "api/kobo_form_list.html", {"forms": forms})


@require_http_methods(["GET", "POST"])
def kobo_form_edit(request, pk=None):
    _require_kobo(request.user)
    instance = get_kobo_form_for_user(request.user, pk) if pk else KoboForm(created_by=request.user)
    form = KoboFormForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, _("The Kobo form is saved. Paste its hook URL into Kobo's REST Services."))
            return redirect("api:kobo-submissions", saved.pk)
        status = 400
    hook_url = request.build_absolute_uri(instance.hook_path()) if instance.pk else None
    return render(request, "api/kobo_form_edit.html", {"form": form, "kobo_form": instance, "hook_url": hook_url},
                  status=status)


@require_GET
def kobo_submissions(request, pk):
    kobo_form = get_kobo_form_for_user(request.user, pk)
    which = request.GET.get("status") or KoboSubmission.Status.KEPT
    submissions = kobo_form.submissions.select_related("report__quarter", "report__organisation")
    if which in KoboSubmission.Status.values:
        submissions = submissions.filter(status=which)
    page = Paginator(submissions, 50).get_page(request.GET.get("page"))
    return render(request, "api/kobo_submissions.html", {
        "kobo_form": kobo_form, "page": page, "which": which, "statuses": KoboSubmission.Status.choices,
        "hook_url": request.build_absolute_uri(kobo_form.hook_path()),
        "kept_count": kobo_form.submissions.kept().count(), "querystring": f"status={which}",
    })


@require_POST
def kobo_reprocess(request, pk):
    kobo_form = get_kobo_form_for_user(request.user, pk)
    kept = kobo_form.submissions.kept().select_related("form__created_by", "form__workplan").order_by("received_at", "id")
    if request.POST.get("submission"):
        kept = kept.filter(pk=request.POST["submission"]) if request.POST["submission"].isdigit() else kept.none()
    kept = list(kept)
    done = kobo.reprocess(kept)
    messages.success(request, _("%(done)s of %(total)s kept submissions became reports.") % {"done": done, "total": len(kept)})
    return redirect("api:kobo-submissions", kobo_form.pk)
