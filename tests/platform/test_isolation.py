"""Another organisation's objects are a 404 at every URL that takes an object id.

The test walks the URL configuration itself, so a URL added later is covered by construction;
its object keyword must be known to tests/isolation.py or this test fails.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.isolation import API_BASENAME_OBJECTS, OBJECT_KWARGS

# Path converters (<uuid:x>) and the named groups of DRF's regex routes ((?P<x>…)).
OBJECT_KWARG = re.compile(r"<(?:uuid|int|slug|str|path):(\w+)>|\(\?P<(\w+)>")


def _keywords(route):
    return [a or b for a, b in OBJECT_KWARG.findall(route)]


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from _walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, route


def object_routes():
    """Return (url name, route, object keywords) for every named URL with an object keyword."""
    out = []
    for name, route in _walk(get_resolver().url_patterns):
        keywords = [k for k in _keywords(route) if k not in ("org_slug", "format")]
        if "org_slug" in route and keywords:
            out.append((name, route, keywords))
    return sorted(set((n, r, tuple(k)) for n, r, k in out))


ROUTES = object_routes()


def _object_id(world, name, keyword):
    if keyword in OBJECT_KWARGS:
        return OBJECT_KWARGS[keyword](world)
    if name.startswith("api:") and keyword == "uuid":
        route_name = name.split(":", 1)[1]
        for basename in sorted(API_BASENAME_OBJECTS, key=len, reverse=True):
            if route_name.startswith(basename + "-"):
                return API_BASENAME_OBJECTS[basename](world)
    pytest.fail(f"{name}: add a maker for the keyword '{keyword}' to tests/isolation.py")


def _absent(value):
    """Return an id of the same kind as `value` that names no object."""
    return 999_999 if isinstance(value, int) else uuid.uuid4()


def test_the_walk_finds_the_platform_object_urls():
    names = {name for name, _route, _kw in ROUTES}
    assert {
        "tenancy:member-edit",
        "tenancy:token-detail",
        "api:member-detail",
        "api:token-revoke",
        "audit:event-detail",
    } <= names


@pytest.mark.parametrize(("name", "route", "keywords"), ROUTES, ids=[r[0] for r in ROUTES])
def test_it_returns_404_for_another_organizations_object(world, client, name, route, keywords):
    kwargs = {k: _object_id(world, name, k) for k in keywords}
    client.force_login(world.charlie)
    methods = ["get", "post", "patch", "delete"] if name.startswith("api:") else ["get", "post"]
    # charlie's own organisation in the URL, alice's object id: the scoped selector says 404.
    own_org_url = reverse(name, kwargs={"org_slug": world.globex.slug, **kwargs})
    # alice's organisation in the URL: charlie is no member, 404 too, never 403.
    foreign_org_url = reverse(name, kwargs={"org_slug": world.acme.slug, **kwargs})
    for url in (own_org_url, foreign_org_url):
        for method in methods:
            response = (
                getattr(client, method)(url, content_type="application/json")
                if method in ("patch", "delete")
                else getattr(client, method)(url)
            )
            # A method the URL never accepts is refused before any lookup (405 says nothing
            # about the object); every accepted method must answer 404.
            allowed = {404, 405} if method != "post" or name.startswith("api:") else {404}
            assert response.status_code in allowed, (
                f"{method.upper()} {url} gave {response.status_code}"
            )


API_ROUTES = [r for r in ROUTES if r[0].startswith("api:")]


@pytest.mark.parametrize(("name", "route", "keywords"), API_ROUTES, ids=[r[0] for r in API_ROUTES])
def test_a_token_of_another_organization_gets_404(world, client, api_token, name, route, keywords):
    _token, secret = api_token(world.globex, world.charlie_membership)
    kwargs = {k: _object_id(world, name, k) for k in keywords}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    url = reverse(name, kwargs={"org_slug": world.acme.slug, **kwargs})
    response = client.get(url, **auth)
    assert response.status_code == 404, f"GET {url} gave {response.status_code}"
    assert response.json()["error"]["code"] == "not_found"
    # In the token's own organisation, alice's object answers exactly as a missing one does
    # (404, or 403 where the service account may not use the endpoint at all).
    url = reverse(name, kwargs={"org_slug": world.globex.slug, **kwargs})
    missing = reverse(
        name, kwargs={"org_slug": world.globex.slug, **{k: _absent(kwargs[k]) for k in keywords}}
    )
    got, expected = client.get(url, **auth), client.get(missing, **auth)
    assert got.status_code in (403, 404), f"GET {url} gave {got.status_code}"
    assert (got.status_code, got.json()) == (expected.status_code, expected.json())


def test_a_member_sees_their_own_object(world, client):
    """The same URLs work for alice: the 404s above are isolation, not broken pages."""
    client.force_login(world.alice)
    url = reverse(
        "tenancy:member-edit", kwargs={"org_slug": "acme", "member_uuid": world.bob_membership.uuid}
    )
    assert client.get(url).status_code == 200
    url = reverse(
        "api:member-detail", kwargs={"org_slug": "acme", "uuid": world.bob_membership.uuid}
    )
    assert client.get(url).json()["user"]["email"] == "bob@acme.test"


def test_every_organization_page_is_404_for_a_non_member(world, client):
    client.force_login(world.charlie)
    for name, route in _walk(get_resolver().url_patterns):
        if "org_slug" in route and not [
            k for k in _keywords(route) if k not in ("org_slug", "format")
        ]:
            url = reverse(name, kwargs={"org_slug": world.acme.slug})
            assert client.get(url).status_code == 404, url
