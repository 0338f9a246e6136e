"""What the form fuzzer sends: a value per field of the real form class, junk, query arguments.

Field names come from the form classes themselves (``form_fields``), so a field added to a form
is fuzzed without a change here. Values are sometimes plausible (a choice of the field, a date,
a number) and often junk: huge strings, control characters, digits that are not ASCII ('²'),
negative and huge numbers, several values for one name, a file where text is expected.
"""

import io
import zipfile
from datetime import date

from hypothesis import strategies as st
from wtforms import Field, FieldList, FormField
from wtforms.fields.core import UnboundField

from survey_app.imports import workbook

NON_ASCII_DIGITS = ["²", "١٢", "５", "٣٤٥", "໒໐໒໔", "₂₀₂₃", "¹²³"]
NUMBERS = [
    "0", "-1", "-0", "2023", "1,5", "72,5", "1.234", "1e309", "-1e309", "NaN", "nan", "sNaN",
    "Infinity", "-inf", "9" * 30, "-" + "9" * 30, str(2**31), str(2**63), "-2147483649", "0x1F",
    "1_000",
]  # fmt: skip
CONTROL = ["\x00", "a\x00b", "\x07", "\x1b[31m", "\r\n", "\t", "\u200b", "\u202e", "\ufeff", "\x7f"]
SHAPES = [
    "", " ", "   \n", "null", "None", "true", "[]", "{}", "'; DROP TABLE users;--", "%s%s%n",
    "<script>alert(1)</script>", "../../etc/passwd", "//evil.example/", "javascript:alert(1)",
    "31/02/2024", "0000-00-00", "2024-13-45", "29/02/2023", "1899", "3000", "12/2024", "🙂",
    "Nguyễn Thị Ánh Tuyết", "Ơ ư ạ ả ố ừ", "Ｎｇｕｙễｎ", "co", "khong", "nam", "nu",
]  # fmt: skip

huge_text = st.sampled_from([1_000, 5_000, 70_000]).map(lambda n: ("Ẩ" + "x" * 9) * (n // 10))
junk_text = st.one_of(
    st.sampled_from(NON_ASCII_DIGITS + NUMBERS + CONTROL + SHAPES),
    huge_text,
    st.text(max_size=40),  # any code point hypothesis likes, surrogates aside (not encodable)
    st.integers().map(str),
    st.floats().map(str),
    st.dates(date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


def _choices(field: UnboundField) -> list[str]:
    """The values a select/radio/segment field offers, when fixed in the class."""
    found = field.kwargs.get("choices") or field.kwargs.get("options") or []
    values = []
    for choice in found if isinstance(found, list | tuple) else []:
        values.append(str(choice[0] if isinstance(choice, tuple | list) else choice))
    return values


def form_fields(form_class, prefix: str = "") -> dict[str, list[str]]:
    """Every field name the class posts (a FieldList as entries 0 and 1) with its fixed choices."""
    names: dict[str, list[str]] = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField) or not issubclass(unbound.field_class, Field):
            continue
        if unbound.field_class is FieldList:
            inner = unbound.args[0]
            for index in (0, 1):
                if inner.field_class is FormField:
                    names |= form_fields(inner.args[0], f"{prefix}{name}-{index}-")
                else:
                    names[f"{prefix}{name}-{index}"] = _choices(inner)
        elif unbound.field_class is FormField:
            names |= form_fields(unbound.args[0], f"{prefix}{name}-")
        else:
            names[prefix + name] = _choices(unbound)
    return names


def _value(choices: list[str]):
    plausible = st.sampled_from(choices) if choices else st.sampled_from(["y", "1", "2024"])
    return st.one_of(plausible, junk_text)


def half_written_workbook() -> bytes:
    """The import template with each sheet's XML cut in half: a zip openpyxl cannot parse."""
    source = zipfile.ZipFile(io.BytesIO(workbook.template_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as broken:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            broken.writestr(item, data)
    return out.getvalue()


def _file():
    """An upload: random bytes or a broken workbook, named as the import expects or not."""
    content = st.one_of(
        st.binary(max_size=200),
        st.sampled_from([b"PK\x03\x04" + b"\x00" * 30, "ma_ho,chu_ho\n\x00,²\n".encode()]),
        st.builds(half_written_workbook),
    )
    name = st.sampled_from(["ho.csv", "ho.xlsx", "ho.txt", "", "../../ho.csv", "hộ gia đình.csv"])
    return st.tuples(content, name).map(lambda t: (io.BytesIO(t[0]), t[1]))


def form_data(fields: dict[str, list[str]]):
    """Form data: any subset of the fields, junk values, repeated names, unknown names, files."""
    one = {name: _value(choices) for name, choices in fields.items()}
    many = {
        name: st.lists(_value(choices), min_size=2, max_size=3) for name, choices in fields.items()
    }
    known = st.fixed_dictionaries({}, optional=one) | st.fixed_dictionaries({}, optional=many)
    extra = st.dictionaries(st.sampled_from(["zz", "m-99-ho_ten", "t999", "csrf_token"]), junk_text)
    files = st.dictionaries(st.sampled_from(["file", *fields][:4]), _file(), max_size=1)
    return st.tuples(known, extra, files).map(lambda t: t[1] | t[0] | t[2])


# Query argument names the views read (and a few they do not).
QUERY_NAMES = ["xa", "nam", "bo", "ngay", "trang", "q", "tt", "sau", "ve", "next", "thang"]
QUERY_NAMES += ["chi_tieu", "nguoi", "since", "limit", "village", "zz"]
# Numbers weigh more here: most query arguments the views read are years, pages and limits.
query_value = st.sampled_from(NON_ASCII_DIGITS + NUMBERS) | junk_text
query_args = st.dictionaries(st.sampled_from(QUERY_NAMES), query_value, max_size=3)


class OddBody(dict):
    """Keyword arguments of a request whose body is not form data (JSON, bytes)."""


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | junk_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(junk_text, inner, max_size=3),
    max_leaves=8,
)
odd_body = st.one_of(
    st.builds(lambda value: OddBody(json=value), JSON),
    st.builds(
        lambda raw, kind: OddBody(data=raw, content_type=kind),
        st.binary(max_size=100) | st.just(b'{"a": '),
        st.sampled_from(
            [
                "application/json",
                "multipart/form-data",
                "text/plain",
                "application/x-www-form-urlencoded; charset=latin-1",
                "",
            ]
        ),
    ),
)
