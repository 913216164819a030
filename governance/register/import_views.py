"""Web pages that import the register from a spreadsheet (model cards: ``modelcard_views``).

The spreadsheet import is three steps: upload, match the columns, check and import. The
upload waits server-side between steps (``imports.save_upload``), named in the URL by a
random token that only its uploader, in its organisation, can use.
"""

import copy
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from governance.register import import_job_views, imports, pending, saved_mappings
from governance.register.spreadsheets import SpreadsheetError, Table, read_table, write_csv
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

# The preview shows this many rows as they will be imported, and at most this many errors
# (all of them are in the downloadable error list).
PREVIEW_ROWS = 50
PREVIEW_ERRORS = 500
SAMPLE_VALUES = 3
SPREADSHEET_EXTENSIONS = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ""}
STEPS = (
    ("upload", _("Upload"), _("CSV or Excel file")),
    ("mapping", _("Match columns"), _("Tell us what each column holds")),
    ("values", _("Map values"), _("Your values to ours, and defaults")),
    ("preview", _("Check and import"), _("All rows or none")),
)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def _url_or_home(name: str, org_slug: str, **kwargs) -> str:
    """Reverse a page another part of the app provides, falling back to the home page."""
    try:
        return reverse(name, kwargs={"org_slug": org_slug, **kwargs})
    except NoReverseMatch:
        return reverse("org-home", kwargs={"org_slug": org_slug})


def _steps(request, current: str, upload=None) -> list[dict]:
    order = [key for key, _label, _hint in STEPS]
    position = order.index(current)
    steps = []
    for index, (key, label, hint) in enumerate(STEPS):
        url = None
        if index < position:
            if key == "upload":
                url = reverse("register_import:upload", args=[request.organization.slug])
            elif upload is not None:
                url = reverse(
                    f"register_import:{key}", args=[request.organization.slug, upload.token]
                )
        steps.append({
            "label": label, "hint": hint, "url": url,
            "state": "done" if index < position else "current" if index == position else "",
        })  # fmt: skip
    return steps


def _load(request, token: str) -> tuple[imports.PendingUpload, Table]:
    """Return the user's upload and the table parsed when it was uploaded.

    Another user's or organisation's upload, and an expired one, is a 404.
    """
    try:
        upload = imports.get_upload(
            organization=request.organization, user=request.user, token=token
        )
    except imports.UploadNotFound:
        raise Http404("No such import.") from None
    return upload, upload.read_table()


# --------------------------------------------------------------------------------------------
# Step 1: upload
# --------------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("A CSV or Excel (.xlsx) file of up to 5 MB and 10,000 rows. The first row "
                    "must name the columns; the next step matches them to register fields."),
        error_messages={
            "required": _("Choose a CSV or Excel file to upload."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={
            "accept": ".csv,.xlsx,text/csv,"
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }),
    )  # fmt: skip

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The file is {_megabytes(upload.size)} MB; the limit is "
                f"{_megabytes(imports.MAX_UPLOAD_BYTES)} MB. Split it, or save it as CSV, "
                "which is smaller."
            )
        data = upload.read()
        try:
            table = read_table(data, upload.name or "", max_bytes=imports.MAX_UPLOAD_BYTES,
                               max_rows=imports.MAX_ROWS)  # fmt: skip
        except SpreadsheetError as exc:
            raise ValidationError(str(exc)) from None
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in SPREADSHEET_EXTENSIONS:
            raise ValidationError(
                f"This file ({suffix}) is not a CSV or XLSX spreadsheet. Export the register "
                "from your spreadsheet program as .csv or .xlsx."
            )
        if not table.rows:
            raise ValidationError("The file has a heading row but no rows of data below it.")
        self.raw = data
        self.table = table
        return upload


@require_action(Action.EDIT_REGISTER)
def upload(request, org_slug):
    bound = request.method == "POST"
    form = UploadForm(request.POST if bound else None, request.FILES if bound else None)
    form.fields["saved_mapping"] = forms.ChoiceField(
        label=_("Apply a saved mapping"), required=False,
        choices=mapping_choices(request.organization),
        help_text=_("Optional: columns, values and defaults you saved for a file like this."),
    )  # fmt: skip
    form.fields["mode"] = copy.deepcopy(MappingForm.base_fields["mode"])
    if request.method == "POST" and form.is_valid():
        upload = imports.save_upload(
            organization=request.organization,
            user=request.user,
            table=form.table,
            filename=form.cleaned_data["file"].name,
        )
        pending.save_options(upload, mode=form.cleaned_data.get("mode") or "add")
        choice = form.cleaned_data.get("saved_mapping")
        if choice:
            try:
                apply_named_mapping(request.organization, upload, form.table, choice)
            except imports.MappingError as exc:
                for error in exc.errors.get("", []):
                    messages.error(request, error)
            else:
                return redirect("register_import:values", org_slug=org_slug,
                                import_token=upload.token)  # fmt: skip
        return redirect("register_import:mapping", org_slug=org_slug, import_token=upload.token)
    fields = list(imports.IMPORT_FIELDS.values())
    return render(request, "register/import_upload.html", {
        "form": form, "steps": _steps(request, "upload"), "fields": fields,
        "register_url": _url_or_home("register:system-list", org_slug),
        "mappings_url": reverse("register_import:mappings", args=[org_slug]),
    })  # fmt: skip


# --------------------------------------------------------------------------------------------
# Step 2: match columns to fields
# --------------------------------------------------------------------------------------------

FIELD_CHOICES = [("", _("Ignore this column"))] + [
    (key, f"{f.label}{' (required)' if f.required else ''}")
    for key, f in imports.IMPORT_FIELDS.items()
]


class MappingForm(forms.Form):
    """One select per spreadsheet column: the register field it feeds, or none."""

    mode = forms.ChoiceField(
        label="Rows that are in the register already",
        choices=[("add", "Are errors: only add new systems"),
                 ("upsert", "Update them: add new systems and update existing ones")],
        initial="add", widget=forms.RadioSelect, required=False,
    )  # fmt: skip
    match_on = forms.ChoiceField(
        label="Recognise a system by its",
        choices=[(k, imports.IMPORT_FIELDS[k].label) for k in imports.MATCH_FIELDS],
        initial="reference",
        required=False,
        help_text="Case does not count. Only the filled cells of a matched row change it.",
    )

    tag_separator = forms.ChoiceField(
        label="Tags in a cell are separated by",
        choices=[(",", "Commas ( , )"), (";", "Semicolons ( ; )"), ("|", "Vertical bars ( | )"),
                 ("\n", "Line breaks")],
        required=False,
        help_text="Only this separator splits a cell into tags. A tag over 60 characters is an "
        "error, never cut.",
    )  # fmt: skip

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header, choices=FIELD_CHOICES, required=False
            )

    def clean(self):
        cleaned = super().clean()
        chosen = {h: cleaned.get(f"col_{i}") or None for i, h in enumerate(self.headers)}
        try:
            self.mapping = imports.check_mapping(self.headers, chosen)
            if "tags" in self.mapping.values() and not cleaned.get("tag_separator"):
                self.add_error("tag_separator", "Choose what separates the tags of a cell.")
            match_on = cleaned.get("match_on") or "reference"
            if cleaned.get("mode") == "upsert" and match_on not in self.mapping.values():
                label = imports.IMPORT_FIELDS[match_on].label if match_on else "field"
                self.add_error("match_on", f"No column is imported as {label}: choose the "
                               "column, or recognise systems by another field.")  # fmt: skip
        except imports.MappingError as exc:
            for header, errors in exc.errors.items():
                name = f"col_{self.headers.index(header)}" if header in self.headers else None
                for error in errors:
                    self.add_error(name, error)
        return cleaned


def _samples(table: Table, index: int) -> list[str]:
    values = []
    for row in table.rows:
        value = row[index] if index < len(row) else ""
        if value:
            values.append(value if len(value) <= 80 else value[:79] + "…")
            if len(values) == SAMPLE_VALUES:
                break
    return values


def _guess_separator(table: Table, mapping: dict) -> str:
    """The separator the tags column seems to use: the most frequent of ours in its cells."""
    header = next((h for h, f in (mapping or {}).items() if f == "tags"), None)
    if header is None or header not in table.headers:
        return ";"
    index = table.headers.index(header)
    counts = dict.fromkeys(imports.TAG_SEPARATORS, 0)
    for row in table.rows[:2000]:
        cell = row[index] if index < len(row) else ""
        for separator in counts:
            counts[separator] += cell.count(separator)
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else ";"


def mapping_choices(organization) -> list[tuple[str, str]]:
    """The saved mappings and the presets, as options of a select."""
    saved = [(f"saved:{m.uuid}", m.name) for m in saved_mappings.mappings_of(organization)]
    ready = [(f"preset:{key}", f"{p.get('name', key)} (ready-made)")
             for key, p in saved_mappings.presets().items()]  # fmt: skip
    return [("", "None: match the columns here")] + saved + ready


def apply_named_mapping(organization, upload, table: Table, choice: str) -> None:
    """Apply a saved mapping or a preset ("saved:<id>" / "preset:<key>") to the upload.

    Raise MappingError naming the headings or fields that do not fit.
    """
    kind, _sep, ref = choice.partition(":")
    try:
        if kind == "saved":
            spec = saved_mappings.find_spec(organization, mapping_id=ref)
        else:
            spec = saved_mappings.spec_of(saved_mappings.presets()[ref])
    except (LookupError, KeyError):
        raise imports.MappingError({"": ["That mapping is gone: choose another."]}) from None
    columns, options = saved_mappings.apply_to_headers(spec, table.headers)
    keep = {k: v for k, v in (upload.options or {}).items() if k == "mode"}
    imports.save_mapping(upload, columns, {**keep, **options})


class ApplyMappingForm(forms.Form):
    saved_mapping = forms.ChoiceField(label="Use a saved mapping", required=False)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["saved_mapping"].choices = mapping_choices(organization)


@require_action(Action.EDIT_REGISTER)
def mapping(request, org_slug, import_token):
    upload, table = _load(request, import_token)
    current = upload.mapping or imports.suggest_import_mapping(table.headers)
    initial = {f"col_{i}": current.get(h) or "" for i, h in enumerate(table.headers)}
    initial.update(upload.options or {})
    initial.setdefault("tag_separator", _guess_separator(table, current))
    apply_form = ApplyMappingForm(organization=request.organization)
    if request.method == "POST" and "apply" in request.POST:
        apply_form = ApplyMappingForm(request.POST, organization=request.organization)
        if apply_form.is_valid() and apply_form.cleaned_data["saved_mapping"]:
            try:
                apply_named_mapping(request.organization, upload, table,
                                    apply_form.cleaned_data["saved_mapping"])  # fmt: skip
            except imports.MappingError as exc:
                for error in exc.errors.get("", []):
                    apply_form.add_error("saved_mapping", error)
            else:
                return redirect("register_import:values", org_slug=org_slug,
                                import_token=import_token)  # fmt: skip
        elif apply_form.is_valid():
            apply_form.add_error("saved_mapping", "Choose a saved mapping to apply.")
    data = request.POST if request.method == "POST" and "apply" not in request.POST else None
    form = MappingForm(data, headers=table.headers, initial=initial)
    if data is not None and form.is_valid():
        options = {**(upload.options or {}), "mode": form.cleaned_data["mode"] or "add",
                   "match_on": form.cleaned_data["match_on"] or "reference",
                   "tag_separator": form.cleaned_data["tag_separator"] or None}  # fmt: skip
        imports.save_mapping(upload, {h: form.mapping.get(h) for h in table.headers}, options)
        return redirect("register_import:values", org_slug=org_slug, import_token=import_token)
    columns = [
        {"header": header, "samples": _samples(table, i), "field": form[f"col_{i}"]}
        for i, header in enumerate(table.headers)
    ]
    status = 400 if form.errors or apply_form.errors else 200
    return render(request, "register/import_mapping.html", {
        "form": form, "columns": columns, "upload": upload, "table": table,
        "apply_form": apply_form, "steps": _steps(request, "mapping", upload),
        "required_labels": [imports.IMPORT_FIELDS[k].label for k in imports.REQUIRED_FIELDS],
        "mappings_url": reverse("register_import:mappings", args=[org_slug]),
    }, status=status)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Step 3: check and import
# --------------------------------------------------------------------------------------------


def _preview_row(table: Table, result: imports.ImportPreview, row: imports.ImportRow) -> dict:
    """Return a row of the preview table: the imported value, or what the file says if wrong."""
    problems = {e.field: e.message for e in row.errors}
    column_of = {key: table.headers.index(header) for header, key in result.mapping.items()}
    raw = table.rows[table.row_numbers.index(row.row_number)] if problems else []
    cells = []
    for f in result.fields:
        if f.key in problems:
            cells.append({"text": raw[column_of[f.key]], "error": problems[f.key]})
        else:
            cells.append({"text": row.display.get(f.key, ""), "error": ""})
    changes = [
        {"label": imports.IMPORT_FIELDS[k].label, "old": old, "new": new}
        for k, (old, new) in row.changes.items()
    ]
    return {"number": row.row_number, "cells": cells, "errors": len(row.errors),
            "outcome": row.outcome, "changes": changes}  # fmt: skip


def _options(upload) -> dict:
    return pending.import_options(upload)


@require_action(Action.EDIT_REGISTER)
def preview(request, org_slug, import_token):
    pending, table = _load(request, import_token)
    if pending.mapping is None:
        return redirect("register_import:mapping", org_slug=org_slug, import_token=import_token)
    try:
        result = imports.preview_import(
            organization=request.organization, table=table, mapping=pending.mapping,
            **_options(pending),
        )  # fmt: skip
    except imports.MappingError as exc:
        messages.error(request, "Match the columns again: the saved choices no longer fit. "
                       + str(exc))  # fmt: skip
        return redirect("register_import:mapping", org_slug=org_slug, import_token=import_token)
    errors = result.errors
    status = 200
    if request.method == "POST":
        queued = import_job_views.queue_if_large(request, pending, table, result)
        if queued is not None:  # too large for a request: a Celery job commits it
            return queued
        try:
            done = imports.commit_import(
                organization=request.organization,
                acting=request.membership,
                table=table,
                mapping=pending.mapping,
                filename=pending.filename,
                expected_fingerprint=request.POST.get("fingerprint", ""),
                **_options(pending),
            )
        except imports.ImportFailed as exc:
            errors, status = exc.errors, 400
            messages.error(request, str(exc))
        else:
            imports.discard_upload(pending)
            vendors = len(done.vendors)
            text = f"{done.created} AI system{'s' if done.created != 1 else ''} "
            text += (
                f"added and {len(done.updated)} updated from " if done.updated else "imported from "
            )
            text += f"{pending.filename}"
            if vendors:
                text += f", with {vendors} new vendor{'s' if vendors != 1 else ''}"
            messages.success(request, f"{text}.")
            return redirect(_url_or_home("register:system-list", org_slug))
    rows = [_preview_row(table, result, row) for row in result.rows[:PREVIEW_ROWS]]
    context = {
        "upload": pending, "result": result, "rows": rows, "errors": errors[:PREVIEW_ERRORS],
        "error_count": len(errors), "errors_hidden": max(0, len(errors) - PREVIEW_ERRORS),
        "error_rows": len({e.row_number for e in errors}),
        "preview_rows": PREVIEW_ROWS, "steps": _steps(request, "preview", pending),
        "created": result.count("new"), "updated": result.count("changed"),
        "unchanged": result.count("unchanged"),
        "applied_defaults": result.applied_defaults,
    }  # fmt: skip
    if errors:
        context["steps"][2]["state"] = "error"
    return render(request, "register/import_preview.html", context, status=status)


@require_action(Action.EDIT_REGISTER)
def errors_csv(request, org_slug, import_token):
    """Download every problem of the import as a CSV file, to fix them in the spreadsheet."""
    pending, table = _load(request, import_token)
    if pending.mapping is None:
        raise Http404("No such import.")
    try:
        result = imports.preview_import(
            organization=request.organization, table=table, mapping=pending.mapping,
            **_options(pending),
        )  # fmt: skip
    except imports.MappingError:
        raise Http404("No such import.") from None
    body = write_csv(
        ["Row", "Column", "Problem"],
        [[e.row_number or "", e.column_header, e.message] for e in result.errors],
    )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="import-errors.csv"'
    return response
