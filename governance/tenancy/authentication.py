"""API authentication by organisation API token (`Authorization: Bearer annex_…`)."""

from rest_framework import authentication, exceptions

from governance.tenancy.selectors import find_token_by_prefix
from governance.tenancy.services import touch_token
from governance.tenancy.tokens import matches, split_api_token


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'."
            )
        full = header[1].decode(errors="replace")
        prefix = split_api_token(full)
        token = find_token_by_prefix(prefix) if prefix else None
        if token is None or not matches(full, token.key_hash):
            raise exceptions.AuthenticationFailed("The API token is not valid.")
        if token.revoked_at:
            raise exceptions.AuthenticationFailed("The API token was revoked.")
        if not token.is_active:
            raise exceptions.AuthenticationFailed("The API token has expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's service account is disabled.")
        touch_token(token)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
