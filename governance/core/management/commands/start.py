"""Start Annex on the embedded default: migrate, demo data, a Celery worker and the web server."""

import os
import signal
import subprocess
import sys
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from governance.core.demo import build_demo
from governance.core.gc_tuning import tune_garbage_collector
from governance.core.management.commands.demo import print_logins
from governance.core.request_context import request_meta


class Command(BaseCommand):
    help = "Migrate, load the demo data, start a local Celery worker and serve Annex."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a Celery worker."
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not create demo data.")

    def handle(self, *args, host, port, no_worker, no_demo, **options):
        site_url = configure_site_url(host, port)
        call_command("migrate", interactive=False, verbosity=0)
        # The law as shipped: loading the same version again changes nothing.
        call_command("load_timeline", verbosity=0, stdout=StringIO())
        self.stdout.write(
            self.style.SUCCESS("Database ready: " + str(settings.DATABASES["default"]["NAME"]))
        )
        logins = []
        if not no_demo:
            with request_meta(via="command"):
                logins = build_demo().logins
        worker = None
        if not no_worker:
            # A real worker process: jobs go through Celery's broker, never run in the request.
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "governance",
                    "worker",
                    "--beat",
                    "--pool",
                    "solo",
                    "--loglevel",
                    "WARNING",
                    "--schedule",
                    str(settings.VAR_DIR / "celerybeat-schedule"),
                ],
                env=os.environ.copy(),
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Celery worker started (pid {worker.pid}, "
                    f"broker {settings.CELERY_BROKER_URL.split('@')[-1]})"
                )
            )
        url = f"http://{_url_host(host)}:{port}/"
        if site_url != url.rstrip("/"):
            self.stdout.write(f"Links in emails point to {site_url}/ (ANNEX_SITE_URL).")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Annex is running at {url}"))
        if logins:
            print_logins(self.stdout, logins)
        self.stdout.write(f"\nAPI docs: {url}api/v1/docs/   Stop with Ctrl+C.\n")
        # As wsgi.py does: keep the loaded app out of later garbage collections.
        tune_garbage_collector()
        # Stop the worker too when this process is told to stop.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        finally:
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _url_host(host: str) -> str:
    """Return the host as it goes in a URL: a listen-everywhere address becomes 127.0.0.1."""
    if host in ("0.0.0.0", "::", ""):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def configure_site_url(host: str, port: str) -> str:
    """Point links in emails at the address being served, unless ANNEX_SITE_URL says otherwise.

    The value goes into this process's settings and its environment, which the worker
    started below inherits: the worker renders the emails.
    """
    explicit = os.environ.get("ANNEX_SITE_URL", "").strip()
    site_url = explicit.rstrip("/") if explicit else f"http://{_url_host(host)}:{port}"
    settings.SITE_URL = site_url
    os.environ["ANNEX_SITE_URL"] = site_url
    return site_url
