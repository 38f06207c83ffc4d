"""Every export of the demo data converted to PDF by LibreOffice: a file LibreOffice cannot open fails.

    .venv/bin/python bench/check_exports.py            # (make check-exports)
    .venv/bin/python bench/check_exports.py --keep DIR # keep the files and the PDFs in DIR

Without ``soffice`` on the PATH it says so and succeeds (nothing to check with). Otherwise it
builds the demo data in its own SQLite database (``DATABASE_URL`` is ignored: never the
development or production database), downloads every export as the demo administrator through
the Django test client (the performance table, all plans and each plan, xlsx, both CSV
flavours and HXL; the quarterly summaries; the activity list; each workplan's re-importable
workbook; each meeting's minutes in French and in English; the admin's contacts, actors and
indicators in xlsx and CSV), then runs ``soffice --headless --convert-to pdf`` on them (CSV with
its separator) and fails when LibreOffice reports an error or a PDF is missing or empty.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CSV_FILTERS = {"excel": "CSV:59,34,76,1", "data": "CSV:44,34,76,1"}  # separator ; or , — quote " — UTF-8


def setup_django(db_path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "clusterplan.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))


def download_all(out):
    """Every export into ``out``: [(path, CSV flavour or None)]."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from clusterplan.lib.admin_formats import CSV, XLSX
    from imports.export import workplan_workbook
    from indicators.resources import IndicatorResource
    from meetings.models import Meeting
    from meetings.resources import ContactResource
    from reports.quarterly import default_quarter, plan_quarters
    from workplans.models import Workplan
    from workplans.resources import ActorResource

    admin = get_user_model().objects.get(username="admin")
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)
    files = []

    def get(name, url, params=None, flavour=None, language="fr"):
        response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200:
            raise SystemExit(f"FAILED {url} {params or ''}: HTTP {response.status_code}")
        path = out / name
        body = b"".join(response.streaming_content) if response.streaming else response.content  # streamed CSV
        path.write_bytes(body)
        files.append((path, flavour))

    def csvs(stem, url, params=None):
        for flavour in ("excel", "data"):
            get(f"{stem}-{flavour}.csv", url, {**(params or {}), "flavour": flavour}, flavour)

    get("performance-all.xlsx", reverse("reports:performance_all_xlsx"))
    csvs("performance-all", reverse("reports:performance_all_csv"))
    get("activities.xlsx", reverse("reports:activity_export", args=["xlsx"]))
    csvs("activities", reverse("reports:activity_export", args=["csv"]))
    for workplan in Workplan.objects.order_by("slug"):
        slug = workplan.slug
        get(f"{slug}-performance.xlsx", reverse("reports:performance_xlsx", args=[slug]), {"breakdowns": "on"})
        get(f"{slug}-performance-en.xlsx", reverse("reports:performance_xlsx", args=[slug]), language="en")
        csvs(f"{slug}-performance", reverse("reports:performance_csv", args=[slug]))
        get(f"{slug}-performance-hxl.csv", reverse("reports:performance_csv", args=[slug]), {"hxl": "1"}, "data")
        quarter = default_quarter(plan_quarters(workplan))
        if quarter is not None:
            get(f"{slug}-quarter.xlsx", reverse("reports:quarter_summary_xlsx", args=[slug]), {"quarter": quarter.code})
        path = out / f"{slug}-workplan.xlsx"
        path.write_bytes(workplan_workbook(workplan))
        files.append((path, None))
    for meeting in Meeting.objects.order_by("date", "pk"):
        for language in ("fr", "en"):
            get(f"minutes-{meeting.pk}-{language}.docx", reverse("meetings:docx", args=[meeting.pk]), language=language)
    for name, resource in (("contacts", ContactResource), ("actors", ActorResource), ("indicators", IndicatorResource)):
        dataset = resource().export()
        (out / f"admin-{name}.xlsx").write_bytes(XLSX().export_data(dataset))
        (out / f"admin-{name}-csv.csv").write_text(CSV().export_data(dataset), encoding="utf-8")
        files += [(out / f"admin-{name}.xlsx", None), (out / f"admin-{name}-csv.csv", "data")]
    return files


def convert(files, out, soffice):
    """Convert each file to PDF; the list of failures."""
    failures = []
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    pdf_dir = out / "pdf"
    pdf_dir.mkdir(exist_ok=True)
    groups = {}
    for path, flavour in files:
        groups.setdefault(flavour, []).append(path)
    try:
        for flavour, paths in groups.items():
            started = time.time() - 1
            command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore"]
            if flavour:
                command.append(f"--infilter={CSV_FILTERS[flavour]}")
            command += ["--convert-to", "pdf", "--outdir", str(pdf_dir)] + [str(p) for p in paths]
            run = subprocess.run(command, capture_output=True, text=True, timeout=900)
            errors = [line for line in (run.stdout + run.stderr).splitlines() if "Error" in line or "error:" in line]
            if run.returncode != 0:
                failures.append(f"soffice exited with {run.returncode} ({flavour or 'xlsx/docx'}): {run.stderr[-500:]}")
            failures += errors
            for path in paths:
                pdf = pdf_dir / (path.stem + ".pdf")
                if not pdf.exists() or pdf.stat().st_size < 500 or pdf.stat().st_mtime < started:
                    failures.append(f"no PDF for {path.name}")
                else:
                    print(f"ok  {path.name:60} → {pdf.stat().st_size:>9,d} bytes of PDF")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="a directory to keep the exports and their PDFs in")
    args = parser.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("check-exports: LibreOffice (soffice) is not installed: nothing to check with, skipped.")
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="check-exports-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        setup_django(work / "demo.sqlite3")
        files = download_all(work)
        print(f"{len(files)} exports written; converting with {soffice}")
        failures = convert(files, work, soffice)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("\n".join(["check-exports FAILED:"] + failures))
        return 1
    print(f"check-exports: {len(files)} exports converted to PDF by LibreOffice without an error.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
