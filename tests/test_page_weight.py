"""Issue 16: HTML is compressed, and each main page weighs at most 15 KB compressed with its
CSS and JS (on the demo data, as the coordinator sees it)."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from tests.main_pages import demo_load, main_pages

LIMIT = 15 * 1024


@pytest.fixture
def demo(db, settings):
    return demo_load(settings)


def assets_gzip_size(html):
    """The gzip size of every stylesheet and script the page links (self-hosted static files)."""
    total = 0
    for url in re.findall(r'<(?:link rel="stylesheet" href|script src)="/static/([^"?]+)"', html):
        path = finders.find(url)
        assert path, url
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    return total


def test_html_is_gzipped_and_main_pages_weigh_at_most_15_kb(client, demo):
    plan, indicator = demo
    assert client.login(username="coordinator", password="demo")
    weights = {}
    for _name, url in main_pages(plan, indicator):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert response.status_code == 200, url
        assert response["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response["Vary"], url
        html = gzip.decompress(response.content).decode()
        weights[url] = len(response.content) + assets_gzip_size(html)
    too_heavy = {url: weight for url, weight in weights.items() if weight > LIMIT}
    assert not too_heavy, weights
    # A browser that does not ask for gzip gets plain HTML.
    response = client.get("/")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
