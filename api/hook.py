"""``POST /api/v1/kobo/<secret>/``: where KoboToolbox's REST Services post each submission.

Answers: 201 a report was recorded; 200 a duplicate ``_uuid`` (nothing changes) or a
submission kept with the reason it could not be mapped (Kobo must not retry: retrying would
give the same answer; the coordinator fixes the mapping and processes it again here); 400 only
for a body that is not a Kobo submission (not a JSON object, or no ``_uuid``): nothing is kept,
so Kobo shows the failure in its REST Services log and it can be sent again from there; 404 an
unknown secret. Server errors (5xx) are left to Kobo's own retries.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import kobo
from .models import KoboForm, KoboSubmission
from .throttling import KoboHookThrottle


class HookAnswer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["created", "duplicate", "kept"])
    report = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class KoboHookView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [KoboHookThrottle]
    parser_classes = [JSONParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT, auth=[],
        responses={201: HookAnswer, 200: HookAnswer, 400: OpenApiResponse(description="Not a Kobo submission."),
                   404: OpenApiResponse(description="Unknown secret.")},
        description=__doc__,
    )
    def post(self, request, secret):
        form = get_object_or_404(KoboForm.objects.select_related("created_by", "workplan"), secret=secret)
        try:
            payload = request.data
        except ParseError:
            raise
        if not isinstance(payload, dict) or not str(payload.get("_uuid") or "").strip():
            return Response({"detail": _("This is not a Kobo submission: a JSON object with a _uuid is expected.")},
                            status=status.HTTP_400_BAD_REQUEST)
        submission, duplicate = kobo.receive(form, payload)
        answer = {"status": "duplicate" if duplicate else submission.status, "report": submission.report_id,
                  "reason": submission.reason}
        code = status.HTTP_201_CREATED if (not duplicate and submission.status == KoboSubmission.Status.CREATED) else 200
        return Response(answer, status=code)
