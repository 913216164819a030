"""The OpenAPI description: token authentication, user-facing texts, the house error shape."""

import inspect

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema


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


class AutoSchema(SpectacularAutoSchema):
    """Describe operations for API users, never with docstrings written for developers.

    drf-spectacular falls back to the docstring of any base class (``OrganizationScopedMixin``'s
    "Base for API views…", a concurrency mixin's notes): only a docstring written on the view
    class itself, or on a method defined in an API module, becomes the description.
    """

    def get_description(self) -> str:
        view_class = type(self.view)
        action = getattr(self.view, "action", None) or self.method.lower()
        method = getattr(view_class, action, None)
        if method is not None and _defined_in_an_api_module(method):
            doc = inspect.getdoc(method)
            if doc:
                return _clean(doc)
        return _clean(view_class.__dict__.get("__doc__") or "")

    def get_summary(self):
        summary = super().get_summary()
        return summary or _summary_from_path(self.path, self.method.lower())


def _defined_in_an_api_module(function) -> bool:
    module = getattr(function, "__module__", "") or ""
    return module.startswith(("governance.", "compliance.")) and not module.startswith(
        "governance.core."
    )


def _clean(doc: str) -> str:
    return "\n".join(line.rstrip() for line in inspect.cleandoc(doc).split("\n")).strip()


def _summary_from_path(path: str, method: str) -> str:
    """Return a heading for an operation that states no summary, e.g. "List vendors".

    Without one, ReDoc and Swagger UI show the operation id ("o_vendors_list").
    """
    parts = [p for p in path.strip("/").split("/") if p]
    if parts[:2] == ["api", "v1"]:
        parts = parts[2:]
    if parts[:2] == ["o", "{org_slug}"]:
        parts = parts[2:]
    if not parts:
        return {"get": "Read the organisation", "patch": "Edit the organisation"}.get(
            method, f"{method.upper()} the organisation"
        )
    if parts[-1].startswith("{"):
        noun = _singular(parts[-2]) if len(parts) > 1 else "object"
        verb = {"get": "Read", "put": "Replace", "patch": "Edit", "delete": "Delete"}
        return f"{verb.get(method, method.upper())} {_a(noun)}"
    resource = parts[-1].replace("-", " ")
    parent = next((_singular(p) for p in reversed(parts[:-2]) if not p.startswith("{")), "")
    if len(parts) < 3 or not parts[-2].startswith("{"):
        return f"List {resource}" if method == "get" else f"Add {_a(_singular(resource))}"
    if not resource.endswith("s"):  # an action or a single sub-object: …/{uuid}/revoke/
        if method == "post":
            return f"{resource.capitalize()} {_a(parent)}"
        verb = {"get": "Read", "put": "Replace", "patch": "Edit", "delete": "Delete"}
        return f"{verb.get(method, method.upper())} {_a(parent)}'s {resource}"
    verbs = {"get": "List {a}'s {r}", "post": "Add {s} to {a}", "delete": "Remove {r} from {a}"}
    template = verbs.get(method, method.upper() + " {a}'s {r}")
    return template.format(a=_a(parent), r=resource, s=_a(_singular(resource)))


def _singular(word: str) -> str:
    word = word.replace("-", " ")
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _a(noun: str) -> str:
    return f"{'an' if noun[:1] in 'aeiou' else 'a'} {noun}"
