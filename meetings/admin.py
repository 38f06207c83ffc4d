from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from clusterplan.lib.admin_formats import FORMATS as ADMIN_FORMATS

from .models import ActionPoint, AgendaItem, Contact, Meeting
from .resources import ContactResource


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    extra = 0
    fields = ["order", "title", "discussion", "recommendations"]


class ActionPointInline(admin.StackedInline):
    model = ActionPoint
    fk_name = "meeting"
    extra = 0
    fields = [("what", "order"), ("owners", "owner_people"), ("deadline", "status"), "follow_up", "activity", "reviewed_in"]
    autocomplete_fields = ["owners", "activity"]
    raw_id_fields = ["reviewed_in"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "cluster", "subcluster", "title", "place", "participants_count"]
    list_filter = ["cluster", "subcluster"]
    search_fields = ["title", "place", "chair", "organisations_text"]
    date_hierarchy = "date"
    list_select_related = ["cluster", "subcluster"]
    autocomplete_fields = ["co_facilitator", "organisations"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [AgendaItemInline, ActionPointInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "order"]
    list_select_related = ["meeting", "meeting__cluster", "meeting__subcluster"]
    search_fields = ["title", "discussion", "recommendations"]


@admin.register(ActionPoint)
class ActionPointAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "deadline", "status", "owner_people"]
    list_filter = ["status", "meeting__cluster"]
    search_fields = ["what", "owner_people", "follow_up", "owners__acronym"]
    list_select_related = ["meeting", "meeting__cluster", "meeting__subcluster"]
    autocomplete_fields = ["owners", "activity"]
    raw_id_fields = ["meeting", "reviewed_in"]


@admin.register(Contact)
class ContactAdmin(ImportExportModelAdmin):
    resource_classes = [ContactResource]
    formats = ADMIN_FORMATS  # CSV/TSV with a BOM, xlsx by XlsxWriter: each reads back what it writes
    list_display = ["name", "role", "organisation", "subcluster", "region", "email", "phone"]
    list_filter = ["subcluster", "region", "organisation"]
    search_fields = ["name", "role", "email", "organisation__acronym"]
    list_select_related = ["organisation", "subcluster"]
    autocomplete_fields = ["organisation"]
