"""Benchmark of a volunteer's visit: taps, keystrokes and scrolls to survey one household.

A reference household (4 imported members: two adults with smartphones, a woman of 70 without
one, a child of 8) is surveyed to the end on today's page (commit 5501890: members as <details>
rows, every item inside each) and on the new one (the current tree: item cards with "Cả hộ"
buttons, only the items that apply), with the same reference answers, in one run. Each page gets
its own server (its own tree, its own SQLite database, filled by the real CLI: `db upgrade`,
`import-households`, `create-user`) and is driven in Debian's Chromium at 360×740 like a phone.

Counted: taps = every click/tap the person makes after signing in (opening the household from the
list included); keystrokes = characters typed; scrolls = each time the next target was not fully
inside the viewport (or hidden under the sticky bars) and had to be scrolled to. Then the SQLite
database is read back: consent given, every item that applies (today's page: every item it
offers) answered for every member, the household items answered, and on the new page the list
shows "Đã khảo sát".

    .venv/bin/python benchmarks/survey_taps.py      # prints a Markdown table (docs/benchmarks.md)

    .venv/bin/python benchmarks/survey_taps.py --new-tree DIR   # the new page from another tree

Screenshots of the new page go to test-artifacts/survey-taps-*.png.
"""

import argparse
import csv
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OLD_COMMIT = "5501890"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
PROVINCE, COMMUNE, VILLAGE = "Thanh Hóa", "Hoàng Kim", "Thôn Đông"
USER, PASSWORD = "tnv_bench", "mat-khau-bench-1"
MA_HO = "HK-BENCH-01"

sys.path.insert(0, str(ROOT))
from survey_app.households.status import ITEM_ORDER as PERSON_ITEMS  # noqa: E402
from survey_app.households.status import household_items  # noqa: E402

# A household that is not a business is asked these (status.household_items).
HOUSEHOLD_ITEMS = household_items({"ho_kinh_doanh": False})
Y, N = "1", "0"


def _born(age: int, month: int, day: int) -> str:
    return f"{day:02d}/{month:02d}/{date.today().year - age}"


# The reference household, as the commune's register has it (answers blank)...
MEMBERS = (
    ("Trần Văn Bình", _born(46, 3, 12), "Nam", "Chủ hộ"),
    ("Lê Thị Hạnh", _born(43, 8, 25), "Nữ", "Vợ"),
    ("Nguyễn Thị Tám", _born(70, 2, 2), "Nữ", "Mẹ"),
    ("Trần Minh Khôi", _born(8, 5, 20), "Nam", "Con"),
)
# ...and what the volunteer hears at the door: one answer per member and item, the same for both
# pages (the new page only asks the items that apply; today's page asks them all).
ANSWERS = {
    "dt_thong_minh": (Y, Y, N, N),
    "ptt_an_toan": (Y, N, N, N),
    "tk_thanh_toan": (Y, Y, N, N),
    "chu_ky_so": (N, N, N, N),
    "ky_nang_so": (Y, N, N, N),
    "dvc_truc_tuyen": (Y, Y, N, N),
    "ho_so_suc_khoe": (Y, Y, Y, Y),
    "kham_tu_xa": (N, N, N, N),
    "vneid": ("muc_2", "muc_2", "muc_1", "khong"),
}
HOUSEHOLD_ANSWERS = {"cap_quang": Y, "dien_khong_tien_mat": Y, "dia_chi_so": N, "ho_kinh_doanh": N}


@dataclass
class Counter:
    taps: int = 0
    keys: int = 0
    scrolls: int = 0
    where: list = field(default_factory=list)  # (what, taps)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_csv(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            ["Thôn", "Mã hộ", "Chủ hộ", "Địa chỉ", "Họ và tên", "Ngày sinh", "Giới tính",
             "Quan hệ với chủ hộ"]
        )  # fmt: skip
        for name, born, sex, relation in MEMBERS:
            out.writerow([VILLAGE, MA_HO, MEMBERS[0][0], "Xóm 3", name, born, sex, relation])


class Server:
    """One tree's app: migrated, imported and served by `flask run` on a free port."""

    def __init__(self, name: str, tree: Path, tmp: Path):
        self.name, self.tree, self.db = name, tree, tmp / f"{name}.db"
        self.env = {
            **os.environ,
            "PYTHONPATH": str(tree),
            "DATABASE_URL": f"sqlite:///{self.db}",
            "SECRET_KEY": "bench-" + name,
            "FLASK_DEBUG": "0",
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.csv = tmp / f"{name}.csv"

    def flask(self, *args, stdin: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "survey_app", *args],
            cwd=self.tree, env=self.env, input=stdin, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode:
            raise SystemExit(f"[{self.name}] flask {' '.join(args)} failed:\n{done.stderr}")
        return done.stdout

    def prepare(self) -> None:
        check = [sys.executable, "-c", "import survey_app; print(survey_app.__file__)"]
        where = subprocess.run(check, cwd=self.tree, env=self.env, capture_output=True, text=True)
        if not where.stdout.strip().startswith(str(self.tree)):
            raise SystemExit(f"[{self.name}] survey_app is not loaded from {self.tree}: {where}")
        self.flask("db", "upgrade")
        write_csv(self.csv)
        self.flask("import-households", str(self.csv), "--province", PROVINCE, "--commune", COMMUNE)
        self.flask(
            "create-user", USER, "--role", "volunteer", "--commune", COMMUNE, "--village", VILLAGE,
            stdin=PASSWORD + "\n",
        )  # fmt: skip

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "survey_app", "run", "--port", str(self.port)],
            cwd=self.tree, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"[{self.name}] the server did not start")

    def stop(self) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)


# Is the element fully inside the viewport and not under a sticky/fixed bar at its centre?
IN_VIEW = """el => {
  const r = el.getBoundingClientRect();
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && (el === hit || el.contains(hit) || hit.contains(el));
}"""
# Wait until the page stops scrolling by itself (the new page scrolls to the next card).
SETTLE = """() => new Promise(done => {
  let last = -1, calm = 0;
  const tick = () => {
    if (scrollY === last) { if (++calm >= 4) return done(); } else { calm = 0; last = scrollY; }
    setTimeout(tick, 50);
  };
  tick();
})"""


def tap(page, counter: Counter, selector: str, what: str, navigates: bool = False) -> None:
    target = page.locator(selector).first
    target.wait_for(state="visible")
    if not target.evaluate(IN_VIEW):
        counter.scrolls += 1
        target.scroll_into_view_if_needed()
        if not target.evaluate(IN_VIEW):  # under the sticky save bar: bring it to the middle
            target.evaluate("el => el.scrollIntoView({block: 'center'})")
    target.tap()
    counter.taps += 1
    if counter.where and counter.where[-1][0] == what:
        counter.where[-1] = (what, counter.where[-1][1] + 1)
    else:
        counter.where.append((what, 1))
    if not navigates:
        page.evaluate(SETTLE)


def radio(name: str, value: str) -> str:
    return f'label:has(> input[type=radio][name="{name}"][value="{value}"])'


def sign_in_and_open(page, server: Server, counter: Counter) -> None:
    page.goto(server.url + "/dang-nhap")
    page.fill("#username", USER)  # signing in is not counted
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/thon/" not in page.url or page.url.rstrip("/").endswith("/thon"):
        page.goto(server.url + "/thon/")
        link = page.locator(f"a:has-text('{VILLAGE}')")
        if link.count():
            link.first.click()
    page.wait_for_selector(f"text={MEMBERS[0][0]}")
    tap(page, counter, f"a:has-text('{MEMBERS[0][0]}')", "mở hộ từ danh sách", navigates=True)
    page.wait_for_selector("form#hh")


def household_part(page, counter: Counter) -> None:
    if not page.is_checked("#consent"):
        tap(page, counter, "label[for=consent]", "đồng ý")
    for key in HOUSEHOLD_ITEMS:
        tap(page, counter, radio(key, HOUSEHOLD_ANSWERS[key]), "câu hỏi của hộ")


def save(page, counter: Counter) -> None:
    tap(page, counter, ".savebar button[type=submit]", "Lưu", navigates=True)
    page.wait_for_url(lambda url: "/ho/" not in url, timeout=20_000)
    page.wait_for_load_state()


def survey_old(page, server: Server) -> Counter:
    counter = Counter()
    sign_in_and_open(page, server, counter)
    household_part(page, counter)
    for i in range(len(MEMBERS)):
        if not page.locator(f"details#m-{i}").evaluate("d => d.open"):
            tap(page, counter, f"details#m-{i} > summary", "mở từng thành viên")
        for key in PERSON_ITEMS:
            tap(page, counter, radio(f"m-{i}-{key}", ANSWERS[key][i]), f"câu hỏi của {i + 1}")
    save(page, counter)
    return counter


def survey_new(page, server: Server) -> Counter:
    counter = Counter()
    sign_in_and_open(page, server, counter)
    page.wait_for_timeout(300)
    shot(page, "survey-taps-1-open")
    household_part(page, counter)
    for key in PERSON_ITEMS:
        card = f"fieldset.item[data-item={key}]"
        shown = [  # the rows' ids are "m-<i>-<item>"
            int(row_id.split("-")[1])
            for row_id in page.eval_on_selector_all(
                f"{card} fieldset.irow:not([hidden])", "rows => rows.map(r => r.id)"
            )
        ]
        if not shown:
            continue
        wanted = {i: ANSWERS[key][i] for i in shown}
        common = max(set(wanted.values()), key=list(wanted.values()).count)
        fixes = [i for i in shown if wanted[i] != common]
        # "Cả hộ" when it saves a tap: one tap for everyone, then one per person who differs.
        if len(shown) >= 2 and 1 + len(fixes) < len(shown):
            tap(page, counter, f"{card} button[data-all='{common}']", f"{key}: Cả hộ")
        else:
            fixes = shown
        for i in fixes:
            tap(page, counter, f"{card} {radio(f'm-{i}-{key}', wanted[i])}", f"{key}: từng người")
        if key == "dt_thong_minh":
            shot(page, "survey-taps-2-smartphone")
        if key == "vneid":
            shot(page, "survey-taps-3-vneid")
    shot(page, "survey-taps-4-before-save", full=True)
    save(page, counter)
    return counter


def shot(page, name: str, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def check_record(server: Server, new: bool) -> tuple[bool, list[str]]:
    """Consent, every item asked answered for each member, household items answered."""
    problems = []
    with sqlite3.connect(server.db) as con:
        con.row_factory = sqlite3.Row
        hh = con.execute("SELECT * FROM household WHERE ma_ho = ?", (MA_HO,)).fetchone()
        if not hh["consent_given"]:
            problems.append("no consent")
        problems += [f"household {k} null" for k in HOUSEHOLD_ITEMS if hh[k] is None]
        people = con.execute("SELECT * FROM person WHERE household_id = ?", (hh["id"],)).fetchall()
        if len(people) != len(MEMBERS):
            problems.append(f"{len(people)} members")
        for person in people:
            skipped = set((person["khong_ap_dung"] or "").split()) if new else set()
            for key in PERSON_ITEMS:
                if key not in skipped and person[key] is None:
                    problems.append(f"{person['ho_ten']}: {key} null")
    return not problems, problems


def listed_as_surveyed(page) -> bool:
    page.wait_for_selector(f"text={MEMBERS[0][0]}")
    row = page.locator(f"li:has-text('{MEMBERS[0][0]}')").first
    return "Đã khảo sát" in row.inner_text()


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new-tree", type=Path, default=ROOT, help="tree of the new page")
    new_tree = parser.parse_args().new_tree.resolve()

    with tempfile.TemporaryDirectory(prefix="survey-taps-") as tmp_name:
        tmp = Path(tmp_name)
        old_tree = tmp / "old"
        old_tree.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", OLD_COMMIT], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(old_tree)], input=archive.stdout, check=True)
        servers = {"today's page (5501890)": Server("old", old_tree, tmp)}
        servers["new page (item cards, Cả hộ)"] = Server("new", new_tree, tmp)
        results = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for label, server in servers.items():
                    server.prepare()
                    server.start()
                    context = browser.new_context(
                        viewport={"width": 360, "height": 740},
                        locale="vi-VN",
                        is_mobile=True,
                        has_touch=True,
                    )
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    try:
                        new = server.name == "new"
                        counter = survey_new(page, server) if new else survey_old(page, server)
                        complete, problems = check_record(server, new)
                        if new:
                            page.goto(page.url)  # the list, fresh from the server
                            if not listed_as_surveyed(page):
                                complete, problems = False, [*problems, "not 'Đã khảo sát'"]
                            shot(page, "survey-taps-5-list")
                        results.append((label, counter, complete, problems))
                    finally:
                        context.close()
                        server.stop()
            finally:
                browser.close()

    print("\n| page | taps | keystrokes | scrolls | complete |")
    print("|---|---:|---:|---:|---|")
    for label, c, complete, problems in results:
        status = "yes" if complete else "NO: " + "; ".join(problems)
        print(f"| {label} | {c.taps} | {c.keys} | {c.scrolls} | {status} |")
    for label, c, _, _ in results:
        print(f"\nWhere the taps go, {label}:")
        print(", ".join(f"{what} {n}" for what, n in c.where))
    new_counter = results[-1][1]
    if new_counter.taps > 30 or new_counter.keys > 10 or not all(r[2] for r in results):
        raise SystemExit("target missed: ≤ 30 taps, ≤ 10 keystrokes, complete record")


if __name__ == "__main__":
    main()
