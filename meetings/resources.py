"""django-import-export resources: the contacts list, imported and exported from the admin."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from clusterplan.lib.admin_formats import RoundTripMixin
from workplans.models import Actor, SubCluster

from .models import Contact


class AliasForeignKeyWidget(widgets.ForeignKeyWidget):
    """Finds an actor or a sub-cluster by its code, acronym or any alias (case, accents, hyphens ignored)."""

    def __init__(self, model, message, **kwargs):
        super().__init__(model, field="pk", **kwargs)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return None
        found = self.model.objects.match(text)
        if found is None:
            raise ValueError(self.message % {"name": text})
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.acronym if isinstance(value, Actor) else value.code


class ContactResource(RoundTripMixin, resources.ModelResource):
    name = fields.Field(attribute="name", column_name="name")
    role = fields.Field(attribute="role", column_name="role")
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=AliasForeignKeyWidget(
            Actor, _('Unknown organisation "%(name)s": add it, or an alias, in the actors first.')
        ),
    )
    subcluster = fields.Field(
        attribute="subcluster",
        column_name="subcluster",
        widget=AliasForeignKeyWidget(
            SubCluster, _('Unknown sub-cluster or group "%(name)s": use its code (SCVBG, GT-LAMH …) or an alias.')
        ),
    )
    region = fields.Field(attribute="region", column_name="region")
    email = fields.Field(attribute="email", column_name="email")
    phone = fields.Field(attribute="phone", column_name="phone")

    class Meta:
        model = Contact
        fields = ["name", "role", "organisation", "subcluster", "region", "email", "phone"]
        export_order = fields
        import_id_fields = ["name"]
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Contact.objects.for_list()

    def get_instance(self, instance_loader, row):
        """The same person: same email when the row has one, otherwise the same name (any case)."""
        email = str(row.get("email") or "").strip()
        if email:
            found = Contact.objects.filter(email__iexact=email).first()
            if found:
                return found
        name = str(row.get("name") or "").strip()
        if not name:
            return None
        return Contact.objects.filter(name__iexact=name).first()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)  # the protective apostrophe removed, empty cells as ""
        if not str(row.get("name") or "").strip():
            raise ValidationError(_("Every contact needs a name."))
