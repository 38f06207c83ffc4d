from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from clusterplan.lib.admin_formats import FORMATS as ADMIN_FORMATS
from clusterplan.lib.pagecache import bump_site

from .models import (
    Activity,
    ActivityActor,
    Actor,
    ActorAlias,
    Cluster,
    ExpectedResult,
    Objective,
    Profile,
    Quarter,
    SubCluster,
    SubClusterAlias,
    Workplan,
    bump_everything,
)
from .resources import ActorResource
from .services import ActorMergeError, actor_merge, describe_moves


class SubClusterInline(admin.TabularInline):
    model = SubCluster
    extra = 0
    fields = ["code", "name", "kind", "lead", "co_lead", "order"]
    autocomplete_fields = ["lead", "co_lead"]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "four_eyes_validation", "on_track_tolerance", "at_risk_tolerance"]
    search_fields = ["code", "name"]
    inlines = [SubClusterInline]


class SubClusterAliasInline(admin.TabularInline):
    model = SubClusterAlias
    extra = 1


@admin.register(SubCluster)
class SubClusterAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "cluster", "lead", "co_lead"]
    list_filter = ["kind", "cluster"]
    search_fields = ["code", "name", "aliases__name"]
    autocomplete_fields = ["lead", "co_lead"]
    inlines = [SubClusterAliasInline]


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1


@admin.register(Actor)
class ActorAdmin(ImportExportModelAdmin):
    resource_classes = [ActorResource]
    formats = ADMIN_FORMATS  # CSV/TSV with a BOM, xlsx by XlsxWriter: each reads back what it writes
    list_display = ["acronym", "name", "name_en", "kind", "subcluster"]
    list_filter = ["kind", "subcluster"]
    search_fields = ["acronym", "name", "name_en", "aliases__name"]
    list_select_related = ["subcluster"]
    inlines = [ActorAliasInline]
    actions = ["merge_organisations"]

    @admin.action(description=_("Merge the selected organisations into one"), permissions=["change", "delete"])
    def merge_organisations(self, request, queryset):
        """Choose the organisation kept; the others' links, reports, profiles, contacts… move to it."""
        actors = list(queryset.order_by("acronym"))
        if len(actors) < 2:
            self.message_user(request, gettext("Select at least two organisations to merge."), messages.WARNING)
            return None
        if "apply" in request.POST:
            keep = next((a for a in actors if str(a.pk) == request.POST.get("keep")), None)
            if keep is None:
                self.message_user(request, gettext("Choose the organisation to keep."), messages.ERROR)
            else:
                try:
                    moved = actor_merge(keep, actors, user=request.user)
                except ActorMergeError as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                    return None
                summary = describe_moves(moved)
                self.message_user(request, gettext("%(others)s merged into %(keep)s (%(moved)s).") % {
                    "others": ", ".join(str(a) for a in actors if a.pk != keep.pk), "keep": keep,
                    "moved": summary or gettext("nothing to move")}, messages.SUCCESS)
                return None
        return TemplateResponse(request, "admin/workplans/actor/merge.html", {
            **self.admin_site.each_context(request), "title": gettext("Merge organisations"), "actors": actors,
            "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "cluster", "subcluster"]
    list_filter = ["cluster", "subcluster"]
    search_fields = ["user__username", "organisation__acronym"]
    list_select_related = ["user", "organisation", "cluster", "subcluster"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Quarter)
class QuarterAdmin(admin.ModelAdmin):
    list_display = ["code", "year", "number", "start_date", "end_date"]
    list_filter = ["year"]
    search_fields = ["year"]


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ["code", "title", "parent", "order"]
    show_change_link = True


@admin.register(Workplan)
class WorkplanAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "cluster", "start_date", "end_date", "imported_at", "imported_by"]
    list_filter = ["cluster"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["imported_at", "imported_by", "source_file_name"]
    list_select_related = ["cluster", "imported_by"]
    inlines = [ObjectiveInline]


class ExpectedResultInline(admin.TabularInline):
    model = ExpectedResult
    extra = 0
    fields = ["code", "title", "order"]
    show_change_link = True


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ["code", "title", "result", "status", "period_text", "order"]
    show_change_link = True


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workplan", "parent", "order"]
    list_filter = ["workplan"]
    search_fields = ["code", "title"]
    list_select_related = ["workplan", "parent"]
    inlines = [ExpectedResultInline, ActivityInline]

    def get_inline_instances(self, request, obj=None):
        # Activities need their workplan: only offer the inline when editing an objective.
        return super().get_inline_instances(request, obj) if obj else []

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Activity) and not instance.workplan_id:
                instance.workplan = form.instance.workplan
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ResultActivityInline(ActivityInline):
    fields = ["code", "title", "status", "period_text", "order"]


@admin.register(ExpectedResult)
class ExpectedResultAdmin(admin.ModelAdmin):
    list_display = ["__str__", "objective", "order"]
    list_filter = ["objective__workplan"]
    search_fields = ["code", "title"]
    list_select_related = ["objective"]
    inlines = [ResultActivityInline]

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            instance.objective = form.instance.objective
            instance.workplan = form.instance.objective.workplan
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


class ActivityActorInline(admin.TabularInline):
    model = ActivityActor
    extra = 1
    autocomplete_fields = ["actor"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workplan", "objective", "status", "level", "period_text", "archived_at"]
    list_filter = ["workplan", "status", "level", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "title", "place"]
    list_select_related = ["workplan", "objective"]
    filter_horizontal = ["quarters"]
    inlines = [ActivityActorInline]  # indicators/admin.py adds the activity's indicators

    def save_related(self, request, form, formsets, change):
        """The schedule (quarters) is saved here, after the activity: the plan's statuses change."""
        super().save_related(request, form, formsets, change)
        Workplan.bump_generation(form.instance.workplan_id)


admin.site.site_header = _("clusterplan administration")
admin.site.site_title = _("clusterplan")


@admin.action(permissions=["delete"], description=django_delete_selected.short_description)
def delete_selected(modeladmin, request, queryset):
    """The admin's "delete selected" (``queryset.delete()``, which calls no model's ``delete``),
    then every plan's generation and the site version are raised (issue 16: the page cache)."""
    response = django_delete_selected(modeladmin, request, queryset)
    if response is None:  # deleted (else the confirmation page)
        bump_everything()
    return response


admin.site.add_action(delete_selected)  # replaces Django's action of the same name, for every model


class PageCacheUserAdmin(UserAdmin):
    """Users' names and roles are on the pages (history, scopes): the cached pages are rebuilt."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the groups (roles) are saved here
        bump_site()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_site()


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), PageCacheUserAdmin)
