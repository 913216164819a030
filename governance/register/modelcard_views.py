"""The web page that imports models from model cards: one card, several files or a ZIP.

One card is read, shown field by field, and created once its name, version, Hugging Face id
and vendor are confirmed. Several files or a ZIP are read into a per-card preview (new,
already in the register, error); on confirm the new ones are imported and each card's
outcome is shown. Between the two steps the cards travel in a signed, compressed form field
(nothing is written to disk or kept on the server), bounded by ``MAX_CARRIED_CHARS``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from governance.register import modelcard_imports as cards
from governance.register import selectors
from governance.register.modelcard_zip import (
    MAX_CARDS,
    MAX_ZIP_BYTES,
    CardBatchError,
    CardFile,
    collect_cards,
    is_zip,
)
from governance.register.modelcards import MAX_CARD_BYTES, ModelCardError
from governance.register.modelcards.provenance import SOURCE_REF_MAX, clean_source_ref
from governance.register.models import AIModel
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

_BATCH_SALT = "register.modelcard-batch"
_BATCH_MAX_AGE = 24 * 3600
# The signed cards must fit in one form field under DATA_UPLOAD_MAX_MEMORY_SIZE (10 MB).
MAX_CARRIED_CHARS = 9 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _url_or_home(name: str, org_slug: str, **kwargs) -> str:
    """Reverse a page another part of the app provides, falling back to the home page."""
    try:
        return reverse(name, kwargs={"org_slug": org_slug, **kwargs})
    except NoReverseMatch:
        return reverse("org-home", kwargs={"org_slug": org_slug})


# --- Forms ----------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _source_ref_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label=_("Hugging Face id or URL"), required=False, max_length=SOURCE_REF_MAX,
        help_text=_("Where the card comes from, e.g. google-bert/bert-base-uncased. Left "
                    "empty, it is read from the card or from its folder in a ZIP."),
        **kwargs,
    )  # fmt: skip


def _check_source_ref(form: forms.Form) -> None:
    value = form.cleaned_data.get("source_ref") or ""
    if value.strip() and not clean_source_ref(value):
        form.add_error(
            "source_ref", "Give a Hugging Face id such as 'org/model', or an http(s) URL."
        )


class ModelCardForm(forms.Form):
    file = MultipleFileField(
        label=_("Model card files"), required=False,
        help_text=(f"A Hugging Face README.md or a Model Card Toolkit JSON file, up to 1 MB. "
                   f"Several files, or a ZIP of up to {MAX_CARDS} cards, import many at once."),
        error_messages={"empty": _("The file is empty.")},
        widget=MultipleFileInput(attrs={"accept": ".md,.markdown,.txt,.json,.zip"}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("…or paste the card"), required=False, max_length=MAX_CARD_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "mono"}),
        help_text=_("The card's Markdown (with its YAML front matter, if it has one) or JSON."),
    )  # fmt: skip
    source_ref = _source_ref_field()
    all_or_nothing = forms.TypedChoiceField(
        label=_("When some of several cards cannot be imported"), required=False,
        choices=[("", _("Import the others and list the ones left out")),
                 ("1", _("Import none of them"))],
        coerce=bool, empty_value=False, widget=forms.RadioSelect,
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        uploads, text = cleaned.get("file") or [], (cleaned.get("text") or "").strip()
        if self.errors:
            return cleaned
        _check_source_ref(self)
        if uploads and text:
            self.add_error("text", "Upload a file or paste the card, not both.")
        elif not uploads and not text:
            self.add_error("file", "Choose a model card file, or paste the card below.")
        elif text:
            self.card, self.filename, self.source_field = text, "", "text"
            self.batch = None
        else:
            self._read_uploads(uploads)
        return cleaned

    def _read_uploads(self, uploads) -> None:
        total = sum(u.size for u in uploads)
        if total > MAX_ZIP_BYTES:
            self.add_error("file", f"The files add up to {_megabytes(total)} MB; the limit is "
                                   f"{_megabytes(MAX_ZIP_BYTES)} MB.")  # fmt: skip
            return
        files = [(u.name or "card", u.read()) for u in uploads]
        self.source_field, self.batch = "file", None
        if len(files) > 1 or is_zip(files[0][1]):
            self.batch = files
        elif len(files[0][1]) > MAX_CARD_BYTES:
            self.add_error("file", f"The file is {_megabytes(len(files[0][1]))} MB; the limit "
                                   f"is {_megabytes(MAX_CARD_BYTES)} MB.")  # fmt: skip
        else:
            self.filename, self.card = files[0]


class ModelCreateForm(forms.Form):
    """What the preview lets one change before creating the model."""

    card = forms.CharField(widget=forms.HiddenInput, max_length=MAX_CARD_BYTES, strip=False)
    filename = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
    name = forms.CharField(label=_("Name"), max_length=200)
    version = forms.CharField(label=_("Version"), max_length=100, required=False)
    source_ref = _source_ref_field()
    vendor = forms.ModelChoiceField(
        label=_("Vendor"), queryset=None, required=False, empty_label=_("No vendor"),
        help_text=_("Who supplies the model, if it is one of your vendors."),
    )  # fmt: skip

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = selectors.vendors_of(organization).order_by("name")
        self.fields["vendor"].to_field_name = "uuid"

    def clean(self):
        cleaned = super().clean()
        _check_source_ref(self)
        return cleaned


# --- One card -------------------------------------------------------------------------------


def _card_text(data: bytes | str) -> str:
    """Return the card as text for the hidden field (the parser has checked it already)."""
    if isinstance(data, str):
        return data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


_LONG_FIELDS = ("intended_use", "limitations", "training_data")
_CARD_LABELS = {
    "name": "Name", "version": "Version", "provider": "Provider", "licence": "Licence",
    "model_type": "Model type", "is_general_purpose": "General-purpose model",
    "training_compute_flops": "Training compute (FLOP)", "is_open_source": "Open source",
    "base_model": "Base model", "intended_use": "Intended use", "limitations": "Limitations",
    "training_data": "Training data", "languages": "Languages",
}  # fmt: skip


def _card_rows(card_preview: cards.ModelCardPreview) -> list[dict]:
    data = card_preview.data
    rows = [{"key": "source_ref", "label": "Hugging Face id or URL",
             "value": card_preview.source_ref, "long": False}]  # fmt: skip
    for key, label in _CARD_LABELS.items():
        value = data.get(key)
        if key == "model_type":
            value = AIModel.ModelType(value).label if value else ""
        elif (
            key in ("is_general_purpose", "is_open_source")
            and card_preview.card.fields.get(key) is None
        ):
            value = "Not stated"
        rows.append({"key": key, "label": label, "value": cards.display_card_value(value),
                     "long": key in _LONG_FIELDS})  # fmt: skip
    return rows


def _render_card(request, form, create_form=None, card_preview=None, status=200):
    context = {"form": form, "create_form": create_form, "preview": card_preview}
    if card_preview is not None:
        context.update({
            "rows": _card_rows(card_preview),
            "evaluations": card_preview.data.get("evaluations", [])[:50],
            "evaluation_count": len(card_preview.data.get("evaluations", [])),
            "unmapped": [(k, cards.display_card_value(v))
                         for k, v in list(card_preview.unmapped.items())[:50]],
        })  # fmt: skip
    return render(request, "register/modelcard_import.html", context, status=status)


def _preview_one(request, form):
    org = request.organization
    source_ref = form.cleaned_data.get("source_ref", "")
    try:
        card_preview = cards.preview_model_card(
            organization=org, text=form.card, filename=form.filename, source_ref=source_ref
        )
    except ModelCardError as exc:
        form.add_error(form.source_field, str(exc))
        return _render_card(request, form, status=400)
    # Bound, so that a problem found now (a duplicate) shows next to its field.
    create_form = ModelCreateForm({
        "card": _card_text(form.card), "filename": form.filename,
        "name": card_preview.data.get("name", ""),
        "version": card_preview.data.get("version", ""),
        "source_ref": card_preview.source_ref, "vendor": "",
    }, organization=org)  # fmt: skip
    create_form.is_valid()
    for field, errors in card_preview.errors.items():
        target = (
            "source_ref" if card_preview.source_ref and "Hugging Face id" in errors[0] else field
        )
        for error in errors:
            create_form.add_error(target if target in create_form.fields else None, error)
    return _render_card(request, ModelCardForm(), create_form, card_preview)


def _create_one(request, org_slug):
    org = request.organization
    create_form = ModelCreateForm(request.POST, organization=org)
    if not create_form.is_valid() and ("card" in create_form.errors):
        messages.error(request, "The model card was lost on the way; upload it again.")
        return redirect("register_import:modelcard", org_slug=org_slug)
    card = create_form.data.get("card", "")
    options = {
        "filename": create_form.data.get("filename", ""),
        "overrides": {"name": create_form.data.get("name", ""),
                      "version": create_form.data.get("version", "")},
        "source_ref": create_form.data.get("source_ref", ""),
    }  # fmt: skip
    try:
        card_preview = cards.preview_model_card(organization=org, text=card, **options)
    except ModelCardError:
        messages.error(request, "The model card could not be read; upload it again.")
        return redirect("register_import:modelcard", org_slug=org_slug)
    if create_form.is_valid():
        try:
            model, _preview = cards.import_model_card(
                organization=org, acting=request.membership, text=card,
                vendor=create_form.cleaned_data["vendor"], **options,
            )  # fmt: skip
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in create_form.fields else None
                for error in errors:
                    create_form.add_error(target, error)
        else:
            messages.success(request, f"The model {model} was added to the register.")
            return redirect(_url_or_home("register:model-detail", org_slug,
                                         model_uuid=model.uuid))  # fmt: skip
    return _render_card(request, ModelCardForm(), create_form, card_preview, status=400)


# --- Many cards -----------------------------------------------------------------------------


def _pack(request, files: list[CardFile], batch: cards.BatchPreview, all_or_nothing) -> str:
    """Sign the cards for the confirm step; a card in error travels as its message only."""
    items = []
    for card_file, outcome in zip(files, batch.cards, strict=True):
        if outcome.outcome == cards.Outcome.ERROR:
            items.append([card_file.name, "", outcome.message])
        else:
            # Latin-1 maps every byte to one character: the bytes come back exactly.
            items.append([card_file.name, card_file.data.decode("latin-1"), ""])
    payload = {"o": request.organization.pk, "u": request.user.pk, "a": all_or_nothing,
               "c": items}  # fmt: skip
    return signing.dumps(payload, salt=_BATCH_SALT, compress=True)


def _unpack(request, token: str) -> tuple[list[CardFile], bool] | None:
    try:
        payload = signing.loads(token, salt=_BATCH_SALT, max_age=_BATCH_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("o") != request.organization.pk or payload.get("u") != request.user.pk:
        return None
    files = [CardFile(name, data.encode("latin-1"), error) for name, data, error in payload["c"]]
    return files, bool(payload.get("a"))


def _render_batch(request, batch, *, token="", all_or_nothing=False, done=False, status=200):
    counts = {k: batch.count(k) for k in ("new", "exists", "error", "created", "skipped")}
    blocked = all_or_nothing and counts["new"] != len(batch.cards)
    context = {"batch": batch, "counts": counts, "token": token, "done": done,
               "all_or_nothing": all_or_nothing, "blocked": blocked}  # fmt: skip
    return render(request, "register/modelcard_import_batch.html", context, status=status)


def _preview_batch(request, form):
    try:
        files, skipped = collect_cards(form.batch)
    except CardBatchError as exc:
        form.add_error("file", str(exc))
        return _render_card(request, form, status=400)
    batch = cards.preview_model_cards(organization=request.organization, files=files)
    batch.skipped_files = skipped
    all_or_nothing = form.cleaned_data.get("all_or_nothing", False)
    token = _pack(request, files, batch, all_or_nothing)
    if len(token) > MAX_CARRIED_CHARS:
        form.add_error("file", "These cards are too large to import from this page in one go; "
                               "import them in smaller batches, or through the API.")  # fmt: skip
        return _render_card(request, form, status=400)
    return _render_batch(request, batch, token=token, all_or_nothing=all_or_nothing)


def _import_batch(request, org_slug):
    unpacked = _unpack(request, request.POST.get("batch", ""))
    if unpacked is None:
        messages.error(
            request, "The cards were lost on the way or have expired; upload them again."
        )
        return redirect("register_import:modelcard", org_slug=org_slug)
    files, all_or_nothing = unpacked
    batch = cards.import_model_cards(
        organization=request.organization, acting=request.membership, files=files,
        all_or_nothing=all_or_nothing,
    )  # fmt: skip
    return _render_batch(request, batch, all_or_nothing=all_or_nothing, done=True)


@require_action(Action.EDIT_REGISTER)
def modelcard(request, org_slug):
    step = request.POST.get("step") if request.method == "POST" else None
    if step is None:
        return _render_card(request, ModelCardForm())
    if step == "create":
        return _create_one(request, org_slug)
    if step == "import-batch":
        return _import_batch(request, org_slug)
    form = ModelCardForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_card(request, form, status=400)
    if form.batch:
        return _preview_batch(request, form)
    return _preview_one(request, form)
