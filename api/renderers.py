"""``?format=csv`` on the list endpoints: UTF-8 with a BOM (Excel opens it right), ``;`` as the
separator in French (Excel in French reads ``;``), ``,`` in English; nested values flattened to
``parent.child`` columns; every text cell through ``neutralise`` (no formula injection)."""

import csv
import io

from django.utils.translation import get_language
from rest_framework.renderers import BaseRenderer

from clusterplan.lib.exporting import neutralise


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        row = {}
        for key, item in value.items():
            row.update(_flatten(item, f"{prefix}{key}."))
        return row
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return {prefix[:-1]: " ".join(str(v) for v in value)}
        return {prefix[:-1]: " | ".join(
            ", ".join(f"{k}={v}" for k, v in item.items()) if isinstance(item, dict) else str(item) for item in value
        )}
    return {prefix[:-1]: value}


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [_flatten(item) for item in (data if isinstance(data, list) else [data])]
        columns = []
        for row in rows:
            for key in row:
                if key not in columns:
                    columns.append(key)
        delimiter = ";" if (get_language() or "fr").startswith("fr") else ","
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=delimiter)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([neutralise("" if row.get(c) is None else row.get(c)) for c in columns])
        response = renderer_context.get("response") if renderer_context else None
        view = renderer_context.get("view") if renderer_context else None
        if response is not None and response.status_code == 200:
            name = getattr(view, "basename", None) or "export"
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return out.getvalue().encode("utf-8")
