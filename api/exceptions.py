"""Errors of the services, answered as the pages answer them.

- ``ReportConflict`` (a stale ``version``): 409 with the current report in ``current``;
- ``ReportLocked`` (validated, submitted, or its quarter closed): 409;
- ``ProgressError`` (a value the rules refuse): 400 with the messages;
- ``PermissionDenied`` 403 and ``Http404`` 404, by DRF itself.
Messages are in the request's language (``Accept-Language``, LocaleMiddleware).
"""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from indicators.services import ProgressError, ReportConflict, ReportLocked


def exception_handler(exc, context):
    if isinstance(exc, ReportConflict):
        from .serializers import ProgressReportSerializer

        current = ProgressReportSerializer(exc.current, context=context).data
        return Response({"detail": exc.message, "current": current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ReportLocked):
        return Response({"detail": exc.message}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ProgressError):
        return Response({"detail": exc.message, "errors": list(exc.errors)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
