"""Forms of the officer, specialist and leader screens.

Forms only parse input (types, required fields, choices); every business rule lives in
`cchc.dossiers.services`, whose Vietnamese ValidationErrors the views put back onto the
same form with `add_service_error`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cchc.core.uploads import CheckedFileField
from cchc.dossiers.models import (
    ApplicantKind,
    Channel,
    ComponentSource,
    PauseKind,
    PetitionKind,
    Rating,
    ReturnMethod,
    SubjectKind,
)


def add_service_error(
    form: forms.Form, exc: ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError onto the form: a field error when the service named
    a field the form has (after `field_map`), otherwise a form-wide error."""
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            name = field_map.get(key, key)
            messages = [m for e in errors for m in e.messages]
            if name in form.fields:
                for message in messages:
                    form.add_error(name, message)
            else:
                for message in messages:
                    form.add_error(None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


class VersionedForm(forms.Form):
    """Every action form carries the version of the dossier the user saw (conflicts)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


# --- Queues -----------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Mã hồ sơ, người nộp, số định danh, thủ tục"), "type": "search"}
        ),
    )


# --- Intake (Mẫu 01) ---------------------------------------------------------------------


class IntakeForm(forms.Form):
    """Receive a dossier at the counter, through the postal partner, or enter an online one
    with the person who helped (e.g. a youth volunteer)."""

    channel = forms.ChoiceField(
        label=_("Kênh nộp"), choices=Channel.choices, initial=Channel.COUNTER
    )
    receiving_unit = forms.ModelChoiceField(label=_("Bộ phận tiếp nhận"), queryset=None)
    postal_unit = forms.ModelChoiceField(
        label=_("Bưu cục tiếp nhận (kênh bưu chính)"), queryset=None, required=False
    )
    procedure = forms.ModelChoiceField(label=_("Thủ tục hành chính"), queryset=None)

    applicant_kind = forms.ChoiceField(
        label=_("Người nộp là"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON
    )
    applicant_name = forms.CharField(
        label=_("Họ tên / tên tổ chức"), max_length=255, required=False
    )
    applicant_personal_id = forms.CharField(
        label=_("Số định danh cá nhân (12 số)"), max_length=20, required=False
    )
    applicant_tax_code = forms.CharField(label=_("Mã số thuế"), max_length=20, required=False)
    applicant_date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày sinh không hợp lệ (dd/mm/yyyy).")},
    )
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    applicant_phone = forms.CharField(label=_("Điện thoại"), max_length=32, required=False)
    applicant_email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)

    assisted_by_name = forms.CharField(
        label=_("Người hỗ trợ nộp (nếu có, ví dụ đoàn viên thanh niên)"),
        max_length=255,
        required=False,
    )
    subject_kind = forms.ChoiceField(
        label=_("Đối tượng liên quan"),
        choices=[("", _("— không có —")), *SubjectKind.choices],
        required=False,
    )
    subject_key = forms.CharField(
        label=_("Mã đối tượng (số thửa, tờ bản đồ...)"), max_length=255, required=False
    )

    def __init__(
        self,
        *args: Any,
        receiving_units,
        postal_units,
        procedures,
        requirements=(),
        store_documents=(),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The applicant's data store (NĐ 45/2020/NĐ-CP Art. 17: data already given is not
        # asked again): any stored result or digitized paper may stand for a component.
        self.store_documents = list(store_documents)
        store_choices = [("", _("— không —"))] + [
            (f"KHO-{doc.pk}", f"{doc.title} ({doc.issued_at:%d/%m/%Y})")
            for doc in self.store_documents
        ]
        self.fields["receiving_unit"].queryset = receiving_units
        self.fields["postal_unit"].queryset = postal_units
        self.fields["procedure"].queryset = procedures
        self.fields["procedure"].label_from_instance = lambda v: (
            f"{v.procedure.code} — {v.procedure.name}"
        )
        self.requirements = list(requirements)
        for req in self.requirements:
            p = f"comp_{req.pk}_"
            self.fields[p + "provided"] = forms.BooleanField(
                label=req.name, required=False, initial=req.is_required
            )
            self.fields[p + "source"] = forms.ChoiceField(
                label=_("Hình thức"), choices=ComponentSource.choices, initial=ComponentSource.PAPER
            )
            self.fields[p + "file"] = CheckedFileField(
                label=_("Tệp (bản quét, bản điện tử)"), required=False
            )
            self.fields[p + "reuse"] = forms.CharField(
                label=_("Mã dữ liệu tái sử dụng"), max_length=255, required=False
            )
            self.fields[p + "copies"] = forms.IntegerField(
                label=_("Số bản"), min_value=1, max_value=99, initial=req.copies or 1
            )
            self.fields[p + "store"] = forms.ChoiceField(
                label=_("Dùng giấy tờ trong kho dữ liệu"), choices=store_choices, required=False
            )

    def component_rows(self) -> list[dict[str, Any]]:
        rows = []
        for req in self.requirements:
            p = f"comp_{req.pk}_"
            rows.append(
                {
                    "requirement": req,
                    "provided": self[p + "provided"],
                    "source": self[p + "source"],
                    "file": self[p + "file"],
                    "reuse": self[p + "reuse"],
                    "copies": self[p + "copies"],
                    "store": self[p + "store"],
                }
            )
        return rows

    def service_kwargs(self) -> dict[str, Any]:
        """Arguments for `dossier_receive`, plus the field map for its errors."""
        data = self.cleaned_data
        components = []
        field_map: dict[str, str] = {}
        for req in self.requirements:
            p = f"comp_{req.pk}_"
            stored = data.get(p + "store") or ""
            if not data.get(p + "provided") and not stored:
                continue
            field_map[f"components[{len(components)}]"] = p + "source"
            components.append(
                {
                    "requirement": req.pk,
                    # A document picked from the store is reused, not copied again.
                    "source": ComponentSource.REUSED if stored else data[p + "source"],
                    "file": None if stored else data.get(p + "file"),
                    "reuse_reference": stored or data.get(p + "reuse") or "",
                    "copies": data.get(p + "copies") or 1,
                }
            )
        applicant = {
            "kind": data["applicant_kind"],
            "name": data.get("applicant_name") or "",
            "personal_id": data.get("applicant_personal_id") or "",
            "tax_code": data.get("applicant_tax_code") or "",
            "date_of_birth": data.get("applicant_date_of_birth"),
            "address": data.get("applicant_address") or "",
            "phone": data.get("applicant_phone") or "",
            "email": data.get("applicant_email") or "",
        }
        for name in (
            "kind",
            "name",
            "personal_id",
            "tax_code",
            "date_of_birth",
            "address",
            "phone",
            "email",
        ):
            field_map[f"applicant.{name}"] = f"applicant_{name}"
        field_map["assisted_by"] = "assisted_by_name"
        field_map["subjects[0]"] = "subject_key"
        subjects = []
        if data.get("subject_kind") or data.get("subject_key"):
            subjects.append(
                {"kind": data.get("subject_kind"), "key": data.get("subject_key") or ""}
            )
        assisted = None
        if data.get("assisted_by_name"):
            assisted = {"name": data["assisted_by_name"], "unit": None}
        kwargs = {
            "channel": data["channel"],
            "procedure": data["procedure"].procedure,
            "receiving_unit": data["receiving_unit"],
            "postal_unit": data.get("postal_unit"),
            "applicant": applicant,
            "components": components,
            "assisted_by": assisted,
            "subjects": subjects,
        }
        return {"kwargs": kwargs, "field_map": field_map}


# --- Processing actions ----------------------------------------------------------------


class HandoverForm(VersionedForm):
    to_unit = forms.ModelChoiceField(label=_("Chuyển đến đơn vị"), queryset=None, required=False)
    to_user = forms.ModelChoiceField(
        label=_("Cán bộ nhận (nếu biết)"), queryset=None, required=False
    )
    same_step = forms.BooleanField(
        label=_("Chuyển cùng bước sang đơn vị khác (chuyển nhầm, liên thông)"), required=False
    )
    note = forms.CharField(
        label=_("Ghi chú bàn giao"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, units, users, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units
        self.fields["to_user"].queryset = users


class AssignForm(VersionedForm):
    to_user = forms.ModelChoiceField(label=_("Giao cho cán bộ"), queryset=None)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, users, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = users


class ReturnToStepForm(VersionedForm):
    step_order = forms.TypedChoiceField(label=_("Trả về bước"), coerce=int, choices=())
    reason = forms.CharField(
        label=_("Lý do chuyển trả"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, steps=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step_order"].choices = [(o, f"{o}. {n}") for o, n in steps]


class ApproveForm(VersionedForm):
    note = forms.CharField(
        label=_("Ý kiến phê duyệt"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupplementRequestForm(VersionedForm):
    """Mẫu 02: the items to supplement, one per line, and the reason."""

    items = forms.CharField(
        label=_("Nội dung cần bổ sung, hoàn thiện (mỗi dòng một nội dung)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def item_list(self) -> list[str]:
        return [
            line for line in (self.cleaned_data.get("items") or "").splitlines() if line.strip()
        ]


class SupplementProvidedForm(VersionedForm):
    name = forms.CharField(label=_("Thành phần bổ sung"), max_length=500, required=False)
    source = forms.ChoiceField(
        label=_("Hình thức"), choices=ComponentSource.choices, initial=ComponentSource.PAPER
    )
    file = CheckedFileField(label=_("Tệp (nếu có)"), required=False)
    reuse_reference = forms.CharField(
        label=_("Mã dữ liệu tái sử dụng"), max_length=255, required=False
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def components(self) -> list[dict[str, Any]]:
        d = self.cleaned_data
        if not (d.get("name") or "").strip():
            return []
        return [
            {
                "name": d["name"],
                "source": d["source"],
                "file": d.get("file"),
                "reuse_reference": d.get("reuse_reference") or "",
            }
        ]


class PauseForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Loại tạm dừng"),
        choices=[c for c in PauseKind.choices if c[0] != PauseKind.SUPPLEMENT],
    )
    basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=500, required=False)
    notice = forms.CharField(
        label=_("Thông báo nộp nghĩa vụ tài chính (số, ngày)"), max_length=500, required=False
    )


class ResumeForm(VersionedForm):
    receipt = forms.CharField(
        label=_("Số chứng từ đã nộp (nghĩa vụ tài chính)"), max_length=255, required=False
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)


class ApologiseForm(VersionedForm):
    """Mẫu 04: Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết."""

    new_due = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        input_formats=["%Y-%m-%dT%H:%M", "%H:%M %d/%m/%Y", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": _("Vui lòng nhập ngày hẹn trả mới."),
            "invalid": _("Ngày hẹn trả mới không hợp lệ."),
        },
    )
    reason = forms.CharField(
        label=_("Lý do chậm"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class IssueResultForm(VersionedForm):
    paper = forms.BooleanField(label=_("Kết quả bản giấy"), required=False, initial=True)
    electronic_file = CheckedFileField(label=_("Tệp kết quả điện tử"), required=False)
    result_number = forms.CharField(label=_("Số, ký hiệu kết quả"), max_length=100, required=False)


class ResultPdfForm(VersionedForm):
    """The content of an electronic result that cchc.documents renders and signs
    (result_pdf_issue); the documents service checks lengths and the dossier's state."""

    title = forms.CharField(
        label=_("Tên kết quả (mặc định: kết quả của thủ tục)"), max_length=500, required=False
    )
    number = forms.CharField(label=_("Số, ký hiệu kết quả"), max_length=100, required=False)
    lines = forms.CharField(
        label=_("Các dòng nội dung, mỗi dòng “Tên mục: giá trị”"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    signer_title = forms.CharField(label=_("Chức danh người ký"), max_length=200, required=False)
    paper = forms.BooleanField(label=_("Kèm bản giấy"), required=False)

    def clean_lines(self) -> list[tuple[str, str]]:
        pairs = []
        for raw in self.cleaned_data["lines"].splitlines():
            if not raw.strip():
                continue
            label, sep, value = raw.partition(":")
            if not sep or not label.strip():
                raise ValidationError(
                    _("Mỗi dòng nội dung có dạng “Tên mục: giá trị”: %(line)s"),
                    "invalid",
                    params={"line": raw.strip()},
                )
            pairs.append((label.strip(), value.strip()))
        return pairs

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        content: dict[str, Any] = {
            "title": data["title"],
            "number": data["number"],
            "fields": data["lines"],
            "body": data["body"],
        }
        if data["signer_title"]:
            content["signer_title"] = data["signer_title"]
        return content


class ReturnResultForm(VersionedForm):
    """Return the result to the applicant, or to the person they authorised (văn bản ủy
    quyền, BLDS 2015 Art. 138): one of the proxies recorded through the portal, or one whose
    details the officer types from the paper authorisation shown at the counter."""

    method = forms.ChoiceField(label=_("Hình thức trả"), choices=ReturnMethod.choices)
    note = forms.CharField(label=_("Ghi chú"), required=False)
    proxy = forms.ChoiceField(label=_("Người được ủy quyền nhận thay (đã đăng ký)"), required=False)
    proxy_name = forms.CharField(
        label=_("Hoặc: họ tên người nhận thay"), max_length=255, required=False
    )
    proxy_personal_id = forms.CharField(
        label=_("Số định danh người nhận thay"), max_length=20, required=False
    )
    proxy_authorisation_ref = forms.CharField(
        label=_("Văn bản ủy quyền (số, ngày)"), max_length=255, required=False
    )

    def __init__(self, *args: Any, proxies=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.proxies = {str(p.pk): p for p in proxies}
        self.fields["proxy"].choices = [("", _("— người nộp tự nhận —"))] + [
            (key, f"{p.proxy_name} — {p.proxy_personal_id}") for key, p in self.proxies.items()
        ]

    def collected_by(self) -> dict[str, str] | None:
        """`collected_by` for `dossier_return_result`; the service validates it."""
        data = self.cleaned_data
        chosen = self.proxies.get(data.get("proxy") or "")
        if chosen is not None:
            ref = f"UQ-{chosen.pk}"
            if chosen.document_name:
                ref += f" ({chosen.document_name})"
            return {
                "name": chosen.proxy_name,
                "personal_id": chosen.proxy_personal_id,
                "authorisation_ref": ref,
            }
        typed = [data.get(k) or "" for k in ("proxy_name", "proxy_personal_id")]
        if not any(typed) and not data.get("proxy_authorisation_ref"):
            return None
        return {
            "name": typed[0],
            "personal_id": typed[1],
            "authorisation_ref": data.get("proxy_authorisation_ref") or "",
        }


class RateForm(VersionedForm):
    rating = forms.ChoiceField(label=_("Đánh giá của người nộp"), choices=Rating.choices)
    comment = forms.CharField(
        label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(VersionedForm):
    text = forms.CharField(
        label=_("Ghi chú nội bộ"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _money(label: str, **kw: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=14,
        decimal_places=0,
        error_messages={"invalid": _("Số tiền không hợp lệ.")},
        **kw,
    )


class FeeForm(VersionedForm):
    """A fee collected at the counter against a receipt (biên lai thu phí, lệ phí);
    the amount and receipt are checked by cchc.integrations.services.payment_record_counter."""

    amount = _money(_("Số tiền thu (đồng)"))
    receipt_no = forms.CharField(label=_("Số biên lai"), max_length=40, required=False)


class FeeAssessForm(VersionedForm):
    """The amount of a fee whose schedule varies (mức thu thay đổi theo hồ sơ)."""

    amount = _money(_("Mức phí, lệ phí của hồ sơ (đồng)"))


class FeeExemptForm(VersionedForm):
    """Exemption (miễn phí, lệ phí) with its legal basis."""

    basis = forms.CharField(
        label=_("Căn cứ miễn, giảm (văn bản, đối tượng)"), max_length=100, required=False
    )

    def clean_basis(self) -> str:
        basis = " ".join(self.cleaned_data["basis"].split())
        if not basis:
            raise ValidationError(_("Vui lòng ghi căn cứ miễn, giảm phí, lệ phí."), "required")
        return basis


# --- Daily work ------------------------------------------------------------------------


class ReassignForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=None)
    from_user = forms.ModelChoiceField(label=_("Cán bộ vắng mặt"), queryset=None)
    to_user = forms.ModelChoiceField(label=_("Chuyển cho cán bộ"), queryset=None)
    reason = forms.CharField(label=_("Lý do (nghỉ phép, công tác...)"), required=False)

    def __init__(self, *args: Any, units, users, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["from_user"].queryset = users
        self.fields["to_user"].queryset = users


class HandoverListForm(forms.Form):
    from_unit = forms.ModelChoiceField(label=_("Đơn vị bàn giao"), queryset=None)
    to_unit = forms.ModelChoiceField(label=_("Đơn vị nhận"), queryset=None, required=False)
    day = forms.DateField(
        label=_("Ngày"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )

    def __init__(self, *args: Any, units, targets, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_unit"].queryset = units
        self.fields["to_unit"].queryset = targets


def default_day() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


class HandoverBatchForm(forms.Form):
    """A batch hand-over list: the dossiers `from_unit` holds, handed to `to_unit` at once."""

    from_unit = forms.ModelChoiceField(label=_("Đơn vị bàn giao"), queryset=None)
    to_unit = forms.ModelChoiceField(label=_("Đơn vị nhận"), queryset=None)
    dossiers = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ bàn giao"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Ghi chú"), required=False)

    def __init__(self, *args: Any, units, targets, candidates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_unit"].queryset = units
        self.fields["to_unit"].queryset = targets
        self.fields["dossiers"].queryset = candidates
        self.candidates = candidates

    def expected_versions(self) -> dict[int, int]:
        """The version of each listed dossier when the list was shown (hidden v_<pk>)."""
        out = {}
        for d in self.cleaned_data.get("dossiers") or []:
            raw = self.data.get(f"v_{d.pk}")
            if raw is not None and str(raw).isdigit():
                out[d.pk] = int(raw)
        return out


class HandoverReceiveForm(forms.Form):
    received_by_name = forms.CharField(label=_("Người nhận ký"), max_length=255, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False)


class PetitionForm(VersionedForm):
    """A complaint or petition (phản ánh, kiến nghị) about the handling of this dossier."""

    kind = forms.ChoiceField(label=_("Loại"), choices=PetitionKind.choices)
    content = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PetitionAnswerForm(VersionedForm):
    no = forms.TypedChoiceField(label=_("Phản ánh, kiến nghị số"), coerce=int, choices=())
    answer = forms.CharField(
        label=_("Kết quả xử lý"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, petitions=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["no"].choices = [(p.no, f"{p.no}. {p.content[:60]}") for p in petitions]


class SubjectBlockForm(forms.Form):
    """A block on receiving dossiers about a subject (ngăn chặn), by a department or court."""

    unit = forms.ModelChoiceField(label=_("Đơn vị ban hành"), queryset=None)
    subject_kind = forms.ChoiceField(label=_("Loại đối tượng"), choices=SubjectKind.choices)
    subject_key = forms.CharField(
        label=_("Mã đối tượng (số thửa, tờ bản đồ, số định danh...)"),
        max_length=255,
        required=False,
    )
    subject_label = forms.CharField(label=_("Mô tả"), max_length=500, required=False)
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    basis = forms.CharField(label=_("Căn cứ (văn bản)"), max_length=500, required=False)
    valid_from = forms.DateField(
        label=_("Hiệu lực từ"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )
    valid_to = forms.DateField(
        label=_("Hiệu lực đến"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")},
    )

    def __init__(self, *args: Any, units, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SubjectBlockLiftForm(forms.Form):
    reason = forms.CharField(label=_("Lý do gỡ bỏ"), required=False)
