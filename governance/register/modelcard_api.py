"""REST API: import models from their model cards, one card or many (several files or a ZIP).

One card (``text``, or one ``file`` that is not a ZIP) answers as before: 201 with the model,
or 200 with the dry run's preview. Several cards (``files``, or a ZIP as ``file``) answer 200
with one outcome per card: new / exists / error in a dry run, created / exists / error /
skipped after the import. Every card is validated before any is written.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.core.api import OrganizationScopedMixin, RejectUnknownFieldsMixin, error_body
from governance.register import modelcard_imports as cards
from governance.register import selectors
from governance.register.modelcard_zip import (
    MAX_CARDS,
    MAX_ZIP_BYTES,
    CardBatchError,
    collect_cards,
    is_zip,
)
from governance.register.modelcards import MAX_CARD_BYTES, ModelCardError
from governance.register.modelcards.provenance import SOURCE_REF_MAX, clean_source_ref
from governance.register.models import AIModel
from governance.tenancy.roles import Action

_ONE_CARD_ONLY = ("name", "version", "vendor", "source_ref", "filename", "text")


def _invalid(message: str, fields: dict) -> Response:
    return Response(error_body(400, "invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)


def _read_upload(upload, limit: int) -> bytes:
    """Read at most ``limit + 1`` bytes, enough to tell a file that is too large."""
    upload.seek(0)
    return upload.read(limit + 1)


# --- Schema ---------------------------------------------------------------------------------


class ModelCardRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    file = serializers.FileField(
        required=False, help_text="Multipart: a Hugging Face README.md or a Model Card Toolkit "
        f"JSON file, up to 1 MB; or a ZIP of up to {MAX_CARDS} cards (20 MB)."
    )  # fmt: skip
    files = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_CARDS,
        help_text="Multipart: several cards (or ZIPs of cards), imported card by card.",
    )  # fmt: skip
    text = serializers.CharField(
        required=False, trim_whitespace=False, max_length=MAX_CARD_BYTES,
        help_text="JSON: the card's text, instead of a file.",
    )  # fmt: skip
    filename = serializers.CharField(
        required=False, max_length=255,
        help_text="The card's file name (a path such as org/model/README.md names its id).",
    )  # fmt: skip
    source_ref = serializers.CharField(
        required=False, allow_blank=True, max_length=SOURCE_REF_MAX,
        help_text="The card's Hugging Face id (org/model) or URL; read from the card when absent.",
    )  # fmt: skip
    name = serializers.CharField(required=False, max_length=200, help_text="Overrides the card.")
    version = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Overrides the card."
    )
    vendor = serializers.UUIDField(
        required=False, allow_null=True, help_text="The id of one of the organisation's vendors."
    )
    dry_run = serializers.BooleanField(required=False, default=False)
    all_or_nothing = serializers.BooleanField(
        required=False, default=False,
        help_text="Several cards: import none unless every card can be imported (by default "
        "the importable ones are imported and the others reported).",
    )  # fmt: skip

    def validate_source_ref(self, value):
        if value.strip() and not clean_source_ref(value):
            raise serializers.ValidationError(
                "Give a Hugging Face id such as 'org/model', or an http(s) URL."
            )
        return value

    def validate(self, attrs):
        sent = [k for k in ("file", "files", "text") if attrs.get(k)]
        if len(sent) != 1:
            raise serializers.ValidationError(
                {
                    "file": [
                        "Send the card as a multipart 'file', several as 'files', or one as "
                        "JSON 'text' (one of them)."
                    ]
                }  # fmt: skip
            )
        return attrs


class ImportedModelSerializer(serializers.ModelSerializer):
    vendor = serializers.UUIDField(
        source="vendor.uuid", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = AIModel
        fields = [
            "uuid", "name", "version", "provider", "vendor", "licence", "model_type",
            "is_general_purpose", "training_compute_flops", "is_open_source", "base_model",
            "intended_use", "limitations", "training_data", "evaluations", "languages",
            "source", "source_ref", "source_file", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ModelCardResultSerializer(serializers.Serializer):
    model = ImportedModelSerializer()
    warnings = serializers.ListField(child=serializers.CharField())
    unmapped = serializers.DictField(help_text="Card metadata the register has no field for.")


class ModelCardPreviewSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.BooleanField()
    fields = serializers.DictField(help_text="What the model would be created with.")
    source_ref = serializers.CharField(help_text="The Hugging Face id or URL ('' if unknown).")
    source_file = serializers.CharField()
    warnings = serializers.ListField(child=serializers.CharField())
    unmapped = serializers.DictField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class CardOutcomeSerializer(serializers.Serializer):
    file = serializers.CharField(help_text="The card's name (its path inside a ZIP).")
    outcome = serializers.ChoiceField(
        choices=["new", "exists", "error", "created", "skipped"],
        help_text="new / exists / error in a dry run; created / exists / error / skipped after.",
    )
    message = serializers.CharField(help_text="Why the card is not (or would not be) imported.")
    name = serializers.CharField()
    version = serializers.CharField()
    source_ref = serializers.CharField()
    model = serializers.UUIDField(allow_null=True, help_text="The model created, if any.")
    warnings = serializers.ListField(child=serializers.CharField())


class ModelCardBatchSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    all_or_nothing = serializers.BooleanField()
    counts = inline_serializer(
        "ModelCardBatchCounts",
        fields={k: serializers.IntegerField() for k in
                ("new", "exists", "error", "created", "skipped")},
    )  # fmt: skip
    cards = CardOutcomeSerializer(many=True)
    skipped_files = serializers.ListField(
        child=serializers.CharField(), help_text="ZIP members that are not cards, ignored."
    )


def _error_schema(name: str, fields: dict):
    """Document the API's one error shape with this endpoint's `fields`."""
    body = inline_serializer(
        f"{name}Body",
        fields={
            "status": serializers.IntegerField(),
            "code": serializers.CharField(),
            "message": serializers.CharField(),
            "fields": inline_serializer(f"{name}Fields", fields=fields),
        },
    )
    return inline_serializer(name, fields={"error": body})


MODEL_CARD_ERROR = _error_schema("ModelCardImportError", {
    key: serializers.ListField(child=serializers.CharField(), required=False)
    for key in ("file", "files", "text", "name", "vendor", "source_ref")
})  # fmt: skip

PREVIEW_OR_BATCH = PolymorphicProxySerializer(
    component_name="ModelCardImportAnswer",
    serializers=[ModelCardPreviewSerializer, ModelCardBatchSerializer],
    resource_type_field_name=None,
)


# --- View -----------------------------------------------------------------------------------


@extend_schema(tags=["register import"])
class ModelCardImportView(OrganizationScopedMixin, APIView):
    """Add models to the register from their Hugging Face or Model Card Toolkit cards."""

    required_actions = {"POST": Action.EDIT_REGISTER}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="import_model_card",
        summary="Import models from their model cards",
        description=(
            "Send one Hugging Face model card (README.md, YAML front matter optional) or Model "
            "Card Toolkit JSON card, as a multipart `file` or as JSON `{\"text\": …}`: the "
            "answer is 201 with the model, or 200 with a preview when `dry_run` is set. A "
            "model with the same Hugging Face id, or name and version, is a 400 on `name`; "
            "`name`, `version` and `source_ref` override the card's.\n\n"
            f"Send several cards as multipart `files`, or a ZIP (up to {MAX_CARDS} cards, 1 MB "
            "each, 16 MB in all) as `file`: the answer is 200 with one outcome per card. The "
            "importable cards are imported and the others reported, or none at all with "
            "`all_or_nothing`. A file that is not a model card (a dataset card, a licence) is "
            "an error for that card; a ZIP bomb or too many cards is a 400 for the request."
        ),
        request={"application/json": ModelCardRequestSerializer,
                 "multipart/form-data": ModelCardRequestSerializer},
        responses={
            201: ModelCardResultSerializer,
            200: OpenApiResponse(PREVIEW_OR_BATCH, description="A dry run, or several cards."),
            400: OpenApiResponse(MODEL_CARD_ERROR, description="Nothing was created."),
            403: OpenApiResponse(description="The role or the token does not allow editing."),
        },
    )  # fmt: skip
    def post(self, request, org_slug):
        serializer = ModelCardRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = serializer.validated_data
        uploads = list(params.get("files") or [])
        first = _read_upload(params["file"], MAX_ZIP_BYTES) if params.get("file") else None
        if uploads:
            return self._many(params, uploads, None)
        if is_zip(first or b""):
            return self._many(params, [], [(params["file"].name or "cards.zip", first)])
        return self._one(params, first)

    # One card -------------------------------------------------------------------------------

    def _one(self, params, first: bytes | None) -> Response:
        if first is not None:
            text, source = first[: MAX_CARD_BYTES + 1], "file"
            filename = params.get("filename") or params["file"].name or ""
        else:
            text, filename, source = params["text"], params.get("filename") or "", "text"
        vendor = None
        if params.get("vendor"):
            vendor = selectors.vendors_of(self.organization).filter(uuid=params["vendor"]).first()
            if vendor is None:
                return _invalid("The request is invalid: vendor",
                                {"vendor": ["No such vendor in this organisation."]})  # fmt: skip
        options = {
            "filename": filename, "source_ref": params.get("source_ref", ""),
            "overrides": {k: params[k] for k in ("name", "version") if k in params},
        }  # fmt: skip
        try:
            preview = cards.preview_model_card(organization=self.organization, text=text, **options)
        except ModelCardError as exc:
            return _invalid(str(exc), {source: [str(exc)]})
        if params["dry_run"]:
            return Response(_preview_body(preview))
        try:
            model, preview = cards.import_model_card(
                organization=self.organization, acting=self.membership, text=text,
                vendor=vendor, **options,
            )  # fmt: skip
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"text": exc.messages}
            return _invalid(next(iter(fields.values()))[0], fields)
        return Response(
            {"model": ImportedModelSerializer(model).data, "warnings": preview.card.warnings,
             "unmapped": preview.unmapped},
            status=status.HTTP_201_CREATED,
        )  # fmt: skip

    # Many cards -----------------------------------------------------------------------------

    def _many(self, params, uploads, uploads_data) -> Response:
        given = [k for k in _ONE_CARD_ONLY if params.get(k)]
        if given:
            message = f"'{given[0]}' applies to one card only; leave it out with several cards."
            return _invalid(message, {given[0]: [message]})
        field = "file" if uploads_data is not None else "files"
        if uploads_data is None:
            total = sum(getattr(u, "size", 0) or 0 for u in uploads)
            if total > MAX_ZIP_BYTES:
                message = f"The files add up to more than {MAX_ZIP_BYTES // (1024 * 1024)} MB."
                return _invalid(message, {field: [message]})
            uploads_data = [(u.name or "card", _read_upload(u, MAX_ZIP_BYTES)) for u in uploads]
        try:
            files, skipped = collect_cards(uploads_data)
        except CardBatchError as exc:
            return _invalid(str(exc), {field: [str(exc)]})
        if params["dry_run"]:
            batch = cards.preview_model_cards(organization=self.organization, files=files)
        else:
            batch = cards.import_model_cards(
                organization=self.organization, acting=self.membership, files=files,
                all_or_nothing=params["all_or_nothing"],
            )  # fmt: skip
        batch.skipped_files = skipped
        return Response(_batch_body(batch, params))


def _preview_body(preview: cards.ModelCardPreview) -> dict:
    return {
        "dry_run": True, "valid": preview.ok, "fields": _json(preview.data),
        "source_ref": preview.source_ref, "source_file": preview.source_file,
        "warnings": preview.card.warnings, "unmapped": preview.unmapped,
        "errors": preview.errors,
    }  # fmt: skip


def _batch_body(batch: cards.BatchPreview, params) -> dict:
    outcomes = [
        {"file": c.file, "outcome": c.outcome, "message": c.message, "name": c.name,
         "version": c.version, "source_ref": c.preview.source_ref if c.preview else "",
         "model": str(c.model.uuid) if c.model is not None else None,
         "warnings": c.preview.card.warnings if c.preview else []}
        for c in batch.cards
    ]  # fmt: skip
    counts = {k: batch.count(k) for k in ("new", "exists", "error", "created", "skipped")}
    return {"dry_run": params["dry_run"], "all_or_nothing": params["all_or_nothing"],
            "counts": counts, "cards": outcomes, "skipped_files": batch.skipped_files}  # fmt: skip


def _json(data: dict) -> dict:
    """Return the fields JSON-safe (the parser gives plain types; this is a guard)."""
    return json.loads(json.dumps(data, default=str))
