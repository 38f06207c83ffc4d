"""Workbooks the importer hands back: the annotated upload, and the blank template."""

import io

from django.utils.translation import gettext as _

from clusterplan.lib.exporting import column_letter, neutralise

from .readers import read_file

HIGHLIGHT = "FFFF9C"

TEMPLATE_COLUMNS = [
    # (header, width)
    ("Objectif", 40), ("Résultat attendu", 40), ("Code", 10), ("Activités", 50), ("Indicateurs", 50),
    ("Type d'indicateur", 16), ("Cible", 10), ("Référence", 10), ("Unité", 12), ("Moyen de vérification", 30),
    ("Responsables (lead)", 25), ("Autres acteurs", 25), ("Niveau", 12), ("Lieu", 15), ("Statut", 12),
    ("Période", 22), ("Trimestres", 30), ("Ressources", 20),
]
STATUSES = ["planned", "ongoing", "done", "cancelled"]
KINDS = ["number", "percent", "yes_no", "text"]


def annotated_workbook(data, name, warnings):
    """The uploaded file as .xlsx, with each doubtful cell highlighted and commented."""
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    kind, sheets = read_file(data, name)
    if kind == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        for worksheet in workbook.worksheets:  # formulas come back as inert text, never live
            for row in worksheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f" and isinstance(cell.value, str):
                        cell.value = neutralise(cell.value)
                        cell.data_type = "s"
    else:
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for sheet in sheets:
            worksheet = workbook.create_sheet(sheet.title[:31] or "Plan")
            for row, number in zip(sheet.rows, sheet.row_numbers):
                for column, cell in enumerate(row, start=1):
                    if cell.value is not None:
                        target = worksheet.cell(number, column, cell.value)
                        if isinstance(cell.value, str):
                            target.data_type = "s"  # text, never a formula: no protective apostrophe in an xlsx
    fill = PatternFill("solid", fgColor=HIGHLIGHT)
    notes = {}
    for warning in warnings:
        if not warning.cell or warning.sheet not in workbook.sheetnames and warning.sheet[:31] not in workbook.sheetnames:
            continue
        key = (warning.sheet[:31] if warning.sheet not in workbook.sheetnames else warning.sheet, warning.cell)
        notes.setdefault(key, []).append(warning.message)
    for (sheet, ref), messages in notes.items():
        cell = workbook[sheet][ref]
        cell.fill = fill
        cell.comment = Comment("\n".join(messages), "clusterplan", width=300, height=120)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def blank_template():
    """The columns clusterplan reads best, with drop-down lists for kinds, levels and quarters."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet["A1"] = _("Workplan title 2020-2022")
    bold, grey = Font(bold=True), PatternFill("solid", fgColor="D9D9D9")
    for column, (header, width) in enumerate(TEMPLATE_COLUMNS, start=1):
        cell = sheet.cell(3, column, header)
        cell.font, cell.fill = bold, grey
        sheet.column_dimensions[column_letter(column)].width = width
    sheet["A4"] = _("Objective 1: …")
    sheet.freeze_panes = "A4"
    lists = workbook.create_sheet("Listes")
    quarters = [f"{year}-Q{n}" for year in range(2019, 2031) for n in range(1, 5)]
    for row, value in enumerate(KINDS, start=1):
        lists.cell(row, 1, value)
    for row, value in enumerate(["national", "regional", "local"], start=1):
        lists.cell(row, 2, value)
    for row, value in enumerate(quarters, start=1):
        lists.cell(row, 3, value)
    lists.sheet_state = "hidden"
    headers = [h for h, _w in TEMPLATE_COLUMNS]

    def letter(header):
        return column_letter(headers.index(header) + 1)

    for header, source in (("Type d'indicateur", f"Listes!$A$1:$A${len(KINDS)}"), ("Niveau", "Listes!$B$1:$B$3"),
                           ("Trimestres", f"Listes!$C$1:$C${len(quarters)}")):
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=header != "Trimestres")
        validation.add(f"{letter(header)}4:{letter(header)}2000")
        sheet.add_data_validation(validation)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
