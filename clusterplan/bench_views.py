"""The throughput anchor of `make bench-http`: a bare Django template page.

Routed only when the ``BENCH_BARE_PAGE`` setting is on (env ``BENCH_BARE_PAGE=1``), never in
production: it goes through the same middleware (session, signed-in user) as every page.
"""

from django.shortcuts import render


def bare_page(request):
    return render(request, "bench/bare.html")
