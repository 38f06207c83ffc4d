"""My tasks, a task's progress page, its result file; starting large exports and imports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from imports.permissions import get_import_session_for_user
from workplans.models import Workplan

from .models import Job
from .services import job_restart, job_start


def get_job_for_user(user, pk):
    """Only the user who started a task sees it (administrators see every task in the admin)."""
    job = get_object_or_404(Job.objects.all(), pk=pk)
    if job.started_by_id != user.pk:
        raise PermissionDenied(_("Only the person who started this task can see it."))
    return job


@require_GET
def job_list(request):
    Job.objects.mark_dead()
    page = Paginator(Job.objects.for_user(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page, "jobs": page.object_list})


@require_GET
def job_detail(request, pk):
    Job.objects.filter(pk=pk).mark_dead()
    job = get_job_for_user(request.user, pk)
    return render(request, "jobs/detail.html", {"job": job, "refresh": not job.is_finished})


@require_GET
def job_download(request, pk):
    job = get_job_for_user(request.user, pk)
    if job.state != Job.State.DONE or not job.result_file:
        raise Http404(_("This task has no file to download."))
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)


@require_POST
def job_restart_view(request, pk):
    job = get_job_for_user(request.user, pk)
    if not job.can_restart:
        messages.error(request, _("Only a failed task can be restarted."))
        return redirect(job)
    job = job_restart(job)
    messages.success(request, _("The task was queued again."))
    return redirect(job)


@require_POST
def export_performance_start(request, slug=None):
    workplan = get_object_or_404(Workplan, slug=slug) if slug else None
    description = _("Performance table (xlsx): %(plan)s") % {"plan": workplan.title if workplan else _("every plan")}
    job = job_start(request.user, Job.Kind.EXPORT_PERFORMANCE, description,
                    {"slug": slug, "query": request.POST.get("query", "")})
    return redirect(job)


@require_POST
def export_activities_start(request):
    fmt = request.POST.get("format", "xlsx")
    if fmt not in ("xlsx", "csv"):
        raise Http404(_("Unknown export format."))
    description = _("Activity list (%(format)s)") % {"format": fmt}
    job = job_start(request.user, Job.Kind.EXPORT_ACTIVITIES, description,
                    {"format": fmt, "query": request.POST.get("query", "")})
    return redirect(job)


@require_POST
def import_confirm_start(request, pk):
    """Confirm a previewed import in the background (large files): same service, atomic."""
    session = get_import_session_for_user(request.user, pk)
    if session.committed_at:
        messages.info(request, _("This import was already saved."))
        return redirect(session.workplan.get_absolute_url() if session.workplan else "imports:import")
    running = Job.objects.unfinished().filter(kind=Job.Kind.IMPORT_WORKPLAN, params__session=session.pk).first()
    if running:
        return redirect(running)
    description = _("Workplan import: %(file)s → %(slug)s") % {"file": session.original_name, "slug": session.slug}
    job = job_start(request.user, Job.Kind.IMPORT_WORKPLAN, description, {"session": session.pk})
    return redirect(job)
