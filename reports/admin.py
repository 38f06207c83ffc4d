from django.contrib import admin

from .models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "path", "query", "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
