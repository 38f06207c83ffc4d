from django.contrib import admin

from .models import ColumnMapping


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "cluster", "created_by", "updated_at")
    list_filter = ("cluster",)
    readonly_fields = ("header_key", "created_by", "updated_at")
    fields = ("cluster", "header", "fields", "header_key", "created_by", "updated_at")
