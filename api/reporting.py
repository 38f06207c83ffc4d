"""One write path for a progress report from outside the pages (the API and the Kobo bridge).

The values are checked by the page's own form (``indicators.forms.ReportForm``: kinds, yes/no,
percentages, negative numbers, cercles), then saved by ``indicators.services.report_save`` (and
``report_submit`` when asked), which check the permissions, the closed quarters, the version and
the parts again. Both writes run in one transaction: a refused submit leaves nothing saved.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from indicators import services
from indicators.forms import CERCLE_ROWS, ReportForm
from indicators.models import Indicator
from indicators.permissions import organisations_for_recording

# The form's field names, as the API calls them.
FORM_TO_API = {
    "sex_F": "parts.F", "sex_M": "parts.M", "age_lt18": "parts.lt18", "age_ge18": "parts.ge18",
    "__all__": "non_field_errors",
}


class ReportInvalid(Exception):
    """Field messages (translated), keyed by the API's field names."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def choose_organisation(user, indicator, organisation_id):
    """The organisation to report for: the one asked (403 if ``user`` may not report for it), or
    the only one ``user`` may report for."""
    organisations = organisations_for_recording(user, indicator)
    if organisation_id not in (None, ""):
        organisation = organisations.filter(pk=organisation_id).first()
        if organisation is None:
            raise PermissionDenied(_("You cannot report for this organisation."))
        return organisation, organisations
    if len(organisations) == 1:
        return organisations[0], organisations
    raise ReportInvalid({"organisation": [_("This field is required.")]})


def _form_data(indicator, organisation, values, version):
    data = {"organisation": organisation.pk, "narrative": values.get("narrative") or ""}
    if version is not None:
        data["version"] = version
    value = values.get("value")
    if indicator.kind == Indicator.Kind.TEXT:
        data["value_text"] = values.get("value_text") or ""
    elif value is not None:
        if indicator.kind == Indicator.Kind.YES_NO and value in (0, 1):
            value = int(value)
        data["value"] = str(value)
    parts = values.get("parts") or {}
    for form_name, key in (("sex_F", "F"), ("sex_M", "M"), ("age_lt18", "lt18"), ("age_ge18", "ge18")):
        if parts.get(key) is not None:
            data[form_name] = str(parts[key])
    cercles = list((parts.get("cercles") or {}).items())
    if len(cercles) > CERCLE_ROWS:
        raise ReportInvalid({"parts.cercles": [_("At most %(n)s cercles.") % {"n": CERCLE_ROWS}]})
    for i, (place, part) in enumerate(cercles):
        data[f"cercle_{i}"] = str(place)
        data[f"cercle_value_{i}"] = str(part)
    return data


def _api_errors(form):
    errors = {}
    for name, messages in form.errors.items():
        key = FORM_TO_API.get(name) or ("parts.cercles" if name.startswith("cercle") else name)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


@transaction.atomic
def record_report(user, indicator, quarter, organisation, organisations, values, version=None, submit=False,
                  report=None):
    """Save (and optionally submit) one report; raises ``ReportInvalid``, ``PermissionDenied`` or a
    ``services.ProgressError`` (``ReportConflict``, ``ReportLocked``)."""
    form = ReportForm(_form_data(indicator, organisation, values, version), indicator=indicator,
                      organisations=organisations, report=report)
    if not form.is_valid():
        raise ReportInvalid(_api_errors(form))
    data = form.cleaned_data
    saved = services.report_save(
        user, indicator, quarter, data["organisation"], value=data.get("value"),
        value_text=data.get("value_text", ""), narrative=data.get("narrative", ""), parts=form.parts(),
        version=data.get("version") if version is not None else None,
    )
    if submit:
        saved = services.report_submit(user, saved)
    return saved


