from django.contrib import admin

from .models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "description", "started_by", "state", "rows_written", "rows_total", "attempt"]
    list_filter = ["kind", "state"]
    list_select_related = ["started_by"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request):
        return False
