"""Benchmark document builds and evidence packs.

    python tests/benchmarks/bench_documents.py [--renders 10] [--pack-mb 500] [--workers 2]

1. System card end to end (data, template, WeasyPrint, hash, storage; the job's own path) against
   WeasyPrint's bare render of the same HTML: median of N renders each; target within 1.3x.
2. Documents per minute with W worker processes (each a separate Django process building
   system cards from the queue of rows, claiming with the same conditional update as the job).
3. Peak memory (RSS growth) while building an evidence pack of about M MB of evidence files;
   target under 150 MB: files are streamed in 1 MB chunks into the ZIP and into storage.

Uses a throwaway SQLite database in a temporary directory; the numbers go in the closing note.
"""

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def configure(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "governance.settings"
    os.environ["ANNEX_VAR_DIR"] = str(workdir / "var")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
    os.environ.pop("REDIS_URL", None)


def setup_django(workdir: Path, migrate: bool) -> None:
    configure(workdir)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def seed():
    from django_scopes import scopes_disabled

    from compliance.catalogue.services import ensure_shipped_catalogues
    from governance.accounts.models import User
    from governance.classification.services import classify_system
    from governance.register.services import create_system
    from governance.tenancy.models import Membership, Organization
    from governance.tenancy.roles import Role

    with scopes_disabled():
        ensure_shipped_catalogues()
        org = Organization.objects.create(name="Bench Corp", slug="bench")
        user = User.objects.create_user(email="owner@bench.test", password="x" * 12)
        member = Membership.objects.create(organization=org, user=user, role=Role.OWNER)
        system = create_system(
            organization=org,
            acting=member,
            data={
                "name": "Bench CV ranker",
                "intended_purpose": "Rank job applicants for interviews. " * 4,
                "description": "Gradient-boosted ranking over structured CV features. " * 6,
                "human_oversight": "A recruiter reviews every ranking before any decision.",
            },
        )
        classify_system(
            system=system,
            acting=member,
            screening={
                "schema": "eu-ai-act-screening/1",
                "role": "provider",
                "is_ai_system": True,
                "eu_nexus": True,
                "established_in_eu": True,
                "annex_iii": ["annex_iii_4_a"],
                "profiling": True,
            },
        )
    return org, user, member, system


def new_row(org, system):
    from compliance.documents.models import Document

    number = Document.objects.filter(subject_ref=str(system.uuid)).count() + 1
    return Document.objects.create(
        organization=org,
        kind="system_card",
        system=system,
        subject_ref=str(system.uuid),
        subject_label=system.name,
        number=number,
    )


def bench_render(org, system, n: int) -> None:
    from django_scopes import scopes_disabled

    from compliance.documents import services
    from compliance.documents.pdf import html_to_pdf, render_html
    from compliance.documents.renderers.common import header
    from compliance.documents.renderers.system_card import system_card_data

    with scopes_disabled():
        rows = [new_row(org, system) for _ in range(n + 1)]
        services.run_build(rows[0].pk)  # warm-up: fonts, templates
        full = []
        for row in rows[1:]:
            start = time.perf_counter()
            assert services.run_build(row.pk) == "done"
            full.append(time.perf_counter() - start)
        data = system_card_data(system)
        html = render_html(
            "documents/pdf/system_card.html",
            {**header(rows[0], title="System card"), **data},
        )
        bare = []
        for _ in range(n):
            start = time.perf_counter()
            html_to_pdf(html)
            bare.append(time.perf_counter() - start)
    f, b = statistics.median(full), statistics.median(bare)
    print(f"system card end to end: median {f * 1000:.0f} ms over {n} builds")
    print(f"bare WeasyPrint render:  median {b * 1000:.0f} ms over {n} renders")
    print(f"ratio: {f / b:.2f}x (target <= 1.3x)")


def _worker(workdir: str, stop_at: float, out) -> None:
    setup_django(Path(workdir), migrate=False)
    from django import db
    from django_scopes import scopes_disabled

    from compliance.documents import services
    from compliance.documents.models import Document, DocumentStatus

    db.connections.close_all()
    done = 0
    with scopes_disabled():
        while time.time() < stop_at:
            row = Document.objects.filter(status=DocumentStatus.QUEUED).order_by("pk").first()
            if row is None:
                break
            if services.run_build(row.pk) == "done":
                done += 1
    out.put(done)


def bench_throughput(org, system, workdir: Path, workers: int, seconds: int) -> None:
    from django import db
    from django_scopes import scopes_disabled

    with scopes_disabled():
        for _ in range(60 * workers):
            new_row(org, system)
    db.connections.close_all()
    queue = multiprocessing.Queue()
    stop_at = time.time() + seconds
    procs = [
        multiprocessing.Process(target=_worker, args=(str(workdir), stop_at, queue))
        for _ in range(workers)
    ]
    start = time.time()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    elapsed = time.time() - start
    built = sum(queue.get() for _ in procs)
    print(
        f"{built} system cards in {elapsed:.1f} s with {workers} workers: "
        f"{60 * built / elapsed:.0f} documents per minute"
    )


def bench_pack(org, user, member, system, megabytes: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from compliance.assessments.services import create_assessment
    from compliance.documents import pack_services
    from compliance.evidence.models import Evidence, EvidenceVersion
    from compliance.evidence.services import create_evidence, link_evidence

    size = 10 * 1024 * 1024
    chunk = os.urandom(1024 * 1024)
    with scopes_disabled():
        assessment = create_assessment(
            organization=org, acting=member, framework_slug="eu-ai-act", system=system
        )
        responses = list(assessment.responses.all())
        first = create_evidence(
            organization=org,
            acting=member,
            data={"title": "Evidence 0"},
            upload=SimpleUploadedFile("e0.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
        link_evidence(evidence=first, response=responses[0], acting=member)
        # Large files written straight to storage (the upload path has its own size limit).
        storage = EvidenceVersion._meta.get_field("file").storage
        for i in range(megabytes // 10):
            name = storage.save(f"bench/evidence-{i}.bin", _Stream(chunk, size))
            evidence = Evidence.objects.create(
                organization=org, title=f"Large evidence {i}", kind="file", created_by=user
            )
            EvidenceVersion.objects.create(
                organization=org,
                evidence=evidence,
                number=1,
                file=name,
                sha256="",
                size=size,
                content_type="application/octet-stream",
                original_filename=f"evidence-{i}.bin",
                uploaded_by=user,
            )
            link_evidence(evidence=evidence, response=responses[i % len(responses)], acting=member)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        start = time.perf_counter()  # eager: the job runs when the request commits
        pack = pack_services.request_pack(
            membership=member,
            actor=user,
            assessment_ids=[assessment.uuid],
            as_of=timezone.localdate(),
        )
        pack.refresh_from_db()
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"evidence pack: {pack.status}, {pack.file_count} files, {pack.size / 1e6:.0f} MB, "
        f"built in {elapsed:.1f} s; peak RSS {before:.0f} MB before, {after:.0f} MB after "
        f"(growth {after - before:.0f} MB; target < 150 MB)"
    )


class _Stream:
    """A file-like object of `size` bytes made from one chunk, never held in memory whole."""

    def __init__(self, chunk: bytes, size: int):
        self.chunk, self.left = chunk, size

    def read(self, n=-1):
        if self.left <= 0:
            return b""
        out = self.chunk[: min(len(self.chunk), self.left if n < 0 else min(n, self.left))]
        self.left -= len(out)
        return out

    def chunks(self, chunk_size=None):
        while data := self.read(1024 * 1024):
            yield data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--pack-mb", type=int, default=500)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="annex-bench-docs-"))
    try:
        setup_django(workdir, migrate=True)
        org, user, member, system = seed()
        bench_render(org, system, args.renders)
        bench_throughput(org, system, workdir, args.workers, args.seconds)
        bench_pack(org, user, member, system, args.pack_mb)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
