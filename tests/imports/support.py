"""Import test helpers: a small realistic file as rows, CSV/XLSX writers, database dumps."""

import csv
import io
import re

from openpyxl import Workbook
from sqlalchemy import select

from household_forms.import_template import COLUMNS
from survey_app.extensions import db
from survey_app.households.models import Household, Person
from survey_app.places.models import Village

HEADERS = [column.header for column in COLUMNS]
# Columns by header; rows list only the cells they fill.
ROWS = [
    {
        "Thôn": "Thôn 1",
        "Mã hộ": "HK-101",
        "Chủ hộ": "Nguyễn Văn Hùng",
        "Địa chỉ": "Xóm Đông",
        "Số điện thoại": "0912345678",
        "Họ và tên": "Nguyễn Văn Hùng",
        "Ngày sinh": "12/03/1968",
        "Giới tính": "Nam",
        "Quan hệ với chủ hộ": "Chủ hộ",
        "Điện thoại thông minh": "Có",
        "Phần mềm an toàn thông tin": "Có",
        "Tài khoản thanh toán": "Có",
        "VNeID": "Mức 2",
        "Chữ ký số": "Không",
        "Kỹ năng số": "Có",
        "Internet cáp quang": "Có",
        "Tiền điện không dùng tiền mặt": "Có",
        "Hộ kinh doanh": "Không",
    },
    {
        "Thôn": "Thôn 1",
        "Mã hộ": "HK-101",
        "Họ và tên": "Lê Thị Mai",
        "Ngày sinh": "1970",
        "Giới tính": "Nữ",
        "Quan hệ với chủ hộ": "Vợ",
        "Tình trạng cư trú": "Tạm vắng",
        "Điện thoại thông minh": "Không",
        "VNeID": "Chưa kích hoạt",
    },
    {
        "Thôn": "Thôn 1",
        "Mã hộ": "HK-101",
        "Họ và tên": "Nguyễn Thị Lan",
        "Ngày sinh": "05/09/2012",
        "Giới tính": "Nữ",
        "Quan hệ với chủ hộ": "Con",
        "Hồ sơ sức khỏe điện tử": "Có",
    },
    {
        "Thôn": "Thôn 2",
        "Mã hộ": "HK-102",
        "Chủ hộ": "Trần Văn Tú",
        "Họ và tên": "Trần Văn Tú",
        "Ngày sinh": "1955",
        "Giới tính": "Nam",
        "Quan hệ với chủ hộ": "Chủ hộ",
        "Tình trạng cư trú": "Có mặt",
        "Hộ kinh doanh": "Có",
        "Chấp nhận thanh toán điện tử": "X",
        "Sàn thương mại điện tử": "0",
        "Địa chỉ số": "1",
        "Khám chữa bệnh từ xa": "yes",
    },
    {
        "Thôn": "Thôn Mới",
        "Mã hộ": "HK-103",
        "Họ và tên": "Phạm Thị Hoa",
        "Ngày sinh": "1/1/1990",
        "Giới tính": "nữ",
        "Dịch vụ công trực tuyến": "c",
        "Tình trạng cư trú": "Đã chuyển đi",
    },
]


def table(rows=ROWS, headers=HEADERS) -> list[list[str]]:
    """Header line then one line per row, in ``headers`` order."""
    return [list(headers)] + [[row.get(h, "") for h in headers] for row in rows]


def csv_bytes(rows=ROWS, headers=HEADERS, delimiter=",", bom=True) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(table(rows, headers))
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(lines: list[list]) -> bytes:
    workbook = Workbook()
    for line in lines:
        workbook.active.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def full_dump() -> dict[str, list[tuple]]:
    """Every row of every table, every column (ids, tokens and timestamps included)."""
    dump = {}
    for table_ in db.metadata.sorted_tables:
        stmt = select(table_).order_by(*table_.primary_key.columns)
        dump[table_.name] = [tuple(row) for row in db.session.execute(stmt)]
    return dump


SURROGATE = {"id", "token", "created_at", "updated_at", "household_id", "village_id", "commune_id"}
SURROGATE |= {"register_consent_at"}  # when the import vouched: a timestamp like the others


def natural_dump() -> dict[str, list]:
    """Villages, households and people keyed by names and Mã hộ, without ids/tokens/timestamps."""
    villages = sorted(db.session.scalars(select(Village.name)))
    households = [
        (name, _plain(h))
        for h, name in db.session.execute(
            select(Household, Village.name).join(Village).order_by(Household.ma_ho)
        )
    ]
    people = [
        (ma_ho, _plain(p))
        for p, ma_ho in db.session.execute(
            select(Person, Household.ma_ho)
            .join(Household)
            .order_by(Household.ma_ho, Person.position)
        )
    ]
    return {"villages": villages, "households": households, "people": people}


def _plain(record) -> dict:
    return {
        c.key: getattr(record, c.key) for c in record.__table__.columns if c.key not in SURROGATE
    }


WALK_IMPORT = "walk-import-job-token-000000001"


def walk_import_job(world) -> str:
    """Token of a finished import into xã Hoàng Kim, uploaded by the officer (made when missing:
    the access walk restores the database after each POST)."""
    from survey_app.imports.models import ImportJob
    from survey_app.jobs import DONE

    if db.session.scalar(select(ImportJob.id).where(ImportJob.token == WALK_IMPORT)) is None:
        result = {"summary": None, "errors": [], "error_count": 0, "warnings": []}
        result["file_error"] = "Tệp trống."
        job = ImportJob(
            token=WALK_IMPORT,
            user_id=world.officer.id,
            commune_id=world.commune.id,
            file_name="ho.csv",
            status=DONE,
            result=result,
        )
        db.session.add(job)
        db.session.commit()
    return WALK_IMPORT


IMPORT_URL = "/quan-ly/nhap-du-lieu/"


def upload(client, data: bytes, name="ho.csv", **fields):
    """Post a file on the import page (consent ticked) and follow to what it shows: the preview,
    the bad cells, or the upload form again with its errors."""
    files = {"file": (io.BytesIO(data), name), "consent": "y", **fields}
    return client.post(
        IMPORT_URL, data=files, content_type="multipart/form-data", follow_redirects=True
    )


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def confirm(client, preview):
    """Press "Xác nhận nhập" on a preview page (a followed response); follow to the outcome."""
    page = preview.get_data(as_text=True)
    action = re.search(r'action="([^"]+/xac-nhan)"', page).group(1)
    data = {"digest": hidden(page, "digest")}
    if 'name="csrf_token"' in page:
        data["csrf_token"] = hidden(page, "csrf_token")
    return client.post(action, data=data, follow_redirects=True)


def import_on_page(client, data: bytes, name="ho.csv", **fields):
    """Upload, then confirm the preview: the page after the import."""
    preview = upload(client, data, name, **fields)
    assert "Xem trước: chưa nhập gì." in preview.get_data(as_text=True), preview.get_data(
        as_text=True
    )
    return confirm(client, preview)


def walk_import_marked(world) -> str:
    """The walk's import job, with the marked copy of its file waiting to be downloaded."""
    from survey_app.imports import jobs
    from survey_app.imports.models import ImportJob
    from survey_app.jobs import files_dir

    token = walk_import_job(world)
    job = db.session.scalars(select(ImportJob).where(ImportJob.token == token)).one()
    path = jobs.errors_path(files_dir("imports"), job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")
    return token


WALK_OPERATION = "walkoperation0000000000000000001"


def walk_operation(world) -> str:
    """Token of an import operation of xã Hoàng Kim (made when missing), for its undo page."""
    from survey_app.operations.models import Operation

    if db.session.scalar(select(Operation.id).where(Operation.token == WALK_OPERATION)) is None:
        db.session.add(
            Operation(
                token=WALK_OPERATION, kind="import", commune_id=world.commune.id,
                user_id=world.officer.id, source="import", label="ho.csv",
            )
        )  # fmt: skip
        db.session.commit()
    return WALK_OPERATION
