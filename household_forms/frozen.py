"""The "Chốt số liệu" form: the export form's set, year, as-of date and scope, without format."""

from household_forms.export_form import ExportForm


class FreezeForm(ExportForm):
    """Set, year, as-of date and scope (commune or one village) of the report to freeze."""

    fmt = None  # type: ignore[assignment]
    complement = None  # type: ignore[assignment]
    full_data = None  # type: ignore[assignment]
