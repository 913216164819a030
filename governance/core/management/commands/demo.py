"""Create the demo organisations and print their sign-ins."""

from django.core.management.base import BaseCommand

from governance.core.demo import DEMO_PASSWORD, build_demo
from governance.core.request_context import request_meta


class Command(BaseCommand):
    help = "Create a demo organisation with one user per role, and a second organisation."

    def handle(self, *args, **options):
        with request_meta(via="command"):
            result = build_demo()
        verb = "Created" if result.created else "Checked"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo organisations."))
        print_logins(self.stdout, result.logins)


def print_logins(out, logins):
    out.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
    for email, role, org in logins:
        out.write(f"  {email:<34} {role:<20} {org}")
