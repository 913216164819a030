"""Serve a finished document's or pack's file: tenant and role are checked by the caller's
selector; this writes the download's audit event and answers with the file and its hash."""

from django.db import transaction
from django.http import FileResponse, Http404

from compliance.documents.models import DocumentStatus, EvidencePack
from governance.audit.services import record_event


def serve_built_file(obj, *, actor) -> FileResponse:
    """Answer with the file of a finished Document or EvidencePack; 404 while it has none."""
    if obj.status != DocumentStatus.DONE or not obj.file:
        raise Http404("This file is not ready yet.")
    is_pack = isinstance(obj, EvidencePack)
    with transaction.atomic():
        record_event(
            organization=obj.organization,
            actor=actor,
            action="evidence_pack.downloaded" if is_pack else "document.downloaded",
            obj=obj,
            changes={"sha256": obj.sha256},
        )
    response = FileResponse(
        obj.file.open("rb"),
        as_attachment=True,
        filename=obj.filename,
        content_type="application/zip" if is_pack else obj.content_type,
    )
    response["X-Content-SHA256"] = obj.sha256
    return response
