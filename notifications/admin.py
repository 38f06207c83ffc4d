from django.contrib import admin

from .models import EmailOptOut, Notification, ReminderSchedule


@admin.register(ReminderSchedule)
class ReminderScheduleAdmin(admin.ModelAdmin):
    """Administrators set each cluster's reminder days and digest weekday here."""

    list_display = ["cluster", "enabled", "report_offsets", "digest_weekday", "action_point_offsets"]
    list_editable = ["enabled", "report_offsets", "digest_weekday", "action_point_offsets"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "step", "subject", "emailed_to", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["recipient__username", "recipient__email", "subject"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    raw_id_fields = ["recipient", "workplan", "quarter", "cluster", "report", "action_point"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind"]
    list_filter = ["kind"]
    list_select_related = ["user"]
