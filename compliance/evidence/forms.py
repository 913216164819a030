from django import forms


class EvidenceForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    file = forms.FileField(
        label="File",
        required=False,
        help_text="PDF, images, Office or OpenDocument files, ZIP, text or CSV.",
    )
    url = forms.CharField(
        label="Or a link",
        required=False,
        max_length=1000,
        help_text="A web address, e.g. the policy on your intranet.",
    )
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    valid_from = forms.DateField(
        label="Valid from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label="Valid until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="After this date the evidence is flagged as expired.",
    )


class ReplaceForm(forms.Form):
    file = forms.FileField(label="New version")
    version = forms.IntegerField(widget=forms.HiddenInput)
