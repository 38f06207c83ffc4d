"""`make bench-http`: throughput of the main pages against a bare Django page, same gunicorn.

    python -m bench.http_bench [--duration 5] [--scale 1|10|both] [--connections 20] [--keep]

For each scale it

1. (re)creates a PostgreSQL database (``BENCH_DATABASE_URL``, default
   ``postgres://postgres@127.0.0.1:5432/cp_bench_http``; ``_10x`` appended for ten times the
   data), migrates it and loads the demo (``load_demo``); at 10× it adds
   ``python -m bench.scale_data --workplans 3 --activities 250`` (82 → 832 activities). ``--keep`` reuses a
   database built by an earlier run;
2. starts gunicorn (2 sync workers, production settings, ``BENCH_BARE_PAGE=1`` which adds
   ``/bench/bare/``: one small Django template rendered through the same middleware, the
   throughput anchor) and signs in as the demo coordinator through the login form;
3. for each page: the server time with nothing cached (median of 7 requests, the cache table
   emptied before each: the page's content and its plans' statuses rebuilt, as after a write),
   one-request server time (median of 15 sequential requests on loopback, after 3 warm-ups:
   the content served from the page cache), the size sent (gzip when asked) and
   ``wrk -t2 -c20 -d5s`` throughput;
4. prints a Markdown table (req/s, share of the bare page, ms, bytes) and writes it to
   ``bench/out/http_bench.md``.

``wrk`` comes from Debian (installed here with apt-get when missing and running as root).
"""

import argparse
import gzip
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.load.run import database_recreate  # one way to make a throw-away bench database

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/cp_bench_http"
PORT = int(os.environ.get("BENCH_PORT", "8167"))


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: apt-get install wrk (as root)")
    print("== installing wrk from Debian's packages", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def server_env(database_url):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "DJANGO_"))}
    env.update(
        DATABASE_URL=database_url, DEBUG="0", SECRET_KEY=os.environ.get("BENCH_SECRET", secrets.token_urlsafe(50)),
        ALLOWED_HOSTS="127.0.0.1,localhost", SECURE_SSL_REDIRECT="0", SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0", STATIC_ROOT=str(OUT / "static"), BENCH_BARE_PAGE="1",
        PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="clusterplan.settings",
    )
    return env


def build(database_url, scale, env):
    database_recreate(database_url)
    run = lambda *args: subprocess.run([sys.executable, *args], cwd=ROOT, env=env, check=True)  # noqa: E731
    print(f"== {scale}×: migrate + load_demo", flush=True)
    run("manage.py", "migrate", "-v0")
    run("manage.py", "createcachetable")
    run("manage.py", "load_demo", "--force")  # demo users on a throw-away bench database
    if scale == 10:
        print("== 10×: scale_data --workplans 3 --activities 250", flush=True)
        run("-m", "bench.scale_data", "--workplans", "3", "--activities", "250")
    run("manage.py", "collectstatic", "--noinput", "-v0")


def page_targets(env, scale):
    """The main pages with real ids: the demo's first plan at 1×, a 250-activity plan at 10×."""
    code = (
        "import django; django.setup()\n"
        "from workplans.models import Workplan\n"
        "from indicators.models import Indicator\n"
        f"plans = Workplan.objects.filter(slug__startswith='scale-') if {scale} == 10 else Workplan.objects.none()\n"
        "plan = plans.order_by('slug').first() or Workplan.objects.order_by('-start_date', 'slug').first()\n"
        "ind = Indicator.objects.filter(workplan=plan).order_by('pk').first() or Indicator.objects.order_by('pk').first()\n"
        "print(plan.slug, ind.pk)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    slug, indicator = out.stdout.split()[-2:]
    return [
        ("bare Django page", "/bench/bare/"),
        ("`/` dashboard", "/"),
        ("`/activities/`", "/activities/"),
        ("`/activities/?subcluster=SCVBG&quarter=2021-Q2`", "/activities/?subcluster=SCVBG&quarter=2021-Q2"),
        ("`/indicators/<id>/`", f"/indicators/{indicator}/"),
        ("`/workplans/<slug>/`", f"/workplans/{slug}/"),
        ("`/reports/<slug>/performance/`", f"/reports/{slug}/performance/"),
    ]


def gunicorn_start(env, log_name):
    OUT.mkdir(exist_ok=True)
    log = open(OUT / log_name, "w")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "clusterplan.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--timeout", "60", "--keep-alive", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )


def gunicorn_stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def base():
    return f"http://127.0.0.1:{PORT}"


def wait_until_up(timeout=40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base() + "/accounts/login/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def sign_in(username="coordinator", password="demo"):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(base() + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(base() + "/accounts/login/", data=data.encode(),
                                     headers={"Referer": base() + "/accounts/login/"})
    opener.open(request).read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("could not sign in as the demo coordinator")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def one_request(path, cookie, repeat=15):
    """Median wall time of sequential requests on loopback (≈ server time), bytes plain and gzip."""
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
    times = []
    body = b""
    for i in range(repeat + 3):
        request = urllib.request.Request(base() + path, headers=headers)
        start = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            body = response.read()
            encoding = response.headers.get("Content-Encoding", "")
            status = response.status
        if i >= 3:
            times.append(time.perf_counter() - start)
    if status != 200:
        raise RuntimeError(f"{path}: {status}")
    plain = gzip.decompress(body) if encoding == "gzip" else body
    return statistics.median(times) * 1000, len(plain), len(body) if encoding == "gzip" else None


def cold_request(path, cookie, database_url, repeat=7):
    """Median server time when nothing is cached: the cache table emptied before each request
    (the page's content and its plans' statuses are rebuilt, as after a write in the plan)."""
    import psycopg2

    from clusterplan.lib.envconfig import CACHE_TABLE

    headers = {"Cookie": cookie, "Accept-Encoding": "gzip"}
    times = []
    db = psycopg2.connect(database_url)  # not ``with``: psycopg2 would hold every DELETE in one transaction
    db.autocommit = True
    try:
        with db.cursor() as cursor:
            for _ in range(repeat):
                cursor.execute(f'DELETE FROM "{CACHE_TABLE}"')
                request = urllib.request.Request(base() + path, headers=headers)
                start = time.perf_counter()
                with urllib.request.urlopen(request) as response:
                    response.read()
                times.append(time.perf_counter() - start)
    finally:
        db.close()
    return statistics.median(times) * 1000


def wrk(path, cookie, duration, connections):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-H", f"Cookie: {cookie}",
         "-H", "Accept-Encoding: gzip", base() + path],
        capture_output=True, text=True, check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{path}: {bad.group(1)} non-2xx answers\n{out}")
    return rps


def measure(scale, args):
    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB) + ("_10x" if scale == 10 else "")
    env = server_env(database_url)
    if not args.keep:
        build(database_url, scale, env)
    targets = page_targets(env, scale)
    server = gunicorn_start(env, f"http_bench_{scale}x.log")
    rows = []
    try:
        wait_until_up()
        cookie = sign_in()
        for label, path in targets:
            cold = cold_request(path, cookie, database_url)
            ms, size, gz = one_request(path, cookie)
            rps = wrk(path, cookie, args.duration, args.connections)
            rows.append((label, path, rps, ms, cold, size, gz))
            print(f"   {label}: {rps:.0f} req/s, {ms:.1f} ms, cold {cold:.1f} ms, {size} B ({gz} gzip)", flush=True)
    finally:
        gunicorn_stop(server)
    return rows


def table(scale, rows, args):
    bare = rows[0][2]
    lines = [
        f"At {scale}× the demo data — `wrk -t2 -c{args.connections} -d{args.duration}s`, gunicorn 2 workers, PostgreSQL:",
        "",
        "| page | req/s | share of the bare page | one request, server time | the same, cache emptied | HTML | gzip |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, _path, rps, ms, cold, size, gz in rows:
        share = "100 %" if label.startswith("bare") else f"{100 * rps / bare:.1f} %"
        packed = f"{gz / 1024:.1f} KiB" if gz else "—"
        lines.append(f"| {label} | {rps:.0f} | {share} | {ms:.1f} ms | {cold:.1f} ms | {size / 1024:.1f} KiB | {packed} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per page")
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--scale", choices=["1", "10", "both"], default="both")
    parser.add_argument("--keep", action="store_true", help="reuse the databases of an earlier run")
    args = parser.parse_args(argv)
    ensure_wrk()
    scales = [1, 10] if args.scale == "both" else [int(args.scale)]
    output = []
    for scale in scales:
        output.append(table(scale, measure(scale, args), args))
    text = "\n\n".join(output)
    print("\n" + text)
    OUT.mkdir(exist_ok=True)
    (OUT / "http_bench.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
