"""Helpers for two-factor sign-in tests: a confirmed authenticator and its codes."""

import time

import pyotp
import pytest

from governance.accounts.two_factor import confirm_two_factor, pending_device


class Authenticator:
    """The phone app: codes for the current step or a neighbouring one."""

    def __init__(self, secret: str):
        self.totp = pyotp.TOTP(secret)

    def code(self, steps_ahead: int = 0) -> str:
        return self.totp.at(time.time() + 30 * steps_ahead)


@pytest.fixture
def enrol():
    """Turn two-factor sign-in on for a user: enrol(user) -> (Authenticator, recovery codes)."""

    def make(user):
        device = pending_device(user)
        app = Authenticator(device.secret)
        codes = confirm_two_factor(user=user, code=app.code())
        return app, codes

    return make
