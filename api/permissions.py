"""The pages' report visibility for the API: one rule, in ``indicators.permissions``.

``visible_reports`` is ``can_see_report_details`` for a whole queryset (issue 13, drafts
private): validated reports for everyone signed in; the others for their organisation's
members, the coordinators in scope and administrators. ``tests/test_api_reads.py`` checks that
both agree on every report for every role.
"""

from indicators.permissions import visible_reports

__all__ = ["visible_reports"]
