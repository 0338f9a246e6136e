"""Acceptance: the phone's rules and the server's rules agree.

The same generated values (hypothesis) are checked by both sides, and both must refuse the same
fields with the same Vietnamese messages:

- server: the sync API's schema, ``household_forms.sync.load_change`` on a whole "create" change;
  its error paths ("data.members.0.ngay_sinh") are compared without the "data." prefix;
- phone: ``window.KhaosatRules.check(data, today, "create")`` evaluated in Chromium on a real
  household page, so rules.js runs on the very rules JSON the page carries.

Both sides get the same fixed ``today`` (the server's ``vn_today`` is patched; the phone gets it as
an argument), so the future-date rules are compared too.

Only the paths rules.js checks are compared: the text fields (ma_ho, chu_ho, dia_chi, and each
member's ho_ten and quan_he), so_dien_thoai, ngay_sinh and a missing gioi_tinh ("" or null). The
rest of the payload is always well formed (consent true, valid choices), because the schema's
other checks (types, unknown keys, choices, member count, envelope) are the server's alone: the
phone builds that part from its own radio buttons and never sends anything else.

Hypothesis draws batches of whole households, and each batch is evaluated in one
``page.evaluate`` call to keep the browser round trips few (about 400 households per run).
"""

import json
import uuid
from datetime import date

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from household_forms import rules, sync
from tests import builders
from tests.browser.conftest import login, screenshot, wait_until
from tests.browser.test_offline import open_phone, sign_in_and_prepare, world_with_three

__all__ = ["open_phone"]  # the persistent phone profile fixture of test_offline.py

TODAY = date(2026, 6, 15)
COMPARED = ("ma_ho", "chu_ho", "dia_chi", "so_dien_thoai")
MEMBER_COMPARED = ("ho_ten", "ngay_sinh", "gioi_tinh", "quan_he")

# Characters that trip checks: odd spaces (both sides squeeze them), controls, zero-widths, BOM,
# the C1 range, characters outside the BMP (two UTF-16 units in JavaScript), combining marks.
ODD = (
    "\t\n\r\v\f\x00\x07\x1b\x1c\x1f\x7f\x85\x9f\u00a0\u1680\u2000\u200a\u200b\u200d\u200e"
    "\u2028\u2029\u202a\u202f\u205f\u2060\u3000\ufeff\ufff0\uffff\U0001f600\U00010000\u0301"
)
odd_char = st.sampled_from(ODD)
vn_word = st.sampled_from(["Nguyễn", "Thị", "Văn", "Lê", "Bình", "Hạnh", "Đỗ", "Xóm 3", "HK-01"])


@st.composite
def texts(draw, limit: int):
    """Names and codes as people type them: good, spaced oddly, with bad characters, too long."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return " ".join(draw(st.lists(vn_word, min_size=0, max_size=4)))
    if kind == 1:  # words joined by odd spaces or bad characters
        words = draw(st.lists(vn_word, min_size=1, max_size=4))
        return "".join(w + draw(odd_char) for w in words)
    if kind == 2:  # right at, or just over, the limit (spaces at the ends do not count)
        size = draw(st.integers(limit - 2, limit + 2))
        return draw(st.sampled_from(["", "  "])) + "a" * size + draw(st.sampled_from(["", " \t"]))
    if kind == 3:  # long runs of astral characters: one code point each on both sides
        return "\U0001f600" * draw(st.integers(limit - 1, limit + 1))
    if kind == 4:
        return draw(st.sampled_from(["", " ", "\u00a0\u3000", "\t\n"]))
    return draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=limit + 5))


@st.composite
def births(draw):
    """Years, full dates in every spelling, impossible and future dates, two-digit years..."""
    y = draw(st.sampled_from([0, 999, 1899, 1900, 1958, 2000, 2024, 2026, 2027, 9999]))
    m = draw(st.sampled_from([0, 1, 2, 6, 7, 12, 13]))
    d = draw(st.sampled_from([0, 1, 15, 16, 28, 29, 30, 31, 32]))
    sep = draw(st.sampled_from(["/", ".", "-", " ", "  ", " / ", "\u00a0", "\t", ""]))
    shapes = [
        f"{y:04d}",
        f"{d}{sep}{m}{sep}{y:04d}",
        f"{d:02d}{sep}{m:02d}{sep}{y:04d}",
        f"{d:02d}{m:02d}{y:04d}",
        f"{y:04d}-{m}-{d}",
        f"{y:04d}-{m:02d}-{d:02d}",
        f"{d}/{m}/{y % 100:02d}",  # two-digit year
        f"{d:02d}{m:02d}{y % 100:02d}",
        f"{y}",
        "1958\u0663",
        "\u0661\u0669\u0665\u0668",  # Arabic-Indic digits
        "١٥/٠٣/١٩٥٨",
        "",
        " ",
        "năm 1958",
        "15/6/2026",
        "16/6/2026",
        "2026-06-15",
        "2026-06-16",
    ]
    text = draw(st.sampled_from(shapes))
    return draw(st.sampled_from(["", " ", "\u3000"])) + text + draw(st.sampled_from(["", " "]))


@st.composite
def phones(draw):
    digits = draw(st.text("0123456789", min_size=7, max_size=14))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return digits
    if kind == 1:  # with separators a person types or a spreadsheet adds
        sep = draw(st.sampled_from([" ", ".", "-", "(", ")", "\u00a0", "\t", "\x1c", "\x85"]))
        return sep.join([digits[:4], digits[4:7], digits[7:]])
    if kind == 2:
        return "+84" + digits[:9]
    if kind == 3:
        return draw(
            st.sampled_from(["", "0912 345 678", "912345678", "09123456", "+", "٠٩١٢٣٤٥٦٧٨"])
        )
    return draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=15))


good_text = st.lists(vn_word, min_size=1, max_size=3).map(" ".join)
good_birth = st.sampled_from(
    ["1958", "05/03/1958", "5 3 1958", "05031958", "1958-03-05", "15/6/2026"]
)
good_phone = st.sampled_from([None, "", "0912345678", "0912 345 678", "912345678", "+84912345678"])


@st.composite
def households(draw):
    """A household with every field drawn wild, or a good one with one wild field."""
    wild = {
        "ma_ho": texts(rules.MAX_LENGTH["ma_ho"]),
        "chu_ho": texts(rules.MAX_LENGTH["chu_ho"]),
        "dia_chi": texts(rules.MAX_LENGTH["dia_chi"]),
        "so_dien_thoai": st.one_of(st.none(), phones()),
        "ho_ten": texts(rules.MAX_LENGTH["ho_ten"]),
        "ngay_sinh": births(),
        "gioi_tinh": st.sampled_from(["nam", "nu", "", None]),
        "quan_he": texts(rules.MAX_LENGTH["quan_he"]),  # the phone sends "" for none
    }
    good = {
        "ma_ho": good_text,
        "chu_ho": good_text,
        "dia_chi": good_text,
        "so_dien_thoai": good_phone,
        "ho_ten": good_text,
        "ngay_sinh": good_birth,
        "gioi_tinh": st.sampled_from(["nam", "nu"]),
        "quan_he": st.sampled_from(["", "Chủ hộ", "Con"]),
    }
    odd_one = draw(st.sampled_from([*wild, "all", "none"]))

    def value(key):
        return draw(wild[key] if odd_one in (key, "all") else good[key])

    data = {"consent": True, **{k: value(k) for k in COMPARED}}
    data["members"] = [
        {k: value(k) for k in MEMBER_COMPARED} for _ in range(draw(st.integers(1, 3)))
    ]
    return data


def server_errors(data: dict, monkeypatch) -> dict[str, list[str]]:
    monkeypatch.setattr(sync, "vn_today", lambda: TODAY)
    change = {
        "change_id": str(uuid.uuid4()),
        "kind": "create",
        "village": "v" * 22,
        "data": data,
    }
    _, errors = sync.load_change(change)
    return {path.removeprefix("data."): messages for path, messages in errors.items()}


def compared(errors: dict) -> dict:
    def keep(path: str) -> bool:
        parts = path.split(".")
        if parts[0] == "members" and len(parts) == 3:
            return parts[2] in MEMBER_COMPARED
        return path in COMPARED

    return {path: messages for path, messages in errors.items() if keep(path)}


@pytest.fixture
def household_page(page, base_url, live_app):
    world = builders.World.create()
    from survey_app.extensions import db

    db.session.commit()
    login(page, base_url, "tnv1", builders.PASSWORD)
    page.goto(f"{base_url}/ho/{world.hh1.token}")
    wait_until(page, "window.KhaosatRules && window.KhaosatRules.rules()")
    return page


CHECK_ALL = """([batch, today]) =>
  batch.map(data => window.KhaosatRules.check(JSON.parse(data), today, "create"))"""


def test_phone_and_server_refuse_the_same_values_with_the_same_words(household_page, monkeypatch):
    seen = {"households": 0, "refused": 0, "paths": set()}
    disagree = []

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # shrinking a batch of 50 takes minutes: report them all instead
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large],
    )  # fmt: skip
    @given(st.lists(households(), min_size=50, max_size=50))
    def agree(batch):
        # JSON on both sides: exactly what a phone would send.
        payloads = [json.dumps(data, ensure_ascii=False) for data in batch]
        phone = household_page.evaluate(CHECK_ALL, [payloads, TODAY.isoformat()])
        for text, on_phone in zip(payloads, phone, strict=True):
            data = json.loads(text)
            on_server = compared(server_errors(data, monkeypatch))
            on_phone = compared(on_phone)
            if on_phone != on_server:
                disagree.append((json.dumps(data, ensure_ascii=True), on_phone, on_server))
            seen["households"] += 1
            seen["refused"] += bool(on_server)
            seen["paths"] |= {p.split(".")[-1] for p in on_server}

    agree()
    assert not disagree, "\n".join(f"{d}\n  phone:  {p}\n  server: {s}" for d, p, s in disagree[:5])
    print(f"\nrules agree on {seen['households']} households, {seen['refused']} refused")
    assert seen["refused"] > 50 and seen["households"] - seen["refused"] > 10
    assert {"ma_ho", "chu_ho", "so_dien_thoai", "ho_ten", "ngay_sinh", "gioi_tinh"} <= seen["paths"]


def test_known_values_give_the_servers_messages_on_the_phone(household_page, monkeypatch):
    """A few hand-picked cases, so a regression reads plainly."""
    cases = {
        "31/02/1990": "Không có ngày 31/02/1990. Hãy kiểm tra lại ngày và tháng.",
        "16 06 2026": "Ngày sinh 16/06/2026 chưa tới (hôm nay là 15/06/2026). Hãy kiểm tra lại.",
        "0000": "Năm sinh phải từ 1900 trở về sau.",
        "5/3/58": rules.BIRTH_MESSAGES["format"],
    }
    for born, message in cases.items():
        data = {"consent": True, "ma_ho": "HK-9", "chu_ho": "Lê Văn Bình", "members": [
            {"ho_ten": "Lê Văn Bình", "ngay_sinh": born, "gioi_tinh": "nam"}]}  # fmt: skip
        expected = {"members.0.ngay_sinh": [message]}
        assert compared(server_errors(data, monkeypatch)) == expected
        phone = household_page.evaluate(CHECK_ALL, [[json.dumps(data)], TODAY.isoformat()])[0]
        assert phone == expected


def test_impossible_date_typed_offline_is_refused_beside_the_field_and_not_queued(
    open_phone, base_url, live_app
):
    _, households_ = world_with_three()
    context, page = open_phone()
    sign_in_and_prepare(page, base_url)
    page.goto(f"{base_url}/ho/{households_[0].token}")  # once online: the page is cached
    page.wait_for_selector("#rules-json", state="attached")

    context.set_offline(True)
    page.goto(f"{base_url}/ho/{households_[0].token}")
    page.check("#consent")
    page.evaluate("document.querySelector('details#m-0').open = true")
    page.fill("#m-0-ngay_sinh", "31/02/1990")
    page.click(".savebar button[type=submit]")

    message = "Không có ngày 31/02/1990. Hãy kiểm tra lại ngày và tháng."
    error = page.locator("#m-0-ngay_sinh ~ p.error, #m-0-ngay_sinh-err").first
    error.wait_for()
    assert error.inner_text() == message
    field = page.locator("#m-0-ngay_sinh")
    assert field.get_attribute("aria-invalid") == "true"
    # The server says the same about the same value.
    with pytest.raises(rules.RuleError, match="Không có ngày 31/02/1990"):
        rules.parse_birth("31/02/1990", TODAY)
    assert "/ho/" in page.url  # still on the page: nothing was saved
    screenshot(page, "rules-offline-impossible-date")
    queued = page.evaluate(
        """() => new Promise((done, fail) => {
          const open = indexedDB.open("khaosat-offline");
          open.onerror = () => fail(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains("changes")) return done(-1);
            const req = db.transaction("changes").objectStore("changes").count();
            req.onsuccess = () => done(req.result);
          };
        })"""
    )
    assert queued == 0
    assert page.inner_text("#sync-count").startswith("Đã gửi hết")  # the quiet line: nothing waits
