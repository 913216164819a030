"""Build an evidence pack: a ZIP streamed to disk, then to storage, with a manifest of hashes.

Memory stays bounded whatever the size of the pack: every file is copied in 1 MB chunks, the
ZIP is written to a temporary file, and the storage receives that file as a stream.
"""

import hashlib
import json
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import get_valid_filename, slugify

from compliance.assessments.selectors import live_responses, score_of
from compliance.documents.models import Document, DocumentStatus
from compliance.evidence.models import EvidenceLink, EvidenceVersion

CHUNK = 1 << 20


@dataclass
class Entry:
    """One file of the pack: where it goes, how to read it, and where it came from."""

    path: str
    source: dict
    open: object = None  # callable returning a binary file object
    data: bytes | None = None
    sha256: str = ""
    size: int = 0
    extra: dict = field(default_factory=dict)


def end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _assessment_json(assessment, responses, evidence_by_response) -> bytes:
    score = score_of(assessment)
    body = {
        "assessment": {
            "id": str(assessment.uuid),
            "title": assessment.title,
            "framework": f"{assessment.framework.slug} {assessment.framework.version}",
            "status": assessment.status,
            "system": str(assessment.system.uuid) if assessment.system_id else None,
            "approved_at": assessment.approved_at.isoformat() if assessment.approved_at else None,
            "approved_by": getattr(assessment.approved_by, "email", None),
        },
        "score": {
            "percent": score.percent,
            "answered": score.answered,
            "gaps": score.gaps,
            "not_applicable": score.not_applicable,
            "unanswered": score.unanswered,
        },
        "responses": [
            {
                "requirement": r.requirement.code,
                "title": r.requirement.title,
                "citation": r.requirement.citation,
                "status": r.status,
                "maturity": r.maturity,
                "text": r.text,
                "justification": r.justification,
                "evidence": evidence_by_response.get(r.pk, []),
            }
            for r in responses
        ],
    }
    return json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")


def _evidence_version_at(evidence, cutoff):
    return (
        EvidenceVersion.objects.filter(evidence=evidence, uploaded_at__lte=cutoff)
        .order_by("-number")
        .first()
    )


def collect(pack) -> tuple[list[Entry], list[dict]]:
    """Return the pack's files and the links (evidence that is a URL, listed in the index)."""
    return collect_for(pack.assessments.all(), pack.as_of)


def has_content(assessments, as_of) -> bool:
    """Return whether the assessments have any evidence file or document as of the date."""
    entries, links = collect_for(assessments, as_of)
    return bool(links) or any(e.source["type"] != "assessment" for e in entries)


def collect_for(assessments, as_of) -> tuple[list[Entry], list[dict]]:
    cutoff = end_of(as_of)
    entries: list[Entry] = []
    links: list[dict] = []
    seen_versions: set[int] = set()
    for assessment in assessments.select_related("framework", "system", "approved_by"):
        name = slugify(assessment.title)[:50] or "assessment"
        folder = f"assessments/{name}-{str(assessment.uuid)[:8]}"
        responses = list(live_responses(assessment).select_related("requirement").order_by("order"))
        evidence_by_response: dict[int, list[str]] = {}
        linked = EvidenceLink.objects.filter(response__in=responses).select_related("evidence")
        for link in linked:
            evidence = link.evidence
            evidence_by_response.setdefault(link.response_id, []).append(str(evidence.uuid))
            if evidence.kind == "link":
                links.append(
                    {"title": evidence.title, "url": evidence.url, "evidence": str(evidence.uuid)}
                )
                continue
            version = _evidence_version_at(evidence, cutoff)
            if version is None or version.pk in seen_versions:
                continue
            seen_versions.add(version.pk)
            name = get_valid_filename(version.original_filename or "file")[:80]
            entries.append(
                Entry(
                    path=f"evidence/{str(evidence.uuid)[:8]}-v{version.number}-{name}",
                    source={
                        "type": "evidence",
                        "id": str(evidence.uuid),
                        "version": version.number,
                        "title": evidence.title,
                        "uploaded_at": version.uploaded_at.isoformat(),
                    },
                    open=version.file.open,
                    extra={"expected_sha256": version.sha256},
                )
            )
        entries.append(
            Entry(
                path=f"{folder}/assessment.json",
                source={
                    "type": "assessment",
                    "id": str(assessment.uuid),
                    "status": assessment.status,
                },
                data=_assessment_json(assessment, responses, evidence_by_response),
            )
        )
        entries += _documents(assessment, folder, cutoff)
    return entries, links


def _documents(assessment, folder, cutoff) -> list[Entry]:
    """The newest finished version of each document about the assessment, as of the date."""
    subjects = [str(assessment.uuid)]
    if assessment.system_id:
        subjects.append(str(assessment.system.uuid))
    done = Document.objects.filter(
        organization=assessment.organization,
        subject_ref__in=subjects,
        status=DocumentStatus.DONE,
        finished_at__lte=cutoff,
    ).order_by("kind", "-number")
    newest = {}
    for document in done:
        newest.setdefault(document.kind, document)
    return [
        Entry(
            path=f"{folder}/documents/{d.kind}-v{d.number}-{d.filename}",
            source={"type": "document", "id": str(d.uuid), "kind": d.kind, "version": d.number},
            open=d.file.open,
            extra={"expected_sha256": d.sha256},
        )
        for d in newest.values()
    ]


def _write(archive: zipfile.ZipFile, entry: Entry) -> None:
    sha, size = hashlib.sha256(), 0
    with archive.open(entry.path, "w", force_zip64=True) as out:
        if entry.data is not None:
            out.write(entry.data)
            sha.update(entry.data)
            size = len(entry.data)
        else:
            with entry.open("rb") as source:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                    sha.update(chunk)
                    size += len(chunk)
    entry.sha256, entry.size = sha.hexdigest(), size


def write_pack(pack, *, builder: str) -> tuple[Path, int, list[dict]]:
    """Write the ZIP to a temporary file; return its path, the file count and any mismatches."""
    entries, links = collect(pack)
    if not entries:
        raise ValueError("The chosen assessments have no files as of that date.")
    tmp_dir = Path(settings.VAR_DIR) / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".zip", delete=False) as handle:
        path = Path(handle.name)
    mismatches = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for entry in entries:
            _write(archive, entry)
            expected = entry.extra.get("expected_sha256")
            if expected and expected != entry.sha256:
                mismatches.append({"path": entry.path, "stored": expected, "read": entry.sha256})
        meta = {
            "pack": str(pack.uuid),
            "organization": pack.organization.name,
            "as_of": pack.as_of.isoformat(),
            "built_at": timezone.now().isoformat(),
            "built_by": builder,
        }
        index = Entry(path="index.html", source={"type": "index"})
        index.data = render_to_string(
            "documents/pack_index.html", {"meta": meta, "entries": entries, "links": links}
        ).encode("utf-8")
        _write(archive, index)
        files = [
            {"path": e.path, "sha256": e.sha256, "size": e.size, "source": e.source}
            for e in [*entries, index]
        ]
        manifest = {"schema": "annex-evidence-pack/1", **meta, "files": files, "links": links}
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return path, len(files), mismatches


def sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def store(pack, path: Path) -> str:
    """Stream the finished ZIP into storage; return the stored name."""
    with path.open("rb") as handle:
        name = pack.file.field.generate_filename(pack, pack.filename)
        return pack.file.storage.save(name, File(handle, name=pack.filename))


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)
