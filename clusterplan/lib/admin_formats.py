"""The admin's import-export formats and the resources' round trip (django-import-export).

Every format offered reads back what it writes:

- ``CSV`` / ``TSV``: UTF-8 with a byte-order mark (Excel reads the accents), text cells that a
  spreadsheet would evaluate neutralised (``'=…``); the mark is removed again on import;
- ``XLSX``: written with XlsxWriter, text as text (never a formula, no apostrophe), control
  characters removed; read with openpyxl (empty cells come back as ``""`` for text fields);
- ``JSON``: as tablib writes it.

``RoundTripMixin`` (first base of a ``ModelResource``) removes the protective apostrophe and turns
empty cells (``None``) into ``""`` for the text fields that cannot be NULL.
"""

import io

from django.db import models
from import_export.formats import base_formats

from .exporting import BOM, neutralise, unneutralise
from .xlsx import Book, clean_text


def _neutralised(dataset):
    copy = dataset.__class__(headers=dataset.headers)
    for row in dataset:
        copy.append([neutralise(value) for value in row])
    return copy


class CSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return BOM + super().export_data(_neutralised(dataset), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return super().create_dataset(in_stream.lstrip(BOM), **kwargs)


class TSV(base_formats.TSV):
    def export_data(self, dataset, **kwargs):
        return BOM + super().export_data(_neutralised(dataset), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode(self.encoding or "utf-8-sig")
        return super().create_dataset(in_stream.lstrip(BOM), **kwargs)


class XLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        output = io.BytesIO()
        headers = [str(h) for h in dataset.headers or []]
        book = Book(output, title=dataset.title or "", author="clusterplan")
        widths = [max(10, min(50, len(h) + 4)) for h in headers]
        sheet = book.sheet(dataset.title or "export", widths=widths)
        if headers:
            sheet.header(headers)
        for row in dataset:
            sheet.write_row([clean_text(v) if isinstance(v, str) else v for v in row])
        sheet.finish(autofilter=bool(headers))
        book.close()
        return output.getvalue()


class JSON(base_formats.JSON):
    pass


FORMATS = [CSV, XLSX, TSV, JSON]


class RoundTripMixin:
    """Reads back what the formats above write (put it before ``resources.ModelResource``)."""

    def before_import_row(self, row, **kwargs):
        text_columns = self._not_null_text_columns()
        for key in list(row.keys()):
            value = unneutralise(row[key])
            if value is None and key in text_columns:
                value = ""
            row[key] = value
        super().before_import_row(row, **kwargs)

    def _not_null_text_columns(self):
        columns = set()
        model = self._meta.model
        for field in self.get_import_fields():
            attribute = getattr(field, "attribute", None)
            if not attribute or "__" in attribute:
                continue
            try:
                model_field = model._meta.get_field(attribute)
            except Exception:  # a computed column
                continue
            if isinstance(model_field, (models.CharField, models.TextField)) and not model_field.null:
                columns.add(field.column_name)
        return columns
