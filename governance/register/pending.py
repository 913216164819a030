"""Spreadsheet uploads waiting between the steps of the web import: a row, not a file by name.

The file is parsed once, at upload; the parsed table is kept in the row and every later step
(mapping, preview, errors, commit) reads it from there. Rows expire after a day and are deleted
on commit, on the next upload after they expire, and by ``purge_expired_uploads``.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager, scope, scopes_disabled

from governance.register.spreadsheets import Table, read_table
from governance.tenancy.models import Organization

UPLOAD_TTL = dt.timedelta(hours=24)
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{32,64}")


class UploadNotFound(LookupError):
    """No such upload for this user in this organisation (or it expired)."""


class JobStatus(models.TextChoices):
    NONE = "", "Not started"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class PendingImport(models.Model):
    """An uploaded spreadsheet, parsed, waiting for its columns to be mapped and committed."""

    class Kind(models.TextChoices):
        SYSTEMS = "systems", "AI systems"

    # The handle in the step URLs; unguessable, and only ever looked up with its owner.
    token = models.CharField(max_length=64, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pending_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.SYSTEMS)
    # {"headers": [...], "rows": [[...]], "row_numbers": [...], "format": ..., "sheet_name": ...}
    table = models.JSONField()
    mapping = models.JSONField(null=True, blank=True)
    # The user's choices: {"mode": "add"|"upsert", "match_on": field key, "tag_separator",
    # "values": {field: {file value: ours}}, "defaults": {field: value}} (import_options).
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    # A large commit runs as a Celery job (register.tasks): its state and progress.
    job_status = models.CharField(max_length=16, choices=JobStatus.choices, blank=True, default="")
    job_done = models.PositiveIntegerField(default=0)
    job_total = models.PositiveIntegerField(default=0)
    job_result = models.JSONField(null=True, blank=True)
    job_started_at = models.DateTimeField(null=True, blank=True)
    job_finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        app_label = "register"
        indexes = [
            models.Index(
                fields=["organization", "uploaded_by", "created_at"], name="pendingimport_org_user"
            ),
        ]

    def __str__(self):
        return self.file_name

    @property
    def filename(self) -> str:
        return self.file_name

    def read_table(self) -> Table:
        """Return the table parsed at upload."""
        return Table(**self.table)


def _display_filename(filename: str) -> str:
    # Only ever shown, never used as a path: keep the last part, without control characters.
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:120] or "upload"


def save_upload(
    *, organization, user, filename: str, table: Table | None = None, data: bytes | None = None
) -> PendingImport:
    """Keep an upload's parsed table for the next steps; parse ``data`` when no table is given."""
    purge_expired_uploads()
    if table is None:
        table = read_table(data or b"", filename)
    now = timezone.now()
    with scope(organization=organization):
        return PendingImport.objects.create(
            token=secrets.token_urlsafe(32),
            organization=organization,
            uploaded_by=user,
            file_name=_display_filename(filename),
            table={
                "headers": table.headers,
                "rows": table.rows,
                "row_numbers": table.row_numbers,
                "format": table.format,
                "sheet_name": table.sheet_name,
            },
            created_at=now,
            expires_at=now + UPLOAD_TTL,
        )


def get_upload(*, organization, user, token: str) -> PendingImport:
    """Return the user's upload in this organisation, or raise ``UploadNotFound``.

    Another user's or another organisation's token is as absent as a made-up one.
    """
    if not isinstance(token, str) or not _TOKEN_RE.fullmatch(token):
        raise UploadNotFound(token)
    with scope(organization=organization):
        upload = PendingImport.objects.filter(
            organization=organization, uploaded_by=user, token=token, expires_at__gt=timezone.now()
        ).first()
    if upload is None:
        raise UploadNotFound(token)
    return upload


def save_mapping(
    upload: PendingImport, mapping: dict[str, str | None], options: dict | None = None
) -> None:
    upload.mapping = dict(mapping)
    fields = ["mapping"]
    if options is not None:
        upload.options = dict(options)
        fields.append("options")
    upload.save(update_fields=fields)


IMPORT_OPTIONS = ("mode", "match_on", "tag_separator", "values", "defaults")


def import_options(upload: PendingImport) -> dict:
    """Return the keyword arguments of ``preview_import``/``commit_import`` the user chose."""
    options = upload.options or {}
    return {
        "mode": options.get("mode") or "add",
        "match_on": options.get("match_on") or "reference",
        "tag_separator": options.get("tag_separator") or None,
        "values": options.get("values") or {},
        "defaults": options.get("defaults") or {},
    }


def save_options(upload: PendingImport, **changes) -> None:
    """Keep the user's choices (value map, defaults, …) beside the upload."""
    upload.options = {**(upload.options or {}), **changes}
    upload.save(update_fields=["options"])


def discard_upload(upload: PendingImport) -> None:
    with scope(organization=upload.organization):
        PendingImport.objects.filter(organization=upload.organization_id, pk=upload.pk).delete()


def purge_expired_uploads() -> int:
    """Delete every expired upload, of every organisation; return how many."""
    with scopes_disabled():
        deleted, _ = PendingImport.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
