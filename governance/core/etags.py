"""ETag / If-Match for the API: the HTTP face of governance.core.concurrency.

A versioned object's responses carry `ETag: "<row_version>"`. A client that sends
`If-Match: "<row_version>"` on PATCH, PUT, DELETE (or an object action such as restore) gets
412 when someone else wrote since; the same body field `row_version`, when sent instead, gets
409. Without either, a PATCH writes only the fields it sends.

A viewset uses it by mixing in `VersionedObjectMixin` (before the DRF view classes), passing
`self.expected_version(serializer)` to its service as `expected_version`, and documenting its
operations with `versioned_schema(...)`. The service raises StaleWrite; the mixin answers it.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response

from governance.core.api import error_body
from governance.core.concurrency import LOCK_FIELD, StaleWrite

IF_MATCH_ANY = "*"


def etag_for(obj) -> str:
    """Return the strong ETag of a versioned object: its lock counter, quoted."""
    return f'"{getattr(obj, LOCK_FIELD)}"'


def parse_if_match(header: str | None):
    """Return None (no header), IF_MATCH_ANY, or the set of counters the header names.

    Weak tags (W/"3") are accepted as the same counter: clients echo what they were given.
    A tag that is not one of ours names no counter, so it can never match.
    """
    if header is None or not header.strip():
        return None
    if header.strip() == IF_MATCH_ANY:
        return IF_MATCH_ANY
    versions = set()
    for part in header.split(",")[:20]:
        tag = part.strip().removeprefix("W/").strip('"')
        if tag.isdigit() and len(tag) < 12:
            versions.add(int(tag))
    return versions


class PreconditionFailed(Exception):
    """If-Match named a version other than the stored one (HTTP 412)."""

    def __init__(self, current):
        self.current = current


class VersionedObjectMixin:
    """Answer ETag / If-Match on a DRF viewset whose objects carry `row_version`."""

    conflict_message = "Someone else changed this record since you read it."

    def if_match(self, instance):
        """Check If-Match against the stored object; return the counter it names, or None."""
        wanted = parse_if_match(self.request.headers.get("If-Match"))
        if wanted is None or wanted == IF_MATCH_ANY:
            return None
        current = getattr(instance, LOCK_FIELD)
        if current not in wanted:
            raise PreconditionFailed(instance)
        self._precondition = True
        return current

    def expected_version(self, serializer=None):
        """The counter the client's write is based on: If-Match first, else the body's."""
        header = getattr(self, "_if_match_version", None)
        body = None
        if serializer is not None:
            body = serializer.validated_data.pop(LOCK_FIELD, None)
        return header if header is not None else body

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            self._if_match_version = self.if_match(obj)
        return obj

    def handle_exception(self, exc):
        if isinstance(exc, PreconditionFailed | StaleWrite):
            return self._conflict_response(exc)
        return super().handle_exception(exc)

    def _conflict_response(self, exc):
        precondition = isinstance(exc, PreconditionFailed) or getattr(self, "_precondition", False)
        code = status.HTTP_412_PRECONDITION_FAILED if precondition else status.HTTP_409_CONFLICT
        fresh, representation = self.current_representation(exc.current)
        message = (
            f"{self.conflict_message} Your If-Match does not name the stored version "
            f"({getattr(fresh, LOCK_FIELD)}): read it again and retry."
            if precondition
            else f"{self.conflict_message} Your row_version is not the stored one "
            f"({getattr(fresh, LOCK_FIELD)}): read it again and retry."
        )
        body = error_body(code, "precondition_failed" if precondition else "conflict", message)
        body["error"]["current"] = representation
        response = Response(body, status=code)
        response["ETag"] = etag_for(fresh)
        return response

    def current_representation(self, obj):
        """Return (the object as stored now, its representation) for a conflict's body."""
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        return fresh, self.get_serializer(fresh).data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            200 <= response.status_code < 300
            and isinstance(data, dict)
            and isinstance(data.get(LOCK_FIELD), int)
            and "ETag" not in response
        ):
            response["ETag"] = f'"{data[LOCK_FIELD]}"'
        return response


IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description='The ETag you read, e.g. `"3"`: the write is refused with 412 if the record '
    "changed since. Without it a PATCH writes only the fields it sends.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The record\'s version, e.g. `"3"`: send it back as If-Match.',
)

ConflictErrorSerializer = inline_serializer(
    "ConflictError",
    fields={
        "error": inline_serializer(
            "ConflictErrorDetail",
            fields={
                "status": serializers.IntegerField(),
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "current": serializers.DictField(
                    help_text="The record as stored now, in the shape of a read."
                ),
            },
        )
    },
)


CONFLICT_RESPONSES = {
    409: OpenApiResponse(
        ConflictErrorSerializer,
        description="The body's row_version is not the stored one; nothing was saved.",
    ),
    412: OpenApiResponse(
        ConflictErrorSerializer,
        description="If-Match does not name the stored version; nothing was saved.",
    ),
}


def versioned_schema(response, *, status_code: int = 200, body_version: bool = True) -> dict:
    """Return extend_schema arguments for a versioned write: If-Match, ETag, 409 and 412.

    `response` is what a success returns (a serializer, or None for 204); `body_version`
    says whether the request body may carry row_version (so 409 applies).
    """
    responses = {status_code: response, 412: CONFLICT_RESPONSES[412]}
    if body_version:
        responses[409] = CONFLICT_RESPONSES[409]
    parameters = [IF_MATCH_PARAMETER]
    if response is not None:
        parameters.append(ETAG_HEADER)
    return {"parameters": parameters, "responses": responses}


def versioned_read_schema() -> dict:
    """Return extend_schema arguments for a versioned read: the ETag response header."""
    return {"parameters": [ETAG_HEADER]}


__all__ = [
    "CONFLICT_RESPONSES",
    "ConflictErrorSerializer",
    "ETAG_HEADER",
    "IF_MATCH_PARAMETER",
    "PreconditionFailed",
    "VersionedObjectMixin",
    "etag_for",
    "parse_if_match",
    "versioned_read_schema",
    "versioned_schema",
]
