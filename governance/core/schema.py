"""OpenAPI description of the API token authentication."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "governance.tenancy.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "annex_<prefix>_<secret>",
            "description": "An organisation API token, issued under Organisation → API tokens.",
        }


# The one error shape of the API (governance.core.api.error_body), documented once.
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status, repeated."},
                "code": {"type": "string", "description": "A stable code, e.g. `invalid`."},
                "message": {"type": "string", "description": "What went wrong, for people."},
                "fields": {
                    "type": "object",
                    "description": "For 400: each invalid field (dotted for nested ones) and "
                    "what is wrong with it.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

ERROR_RESPONSES = {
    400: "The request is invalid: unreadable JSON, an unknown or invalid field or parameter. "
    "`error.fields` names each field.",
    401: "No credentials, or an API token that is unknown, expired or revoked.",
    403: "The role, or a read-only token, does not allow this.",
    404: "No such object in this organisation (another organisation's objects are absent too).",
    409: "The change conflicts with the current state, e.g. a name already in use.",
    412: "The object changed since it was read: the `If-Match` version is stale.",
    429: "Too many requests; retry after the time in the `Retry-After` header.",
}
_WRITE_ONLY_ERRORS = (409, 412)


def add_error_responses(result, generator, request, public):
    """Document the house error shape under every status an operation can answer with.

    drf-spectacular documents the success response of each operation; the errors come from the
    shared exception handler, so they are added here once rather than on every view.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                if status in _WRITE_ONLY_ERRORS and method == "get":
                    continue
                responses.setdefault(
                    str(status), {"description": description, "content": reference}
                )
    return result
