"""Marshmallow schemas of a commune's report settings and manual indicator results.

The services load changes through these (the pages' forms, the CLI and tests share them), so a
bad value is refused with its field before anything reaches the models.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from aggregation.criteria import criteria_sets
from aggregation.rules import ADULT_AGES, WORKING_AGE_RULES

EVALUATIONS = ("dat", "khong_dat")
SIGNER_TITLES = ("chu_tich", "pho_chu_tich")  # signs as CHỦ TỊCH, or KT. CHỦ TỊCH / PHÓ CHỦ TỊCH


class SettingsSchema(Schema):
    """Checks a (partial) settings change before it reaches the model."""

    criteria_ids = fields.List(fields.String(), validate=validate.Length(min=1))
    working_age_rule = fields.String(validate=validate.OneOf(WORKING_AGE_RULES))
    adult_age = fields.Integer(validate=validate.OneOf(ADULT_AGES))
    count_tam_vang = fields.Boolean()
    decimals = fields.Integer(validate=validate.Range(0, 4))
    retention_years = fields.Integer(validate=validate.Range(1, 50))
    parent_authority = fields.String(validate=validate.Length(max=120))
    document_number = fields.String(validate=validate.Length(max=60))
    signer_name = fields.String(validate=validate.Length(max=120))
    signer_title = fields.String(validate=validate.OneOf(SIGNER_TITLES))
    preparer_name = fields.String(validate=validate.Length(max=120))

    @validates_schema
    def known_sets(self, data, **kwargs):
        unknown = [c for c in data.get("criteria_ids", []) if c not in criteria_sets()]
        if unknown:
            raise ValidationError(f"không có bộ tiêu chí: {', '.join(unknown)}", "criteria_ids")


class ManualResultSchema(Schema):
    result_text = fields.String(load_default="", validate=validate.Length(max=500))
    numerator = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    denominator = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=0))
    percent = fields.Decimal(
        load_default=None, allow_none=True, places=2, validate=validate.Range(0, 100)
    )
    evaluation = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf(EVALUATIONS)
    )
    evidence_note = fields.String(load_default="", validate=validate.Length(max=5000))
    evidence_link = fields.String(
        load_default="",
        validate=[
            validate.Length(max=500),
            validate.Regexp(
                r"^(|https?://\S+)$", error="đường dẫn phải bắt đầu bằng http:// hoặc https://"
            ),
        ],
    )

    @validates_schema
    def numbers_fit(self, data, **kwargs):
        num, den = data.get("numerator"), data.get("denominator")
        if (num is None) != (den is None):
            raise ValidationError("nhập cả tử số và mẫu số, hoặc bỏ trống cả hai", "denominator")
        if num is not None and num > den:
            raise ValidationError("tử số không được lớn hơn mẫu số", "numerator")
