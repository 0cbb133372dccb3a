"""Forms of the directives screens that take files (the rest parse POST directly)."""

from __future__ import annotations

from django import forms

from cchc.core.uploads import check_upload
from cchc.directives.services import MAX_CONTRIBUTION_FILES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several evidence files, each checked by `check_upload` (type by content, size
    limit, generated name); the cleaned value is a list of `CheckedUpload`."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(items) > MAX_CONTRIBUTION_FILES:
            raise forms.ValidationError(
                "Tối đa %(n)d tệp minh chứng cho mỗi lần gửi.",
                code="too_many",
                params={"n": MAX_CONTRIBUTION_FILES},
            )
        out = []
        for item in items:
            value = super().clean(item, initial)
            if value:
                try:
                    out.append(check_upload(value, field="file"))
                except forms.ValidationError as exc:
                    raise forms.ValidationError(exc.error_dict["file"]) from None
        return out


class ContributionForm(forms.Form):
    text = forms.CharField(
        label="Nội dung phối hợp", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    files = EvidenceFilesField(
        label="Tệp minh chứng (PDF, JPEG, PNG)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
