"""Import benchmark (issues 3 and 11): 20 objectives × 10 results × 25 activities, one indicator each.

Writes the plan as .xlsx, then times, in the same run:
  1. openpyxl (read-only) reading every cell of it: the bare read;
  2. the full import: read + layout + parse + save (bulk operations) into a fresh workplan;
  3. a re-import of the same file (nothing changes);
and counts the SQL queries of each import; then (issue 11) times the command
``manage.py import_workplan FILE --slug bench`` as a whole process (Python and Django start-up
included) against a fresh database migrated beforehand (not timed), and the bare read again.

    DJANGO_SETTINGS_MODULE=clusterplan.settings .venv/bin/python bench/import_bench.py

It uses a throw-away SQLite database (or the DATABASE_URL one's test database) via Django's
test runner machinery, so it never touches real data.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterplan.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

OBJECTIVES, RESULTS, ACTIVITIES = 20, 10, 25
RUNS = 5  # the command's runs (each into a new plan of the same database); medians compared
ACTORS = ["HCR", "NRC", "UNICEF", "OCHA", "SCPE", "SCVBG", "GT-LHAM", "CP"]


def build_workbook():
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    sheet.append(["Plan de travail bench 2020-2022"])
    sheet.append(["Résultats attendus", "Activités", "Indicateurs", "Moyen de vérification", "Responsables", "Autres acteurs", "Période"])
    n = 0
    for o in range(1, OBJECTIVES + 1):
        sheet.append([f"Objectif {o} : objectif numéro {o} du plan de référence"])
        for r in range(1, RESULTS + 1):
            for a in range(1, ACTIVITIES + 1):
                n += 1
                sheet.append([
                    f"{o}.{r} Résultat {o}.{r} attendu" if a == 1 else None,
                    f"Activité {o}.{r}.{a} : mener l'action numéro {n}",
                    f"{(n % 40) + 1} rapports produits pour l'activité {n}" if n % 3 else f"# de personnes formées ({n})",
                    "Rapports d'activité",
                    f"{ACTORS[n % len(ACTORS)]} (Chef de File) / {ACTORS[(n + 3) % len(ACTORS)]}",
                    ACTORS[(n + 5) % len(ACTORS)],
                    ["Janvier 2020 à décembre 2022", "Q3-Q4 2021", "En continu", "Août 2020"][n % 4],
                ])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), n


BARE_PROCESS = """
import io, sys
import openpyxl
workbook = openpyxl.load_workbook(io.BytesIO(open(sys.argv[1], "rb").read()), read_only=True)
for sheet in workbook.worksheets:
    for row in sheet.iter_rows():
        for cell in row:
            _ = cell.value
workbook.close()
"""


def bare_read(data):
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                _ = cell.value
                cells += 1
    workbook.close()
    return cells


def main():
    from imports.parsing import parse_file
    from imports.services import workplan_import_commit

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":  # a file, so that the command's own process sees the same database
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(tempfile.gettempdir()) / "import_bench.sqlite3")
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        data, activities = build_workbook()
        print(f"workbook: {activities} activities, {len(data) / 1024:.0f} KiB")
        start = time.perf_counter()
        cells = bare_read(data)
        read = time.perf_counter() - start
        print(f"bare openpyxl read of every cell ({cells} cells): {read:.2f} s")

        start = time.perf_counter()
        parsed = parse_file(data, "bench.xlsx")
        parse = time.perf_counter() - start
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            summary = workplan_import_commit(parsed, slug="bench")
            save = time.perf_counter() - start
        total = parse + save
        print(f"full import: {total:.2f} s (read + parse {parse:.2f} s, save {save:.2f} s), "
              f"{len(queries)} SQL queries; created {summary.created}")
        print(f"ratio full import / bare read: {total / read:.1f}×")

        start = time.perf_counter()
        parsed = parse_file(data, "bench.xlsx")
        with CaptureQueriesContext(connection) as queries:
            summary = workplan_import_commit(parsed, slug="bench")
        again = time.perf_counter() - start
        print(f"re-import of the same file: {again:.2f} s, {len(queries)} SQL queries, changed: {summary.changed}")
        print(f"database: {connection.vendor}")
        # the whole command, in its own process, into a fresh plan of the same test database
        import subprocess

        with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
            handle.write(data)
            handle.flush()
            environment = dict(os.environ)
            if connection.vendor == "sqlite":
                environment["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
            else:
                environment["DATABASE_URL"] = (
                    f"postgres://{connection.settings_dict['USER']}@{connection.settings_dict['HOST']}:"
                    f"{connection.settings_dict['PORT']}/{connection.settings_dict['NAME']}")
            root = Path(__file__).resolve().parent.parent
            connection.close()
            # As deployed, the project's modules are compiled once (pip compiles the libraries,
            # openpyxl included, at install; this machine sets PYTHONDONTWRITEBYTECODE, so without
            # this step every process would compile the project's sources again).
            subprocess.run([sys.executable, "-m", "compileall", "-q", "-x", r"[/\\]\.venv[/\\]", str(root)],
                           check=False, stdout=subprocess.DEVNULL)
            commands, reads, bare_processes = [], [read], []
            for run in range(RUNS):
                start = time.perf_counter()
                subprocess.run([sys.executable, str(root / "manage.py"), "import_workplan", handle.name,
                                "--slug", f"bench-cli-{run}"], check=True, env=environment, stdout=subprocess.DEVNULL)
                commands.append(time.perf_counter() - start)
                start = time.perf_counter()
                bare_read(data)
                reads.append(time.perf_counter() - start)
                start = time.perf_counter()  # the bare read as a whole process too (Python start-up included)
                subprocess.run([sys.executable, "-c", BARE_PROCESS, handle.name], check=True, stdout=subprocess.DEVNULL)
                bare_processes.append(time.perf_counter() - start)
        command, bare = statistics.median(commands), statistics.median(reads)
        bare_process = statistics.median(bare_processes)
        print(f"the command as a whole process, {RUNS} runs: {', '.join(f'{c:.2f}' for c in commands)} s "
              f"(median {command:.2f} s); bare read, {len(reads)} runs: {', '.join(f'{r:.2f}' for r in reads)} s "
              f"(median {bare:.2f} s); ratio of the medians: {command / bare:.2f}×")
        print(f"the bare read as a whole process, {RUNS} runs: {', '.join(f'{r:.2f}' for r in bare_processes)} s "
              f"(median {bare_process:.2f} s); command / bare-read process: {command / bare_process:.2f}×")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    del test_db


if __name__ == "__main__":
    main()
