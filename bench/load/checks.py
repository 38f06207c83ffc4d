"""After the load: what the script submitted must be what is stored (no lost update), and
the figures Locust measured, written to a results file and docs/PERFORMANCE.md."""

import json
import math
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

SECTION_TITLE = "## Load on a real server (issue 7)"


def _key(record):
    return (int(record["indicator"]), str(record["quarter"]), str(record["organisation"]))


def _number(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return str(value)


def _text(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return None if value is None else str(value)


def expected_values(submissions):
    """The last ACCEPTED submission for each (indicator, quarter, organisation), in order."""
    expected = {}
    for record in submissions:
        if record.get("accepted"):
            expected[_key(record)] = _number(record["value"])
    return expected


def lost_updates(submissions, stored):
    """Differences between what was submitted and accepted, and what is stored.

    ``stored`` maps (indicator id, "YYYY-Qn", organisation acronym) to the stored value.
    Returns a list of ``{"key", "submitted", "stored"}``; empty means nothing was lost.
    """
    stored = {key: _number(value) for key, value in stored.items()}
    problems = []
    for key, value in sorted(expected_values(submissions).items()):
        if key not in stored:
            problems.append({"key": list(key), "submitted": _text(value), "stored": None})
        elif stored[key] != value:
            problems.append({"key": list(key), "submitted": _text(value), "stored": _text(stored[key])})
    return problems


def stored_values(keys):
    """The stored report values for these keys, read from the database (needs Django set up)."""
    from indicators.models import ProgressReport

    keys = list(keys)
    if not keys:
        return {}
    reports = ProgressReport.objects.filter(indicator_id__in={k[0] for k in keys}).select_related("quarter", "organisation")
    found = {}
    for report in reports:
        key = (report.indicator_id, f"{report.quarter.year}-Q{report.quarter.number}", report.organisation.acronym)
        found[key] = report.value if report.value is not None else report.value_text
    return {key: found[key] for key in keys if key in found}


def percentile(values, fraction):
    """The nearest-rank percentile of a list of numbers (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summarise(stats_rows, status_counts, submissions, problems, meta, page_times=()):
    """One results dict from Locust's per-endpoint stats rows and the counted status codes."""
    total = next(row for row in stats_rows if row["name"] == "Aggregated")
    return {
        "pages_p95_ms": percentile(list(page_times), 0.95),
        **meta,
        "requests": total["requests"],
        "failures": total["failures"],
        "p50_ms": total["p50_ms"],
        "p95_ms": total["p95_ms"],
        "p99_ms": total["p99_ms"],
        "rps": total["rps"],
        "status_5xx": sum(count for code, count in status_counts.items() if int(code) >= 500),
        "status_counts": {str(code): count for code, count in sorted(status_counts.items())},
        "per_instance": meta.get("per_instance", {}),
        "endpoints": [row for row in stats_rows if row["name"] != "Aggregated"],
        "submitted": len(submissions),
        "accepted": sum(1 for record in submissions if record.get("accepted")),
        "lost_updates": problems,
    }


def markdown(results, command):
    lines = [
        SECTION_TITLE,
        "",
        f"Command: `{command}` (bench/load/, Locust headless; {results['date']}).",
        "",
        f"{results['users']} virtual users for {results['duration_s']} s, spread evenly over "
        f"{len(results['hosts'])} gunicorn instances ({results['gunicorn']}) on loopback ports "
        f"{', '.join(h.rsplit(':', 1)[1] for h in results['hosts'])}, sharing one PostgreSQL database "
        f"(`{results['database']}`); DEBUG off, sessions and cache in the database, login throttling on. "
        f"Machine: {results.get('machine', 'not recorded')}. Seed: {results['seed']}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests | {results['requests']} ({results['rps']:.1f}/s) |",
        f"| p50 / p95 / p99 latency, all requests | {results['p50_ms']:.0f} / {results['p95_ms']:.0f} / {results['p99_ms']:.0f} ms |",
        f"| p95 latency, pages only (the 20 logins excluded) | {results['pages_p95_ms'] or 0:.0f} ms |",
        f"| failures | {results['failures']} |",
        f"| 5xx responses | {results['status_5xx']} |",
        f"| page requests per instance | {', '.join(f'{k}: {v}' for k, v in results['per_instance'].items())} |",
        f"| progress submitted / accepted / lost | {results['submitted']} / {results['accepted']} / {len(results['lost_updates'])} |",
        "",
        "| page | requests | failures | p50 ms | p95 ms |",
        "|---|---|---|---|---|",
    ]
    for row in results["endpoints"]:
        lines.append(f"| {row['method']} {row['name']} | {row['requests']} | {row['failures']} | "
                     f"{row['p50_ms']:.0f} | {row['p95_ms']:.0f} |")
    lines.append("")
    if results.get("password_hash_s"):
        lines += [f"Reading: a login checks the password with Django's PBKDF2 (one check took "
                  f"{results['password_hash_s']:.2f} s on this machine just before the run), so the 20 logins "
                  "of the first seconds queue up; the pages-only p95 leaves them out. The workplan tree page "
                  "computes every indicator's status: it is the heaviest page.", ""]
    if results.get("note"):
        lines += [results["note"], ""]
    return "\n".join(lines)


def performance_section_update(doc_path, section_text):
    """Replace the "Load on a real server" section of docs/PERFORMANCE.md, nothing else."""
    path = Path(doc_path)
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{re.escape(SECTION_TITLE)}\n.*?(?=^## |\Z)", re.M | re.S)
    if not pattern.search(text):
        text = text.rstrip("\n") + "\n\n" + section_text.rstrip("\n") + "\n"
    else:
        text = pattern.sub(lambda _: section_text.rstrip("\n") + "\n\n", text, count=1)
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def write_results(path, results):
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
