"""Start Annex on the embedded default: migrate, demo data, a Celery worker and the web server."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from governance.core.demo import build_demo
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
        call_command("migrate", interactive=False, verbosity=0)
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
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Annex is running at {url}"))
        if logins:
            print_logins(self.stdout, logins)
        self.stdout.write(f"\nAPI docs: {url}api/v1/docs/   Stop with Ctrl+C.\n")
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
