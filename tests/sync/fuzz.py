"""Strategies for the push fuzz test: valid changes, changes broken on purpose, random JSON.

Every broken change is broken for sure (a wrong type, a bad date, an unknown key, a foreign token
...), so the test can demand that it writes nothing, while the valid ones must apply exactly.
"""

import secrets
import uuid
from datetime import date

from hypothesis import strategies as st

from household_forms.household import birth_text
from survey_app.households.vocabulary import CU_TRU, PERSON_YESNO, VNEID

TRI = st.sampled_from([True, False, None])
LETTERS = st.characters(categories=("L", "N"), max_codepoint=0x2FFF)
WORDS = st.text(LETTERS, min_size=1, max_size=12)
TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
TOKENS = st.text(TOKEN_CHARS, min_size=16, max_size=32)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
NOT_STRING = JSON.filter(lambda v: not isinstance(v, str) and v is not None)
NOT_TRI = JSON.filter(lambda v: v is not None and not isinstance(v, bool))
BAD_TEXT = st.one_of(
    NOT_STRING,
    st.integers(300, 6000).map(lambda n: "x" * n),  # longer than any column
    st.sampled_from(["ab\x00cd", "a\ud800b", "tab\x07bell", "\u200bzero-width"]),
)
BAD_BIRTH = st.sampled_from(
    [
        "31/02/1990",
        "1899",
        "2999",
        "13/13/2000",
        "00/01/2000",
        "abc",
        "",
        "   ",
        "5/3",
    ]
)
BAD_INT = st.one_of(
    st.sampled_from(["1", 1.5, True, False, 0, -1, 2**40, None, [], {}]), st.text(max_size=5)
)
BAD_UUID = st.one_of(
    st.sampled_from(["", "abc", "123e4567e89b12d3a456426614174000", "g" * 36]), NOT_STRING
)
BAD_TOKEN = st.one_of(st.sampled_from(["short", "x" * 40, "bad token with spaces!"]), NOT_STRING)
BAD_GENDER = st.text(max_size=5).filter(lambda v: v not in ("nam", "nu")) | NOT_STRING


def new_change_id() -> str:
    # Not drawn by hypothesis on purpose: a re-run example must not look like a replay.
    return str(uuid.uuid4())


def new_token() -> str:
    return secrets.token_urlsafe(16)


BIRTH = st.integers(1900, 2024).map(str) | st.dates(date(1900, 1, 1), date(2024, 12, 31)).map(
    lambda born: birth_text(born, False)
)
MEMBER = st.fixed_dictionaries(
    {
        "token": TOKENS,
        "ho_ten": WORDS,
        "ngay_sinh": BIRTH,
        "gioi_tinh": st.sampled_from(["nam", "nu"]),
        "cu_tru": st.sampled_from(list(CU_TRU)),
        "vneid": st.sampled_from([*VNEID, None]),
    },
    optional={key: TRI for key in PERSON_YESNO},
)


def new_member():
    """A valid member as the phone sends it, with a drawn token (the test replaces it)."""
    return MEMBER


HOUSEHOLD_FIELDS = st.fixed_dictionaries(
    {"consent": st.just(True)},
    optional={
        "dia_chi": WORDS,
        "chu_ho": WORDS,
        "so_dien_thoai": st.sampled_from(["0912 345 678", "0987.654.321", None, ""]),
        "cap_quang": TRI,
    },
)


def household_fields():
    return HOUSEHOLD_FIELDS


# ---- Ways to break a change for sure. Each takes (draw, change, ctx) and edits ``change``. ----


def _set_data(key, strategy):
    def mutate(draw, change, ctx):
        change["data"][key] = draw(strategy)

    return mutate


def _set_top(key, strategy):
    def mutate(draw, change, ctx):
        change[key] = draw(strategy)

    return mutate


def _drop(key):
    def mutate(draw, change, ctx):
        change.pop(key, None)

    return mutate


def _member_edit(key, strategy):
    def mutate(draw, change, ctx):
        members = change["data"].setdefault("members", [draw(new_member())])
        members[0][key] = draw(strategy)

    return mutate


def _members(strategy):
    def mutate(draw, change, ctx):
        change["data"]["members"] = draw(strategy)

    return mutate


def _unknown(draw, change, ctx):
    where = draw(st.sampled_from(["top", "data", "member"]))
    target = {"top": change, "data": change["data"]}.get(where)
    if target is None:
        target = change["data"].setdefault("members", [draw(new_member())])[0]
    target["zz_" + draw(st.text(TOKEN_CHARS, max_size=6))] = draw(JSON)


def _duplicate_member_tokens(draw, change, ctx):
    first, second = draw(new_member()), draw(new_member())
    second["token"] = first["token"]
    change["data"]["members"] = [first, second]


def _foreign_member_token(draw, change, ctx):
    person = draw(new_member()) | {"token": ctx["foreign_member"]}
    change["data"]["members"] = [person]


def _taken_ma_ho(draw, change, ctx):
    change["data"]["ma_ho"] = draw(st.sampled_from(["HK-002", "hk-002", "  Hk-002 "]))


COMMON = [
    _drop("change_id"),
    _set_top("change_id", BAD_UUID),
    _set_top("kind", st.sampled_from(["delete", "", "CREATE"]) | NOT_STRING),
    _drop("data"),
    _set_top("data", NOT_STRING.filter(lambda v: not isinstance(v, dict))),
    _unknown,
    _set_data("dia_chi", BAD_TEXT),
    _set_data("chu_ho", BAD_TEXT),
    _set_data("ma_ho", BAD_TEXT),
    _set_data("cap_quang", NOT_TRI),
    _set_data("so_dien_thoai", st.sampled_from(["12", "abcdefghij", "+84 12"]) | NOT_STRING),
    _set_data("consent", NOT_TRI),
    _members(st.just([]) | NOT_STRING.filter(lambda v: not isinstance(v, list))),
    _members(st.lists(new_member(), min_size=51, max_size=51)),
    _member_edit("ngay_sinh", BAD_BIRTH),
    _member_edit("gioi_tinh", BAD_GENDER),
    _member_edit("ho_ten", BAD_TEXT | st.just("   ")),
    _member_edit("token", BAD_TOKEN),
    _member_edit("vneid", st.sampled_from(["muc_3", "", "Mức 1"])),
    _member_edit("dt_thong_minh", NOT_TRI),
    _duplicate_member_tokens,
    _foreign_member_token,
    _taken_ma_ho,
]
FOR_UPDATE = [
    _drop("household"),
    _drop("base_version"),
    _set_top("base_version", BAD_INT),
    _set_top("household", BAD_TOKEN),
    _set_top("village", TOKENS),
    lambda draw, change, ctx: change.update(
        household=draw(st.sampled_from(ctx["foreign_households"]))
    ),
    lambda draw, change, ctx: change.update(household=draw(TOKENS)),  # nobody's
]
FOR_CREATE = [
    _drop("village"),
    _set_top("base_version", st.integers(1, 5)),
    _set_top("village", BAD_TOKEN),
    lambda draw, change, ctx: change.update(village=draw(st.sampled_from(ctx["foreign_villages"]))),
    lambda draw, change, ctx: change.update(household=ctx["taken_household"]),
    _set_data("consent", st.just(False)),
    lambda draw, change, ctx: change["data"].pop(
        draw(st.sampled_from(["ma_ho", "chu_ho", "members"]))
    ),
]
