"""The errors every operation may answer, written into the OpenAPI schema (a drf-spectacular
postprocessing hook), so clients (and schemathesis) know them: 400 field messages, 401 no or
bad token, 403 a forbidden act, 404 outside one's scope, 405, 409 a stale version or a locked
report (where the view says so), 429 throttled."""

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Field name → messages, or `detail` (and `errors`) for a refusal by the rules.",
    "additionalProperties": {},
}
STANDARD = {
    "400": ("Bad values: messages by field, in the request's language.", FIELD_ERRORS),
    "401": ("No token, or an unknown one.", ERROR),
    "403": ("A forbidden act.", ERROR),
    "404": ("Not found, or outside your scope.", ERROR),
    "405": ("Method not allowed.", ERROR),
    "429": ("Too many requests for this user: wait and retry.", ERROR),
}


def add_error_responses(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in STANDARD.items():
                if code == "401" and operation.get("security") == [{}]:
                    continue
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": schema}}})
    return result
