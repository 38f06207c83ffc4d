from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workplans.models import ShownOnEveryPage


class SavedViewQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user)


class SavedView(ShownOnEveryPage, models.Model):
    """A report's filters saved under a name by one user, listed on their dashboard."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=120)
    path = models.CharField(_("page"), max_length=300)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="unique_saved_view_name_per_user")]
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")

    def __str__(self):
        return self.name

    @property
    def url(self):
        return f"{self.path}?{self.query}" if self.query else self.path
