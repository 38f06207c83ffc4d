"""A saved workplan as a tree (JSON) or as a clean workbook that re-imports to the same tree."""

import io

from clusterplan.lib.exporting import spreadsheet_number
from clusterplan.lib.xlsx import write_rows_workbook
from indicators.models import Indicator
from workplans.models import Activity, ActivityActor, ExpectedResult, Objective

from .workbooks import TEMPLATE_COLUMNS

PERIOD_AS_WRITTEN = "Période telle qu'écrite"


def _objective_level(objective, has_children):
    if objective.code == "OG":
        return "general"
    if objective.code.upper().startswith("AXE") or (objective.parent_id is None and has_children):
        return "axis"
    return "objective"


def workplan_tree_data(workplan):
    """The workplan as nested dicts (the ``export_workplan --format json`` shape), in 7 queries."""
    objectives = list(Objective.objects.filter(workplan=workplan).order_by("order", "id"))
    results = list(ExpectedResult.objects.filter(objective__workplan=workplan).order_by("order", "id"))
    activities = list(
        Activity.objects.active().filter(workplan=workplan).order_by("order", "id")
        .prefetch_related("quarters", "actor_links__actor")
    )
    indicators = list(Indicator.objects.active().filter(workplan=workplan).order_by("order", "id"))

    def indicator_data(i):
        return {
            "id": i.pk, "code": i.code, "text": i.text, "kind": i.kind, "target": spreadsheet_number(i.target),
            "baseline": spreadsheet_number(i.baseline), "unit": i.unit, "means_of_verification": i.means_of_verification,
        }

    by_activity, by_result, by_objective = {}, {}, {}
    for i in indicators:
        if i.activity_id:
            by_activity.setdefault(i.activity_id, []).append(indicator_data(i))
        elif i.result_id:
            by_result.setdefault(i.result_id, []).append(indicator_data(i))
        elif i.objective_id:
            by_objective.setdefault(i.objective_id, []).append(indicator_data(i))

    def activity_data(a):
        links = sorted(a.actor_links.all(), key=lambda link: (link.role != ActivityActor.Role.LEAD, link.order, link.pk))
        return {
            "id": a.pk, "code": a.code, "title": a.title, "level": a.level, "status": a.status,
            "actors": [{"name": link.actor.acronym, "role": link.role, **({"note": link.role_note} if link.role_note else {})}
                       for link in links],
            "periods": [q.code for q in sorted(a.quarters.all(), key=lambda q: q.ordinal)],
            "indicators": by_activity.get(a.pk, []),
            **({"period_text": a.period_text} if a.period_text else {}),
            **({"place": a.place} if a.place else {}),
            **({"resources": a.resources} if a.resources else {}),
        }

    acts_by_result, acts_by_objective = {}, {}
    for a in activities:
        if a.result_id:
            acts_by_result.setdefault(a.result_id, []).append(activity_data(a))
        else:
            acts_by_objective.setdefault(a.objective_id, []).append(activity_data(a))
    results_by_objective = {}
    for r in results:
        node = {"code": r.code, "title": r.title, "activities": acts_by_result.get(r.pk, [])}
        if r.pk in by_result:
            node["indicators"] = by_result[r.pk]
        results_by_objective.setdefault(r.objective_id, []).append(node)
    children = {}
    for o in objectives:
        children.setdefault(o.parent_id, []).append(o)

    def objective_data(o):
        kids = children.get(o.pk, [])
        node = {
            "code": o.code, "title": o.title, "level": _objective_level(o, bool(kids)),
            "objectives": [objective_data(c) for c in kids],
            "results": results_by_objective.get(o.pk, []),
            "activities": acts_by_objective.get(o.pk, []),
        }
        if o.pk in by_objective:
            node["indicators"] = by_objective[o.pk]
        return node

    return {
        "title": workplan.title, "slug": workplan.slug,
        "start": workplan.start_date.isoformat() if workplan.start_date else None,
        "end": workplan.end_date.isoformat() if workplan.end_date else None,
        "notes": [n for n in workplan.notes.split("\n") if n.strip()],
        "objectives": [objective_data(o) for o in children.get(None, [])],
    }


def _objective_line(node):
    if node["level"] == "general":
        return f"Objectif général : {node['title']}"
    if node["level"] == "axis":
        code = node["code"] if node["code"].upper().startswith("AXE") else f"AXE {node['code']}"
        return f"{code} : {node['title']}"
    return f"Objectif {node['code']} : {node['title']}"


def _lines(values):
    return "\n".join("-" if v in (None, "") else str(v) for v in values)


def workplan_workbook(workplan):
    """A clean .xlsx of the workplan in the template's columns; it re-imports to the same tree."""
    data = workplan_tree_data(workplan)
    months = dict(Activity.objects.active().filter(workplan=workplan).exclude(months=[]).values_list("id", "months"))
    headers = [h for h, _w in TEMPLATE_COLUMNS]
    col = {h: k for k, h in enumerate(headers)}
    headers[col["Période"]] = PERIOD_AS_WRITTEN
    headers.append("Mois")
    col["Mois"] = len(headers) - 1
    rows = [[data["title"]], []]
    rows.append(headers)

    def blank():
        return [None] * len(headers)

    def indicator_cells(row, indicators):
        row[col["Indicateurs"]] = "\n".join(i["text"] for i in indicators)
        row[col["Type d'indicateur"]] = _lines(i["kind"] for i in indicators)
        row[col["Cible"]] = _lines(i["target"] for i in indicators)
        row[col["Référence"]] = _lines(i["baseline"] for i in indicators)
        row[col["Unité"]] = _lines(i["unit"] for i in indicators)
        row[col["Moyen de vérification"]] = _lines(i["means_of_verification"] for i in indicators)

    def activity_row(activity, result_text=None):
        row = blank()
        if result_text:
            row[col["Résultat attendu"]] = result_text
        row[col["Code"]] = activity["code"]
        row[col["Activités"]] = activity["title"]
        indicator_cells(row, activity["indicators"])
        leads = [a for a in activity["actors"] if a["role"] == "lead"]
        others = [a for a in activity["actors"] if a["role"] != "lead"]
        fmt = lambda a: f"{a['name']} ({a['note']})" if a.get("note") else a["name"]  # noqa: E731
        row[col["Responsables (lead)"]] = "\n".join(fmt(a) for a in leads) or "-"
        row[col["Autres acteurs"]] = "\n".join(fmt(a) for a in others) or "-"
        row[col["Niveau"]] = activity["level"] or None
        row[col["Lieu"]] = activity.get("place") or None
        row[col["Statut"]] = activity["status"]
        row[col["Période"]] = activity.get("period_text") or None
        row[col["Trimestres"]] = " ".join(activity["periods"]) or None
        row[col["Ressources"]] = activity.get("resources") or None
        row[col["Mois"]] = " ".join(months.get(activity["id"], [])) or None
        return row

    def walk(node):
        line = blank()
        line[0] = _objective_line(node)
        rows.append(line)
        if node.get("indicators"):
            row = blank()
            indicator_cells(row, node["indicators"])
            rows.append(row)
        for activity in node["activities"]:
            rows.append(activity_row(activity))
        for result in node["results"]:
            result_text = f"{result['code']} {result['title']}"
            if result.get("indicators"):
                row = blank()
                row[col["Résultat attendu"]] = result_text
                indicator_cells(row, result["indicators"])
                rows.append(row)
                result_text = None
            if not result["activities"] and result_text:
                row = blank()
                row[col["Résultat attendu"]] = result_text
                rows.append(row)
            for k, activity in enumerate(result["activities"]):
                rows.append(activity_row(activity, result_text if k == 0 else None))
        for child in node["objectives"]:
            walk(child)

    for node in data["objectives"]:
        walk(node)
    for note in data["notes"]:
        rows.append([note])
    widths = [30 if header == "Période" else width for header, width in TEMPLATE_COLUMNS] + [12]
    out = io.BytesIO()
    write_rows_workbook(out, "Plan", rows, widths=widths, header_row=2, title=data["title"], author="clusterplan")
    return out.getvalue()
