"""REST API of large imports: queue a spreadsheet's commit as a job (202), then read its state.

``POST …/imports/systems/`` (``import_api``) hands a file of more than
``ANNEX_IMPORT_JOB_ROWS`` rows to ``queue_response``, which keeps the parsed table as a pending
upload, queues its job and answers 202 with the job's status URL:
``GET …/imports/systems/jobs/<token>/``. Only the caller who started a job can read it.
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.core.api import OrganizationScopedMixin
from governance.register import import_jobs, imports, pending
from governance.register.pending import JobStatus
from governance.tenancy.roles import Action

STATUSES = [s for s in JobStatus.values if s]


class ImportJobResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    new_vendors = serializers.ListField(child=serializers.CharField())


class ImportJobErrorGroupSerializer(serializers.Serializer):
    column = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()
    count = serializers.IntegerField(help_text="How many rows have this problem.")
    rows = serializers.ListField(child=serializers.IntegerField(), help_text="The first 20.")


class ImportJobErrorSerializer(serializers.Serializer):
    message = serializers.CharField()
    error_count = serializers.IntegerField()
    groups = ImportJobErrorGroupSerializer(many=True, help_text="Identical problems, once each.")
    errors = serializers.ListField(
        child=serializers.DictField(), help_text="The first 500 problems, {row, column, "
        "field, message}.",
    )  # fmt: skip


class ImportJobSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="The job's handle in its status URL.")
    status = serializers.ChoiceField(
        choices=STATUSES, help_text="`queued`, `running`, then `done` or `failed`; a job "
        "running past the workers' time limit reads as `failed`.",
    )  # fmt: skip
    phase = serializers.CharField(
        help_text="While running: `checking` (rows) or `writing` (all or nothing)."
    )
    done = serializers.IntegerField(help_text="Rows checked so far.")
    total = serializers.IntegerField(help_text="Rows in the file.")
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    result = ImportJobResultSerializer(allow_null=True, help_text="When done: the counts.")
    error = ImportJobErrorSerializer(
        allow_null=True, help_text="When failed: why; nothing was imported."
    )
    status_url = serializers.CharField()


def _body(request, upload) -> dict:
    url = reverse(
        "api:import-systems-job",
        kwargs={"org_slug": upload.organization.slug, "import_token": upload.token},
    )
    return {
        "token": upload.token,
        **import_jobs.job_state(upload),
        "status_url": request.build_absolute_uri(url),
    }


def queue_response(request, *, membership, table, filename, mapping, options, preview):
    """Queue the commit of a large, valid import; None when the request should commit it.

    ``options`` are ``commit_import``'s keyword arguments (mode, match_on, value map, …).
    A preview with problems, or not the one the caller's ``fingerprint`` names, is left to
    the request's commit, which answers 400 and writes nothing.
    """
    fingerprint = request.data.get("fingerprint") or ""
    if not import_jobs.runs_as_job(table) or not preview.ok:
        return None
    if fingerprint and fingerprint != preview.fingerprint:
        return None
    upload = pending.save_upload(
        organization=membership.organization, user=request.user, filename=filename, table=table
    )
    pending.save_mapping(upload, dict(mapping), options)
    import_jobs.queue_import(upload, acting=membership, expected_fingerprint=fingerprint)
    body = _body(request, upload)
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["status_url"]})


JOB_202 = OpenApiResponse(
    ImportJobSerializer,
    description="A file of more than ANNEX_IMPORT_JOB_ROWS rows (default 2,000), valid: it is "
    "imported by a background job. Poll `status_url` until `status` is `done` or `failed`.",
)


@extend_schema(tags=["register import"])
class ImportJobView(OrganizationScopedMixin, APIView):
    """The state of a spreadsheet import running as a background job."""

    required_actions = {"GET": Action.EDIT_REGISTER}

    @extend_schema(
        operation_id="import_systems_job",
        summary="Read a background import's progress and result",
        description=(
            "`done` of `total` rows checked while `running`; the counts in `result` once "
            "`done`; the problems, grouped, in `error` once `failed` (nothing was imported). "
            "Only the caller who started the import can read it: any other token is a 404."
        ),
        responses={
            200: ImportJobSerializer,
            403: OpenApiResponse(description="The role or the token does not allow importing."),
            404: OpenApiResponse(description="No such import job for this caller."),
        },
    )
    def get(self, request, org_slug, import_token):
        try:
            upload = imports.get_upload(
                organization=self.organization, user=request.user, token=import_token
            )
        except imports.UploadNotFound:
            raise Http404("No such import job.") from None
        if not upload.job_status:
            raise Http404("No such import job.")
        return Response(_body(request, upload))
