"""Web pages that restore the register from an Annex export: upload, check, restore.

The upload is parsed once and waits as a pending upload (governance.register.pending) of kind
"restore", its three tables kept in the row's options, named in the URL by a random token
that only its uploader, in its organisation, can use.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from governance.register import pending, restore
from governance.register.restore_files import MAX_BYTES, MAX_ROWS, read_export
from governance.register.spreadsheets import SpreadsheetError, Table
from governance.tenancy.permissions import require_action
from governance.tenancy.roles import Action

KIND = "restore"
SHOWN = 500  # problems and warnings listed on a page


class RestoreForm(forms.Form):
    file = forms.FileField(
        label=_("Annex export"),
        help_text=_(
            f"The XLSX workbook (sheets Systems, Vendors and Models) or the ZIP of CSV files "
            f"that the register's export makes: up to {MAX_BYTES // (1024 * 1024)} MB and "
            f"{MAX_ROWS:,} rows a sheet."
        ),
        error_messages={
            "required": _("Choose the exported file."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        data = upload.read(MAX_BYTES + 1)
        try:
            self.tables, self.format = read_export(data, upload.name or "")
        except SpreadsheetError as exc:
            raise ValidationError(str(exc)) from None
        return upload


def _store(request, filename: str, tables: dict[str, Table], fmt: str):
    upload = pending.save_upload(
        organization=request.organization, user=request.user, filename=filename,
        table=Table(headers=[], format=fmt),
    )  # fmt: skip
    upload.kind = KIND
    upload.options = {KIND: {key: {"headers": t.headers, "rows": t.rows,
                                   "row_numbers": t.row_numbers, "sheet_name": t.sheet_name}
                             for key, t in tables.items()}}  # fmt: skip
    upload.save(update_fields=["kind", "options"])
    return upload


def _load(request, token: str):
    """Return the user's restore upload and its tables; anything else is a 404."""
    try:
        upload = pending.get_upload(organization=request.organization, user=request.user,
                                    token=token)  # fmt: skip
    except pending.UploadNotFound:
        raise Http404("No such upload.") from None
    stored = (upload.options or {}).get(KIND)
    if upload.kind != KIND or not isinstance(stored, dict):
        raise Http404("No such upload.")
    fmt = upload.table.get("format", "xlsx")
    return upload, {key: Table(format=fmt, **table) for key, table in stored.items()}


@require_action(Action.EDIT_REGISTER)
def upload(request, org_slug):
    """Step 1: choose the exported file; a file with problems lists them and stops here."""
    bound = request.method == "POST"
    form = RestoreForm(request.POST if bound else None, request.FILES if bound else None)
    plan = None
    if request.method == "POST" and form.is_valid():
        plan = restore.plan_restore(organization=request.organization, tables=form.tables)
        if plan.ok:
            name = form.cleaned_data["file"].name or "export"
            saved = _store(request, name, form.tables, form.format)
            return redirect("register_import:restore-preview", org_slug, saved.token)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "errors": plan.errors[:SHOWN] if plan else [],
               "error_count": len(plan.errors) if plan else 0}  # fmt: skip
    return render(request, "register/restore_upload.html", context, status=status)


@require_action(Action.EDIT_REGISTER)
def preview(request, org_slug, import_token):
    """Step 2: what the restore adds (counts, warnings, unscreened); POST restores it."""
    upload, tables = _load(request, import_token)
    if request.method == "POST":
        try:
            result = restore.commit_restore(organization=request.organization,
                                            acting=request.membership, tables=tables,
                                            filename=upload.filename)  # fmt: skip
        except restore.RestoreFailed as exc:
            messages.error(request, str(exc))
        else:
            pending.discard_upload(upload)
            messages.success(request, f"Restored {len(result.systems)} AI systems, "
                             f"{len(result.models)} models and {len(result.vendors)} vendors. "
                             f"{restore.UNSCREENED}")  # fmt: skip
            return redirect(reverse("register:system-list", args=[org_slug]) + "?archived=true")
    plan = restore.plan_restore(organization=request.organization, tables=tables)
    context = {
        "upload": upload, "plan": plan, "counts": plan.counts(), "unscreened": restore.UNSCREENED,
        "errors": plan.errors[:SHOWN], "warnings": plan.warnings[:SHOWN],
    }  # fmt: skip
    return render(request, "register/restore_preview.html", context,
                  status=200 if plan.ok else 400)  # fmt: skip
