"""The two baselines of benchmarks/aggregate.py, for the thanh-hoa-1829 set and default rules.

(a) ``hand_written``: one SQL statement as a person would write it for this one set, with the
    same fast conditional count (``COUNT(*) FILTER (WHERE …)``) the engine uses, so the ratio
    measures the engine's overhead, not a difference of SQL idiom.
(b) ``python_loop``: fetch every person row and count in Python.
Both return {(commune_id, village_id, code): (numerator, denominator, unknown)}.
"""

from collections import defaultdict

from sqlalchemy import select, text

from aggregation.populations import Cutoffs
from survey_app.households.models import Household, Person

WA = (
    "p.birth_date <= :c15 AND ((p.gioi_tinh = 'nam' AND p.birth_date > :rm)"
    " OR (p.gioi_tinh = 'nu' AND p.birth_date > :rf))"
)
POP = {"wa": WA, "15": "p.birth_date <= :c15", "ad": "p.birth_date <= :cad",
       "14": "p.birth_date <= :c14", "all": "1 = 1"}  # fmt: skip
# code, population, denominator filter, numerator (as SQL on p.)
PEOPLE = [
    ("3.1", "wa", None, "p.ky_nang_so"),
    ("3.2", "15", None, "p.tk_thanh_toan"),
    ("3.3", "ad", "p.dt_thong_minh = TRUE", "p.ptt_an_toan"),
    ("3.4", "ad", None, "p.dt_thong_minh"),
    ("3.5", "all", None, "p.ho_so_suc_khoe"),
    ("3.6", "ad", None, "p.kham_tu_xa"),
    ("3.9", "14", None, "p.vneid"),
    ("3.10", "ad", None, "p.chu_ky_so"),
    ("3.11", "ad", None, "p.dvc_truc_tuyen"),
]


def _person_sums() -> str:
    parts, dens = [], set()
    for code, pop, extra, item in PEOPLE:
        den = POP[pop] + (f" AND {extra}" if extra else "")
        key = code.replace(".", "_")
        yes = f"{item} IN ('muc_1', 'muc_2')" if item == "p.vneid" else f"{item} = TRUE"
        if (pop, extra) not in dens:  # each denominator summed once
            dens.add((pop, extra))
            parts.append(
                f"SUM(CASE WHEN {den} THEN 1 ELSE 0 END) AS d_{pop}{'_f' if extra else ''}"
            )
        parts.append(f"SUM(CASE WHEN {den} AND {yes} THEN 1 ELSE 0 END) AS n_{key}")
        parts.append(f"SUM(CASE WHEN {den} AND {item} IS NULL THEN 1 ELSE 0 END) AS u_{key}")
    return ",\n       ".join(parts)


HAND_SQL = f"""
SELECT pp.*, hh.d_hh, hh.n_3_12, hh.u_3_12
FROM (SELECT h.commune_id, h.village_id,
       {_person_sums()}
      FROM person p JOIN household h ON h.id = p.household_id
      WHERE p.cu_tru IN ('co_mat', 'tam_vang') AND p.birth_date <= :as_of {{filter}}
      GROUP BY h.commune_id, h.village_id) pp
LEFT JOIN (SELECT h.commune_id, h.village_id, COUNT(*) AS d_hh,
       COUNT(*) FILTER (WHERE h.dien_khong_tien_mat = TRUE) AS n_3_12,
       COUNT(*) FILTER (WHERE h.dien_khong_tien_mat IS NULL) AS u_3_12
      FROM household h
      WHERE EXISTS (SELECT 1 FROM person p WHERE p.household_id = h.id
                    AND p.cu_tru IN ('co_mat', 'tam_vang') AND p.birth_date <= :as_of) {{filter}}
      GROUP BY h.commune_id, h.village_id) hh
  ON hh.commune_id = pp.commune_id AND hh.village_id = pp.village_id
"""


def hand_written(session, cut: Cutoffs, commune_id: int | None) -> dict:
    """(a) One hand-written statement for the whole set; ``commune_id=None`` = every commune."""
    sql = HAND_SQL.replace("{filter}", "AND h.commune_id = :cid" if commune_id else "")
    sqlite = session.get_bind().dialect.name == "sqlite"
    dates = {"as_of": cut.as_of, "c15": cut.age15, "c14": cut.age14, "cad": cut.adult,
             "rm": cut.retired["nam"], "rf": cut.retired["nu"]}  # fmt: skip
    params = {k: v.isoformat() if sqlite else v for k, v in dates.items()} | {"cid": commune_id}
    if not sqlite:  # the same session setting as the engine (aggregation/counting.py, _no_jit)
        session.execute(text("SET LOCAL jit = off"))
    out = {}
    for row in session.execute(text(sql), params).mappings():
        place = (row["commune_id"], row["village_id"])
        for code, pop, extra, _item in PEOPLE:
            key = code.replace(".", "_")
            den = row[f"d_{pop}{'_f' if extra else ''}"]
            if den:
                out[(*place, code)] = (row[f"n_{key}"], den, row[f"u_{key}"])
        if row["d_hh"]:
            out[(*place, "3.12")] = (row["n_3_12"], row["d_hh"], row["u_3_12"])
    return out


ITEMS = ("dt_thong_minh", "ptt_an_toan", "tk_thanh_toan", "vneid", "chu_ky_so", "ky_nang_so",
         "dvc_truc_tuyen", "ho_so_suc_khoe", "kham_tu_xa")  # fmt: skip


def _in_population(population: str, born, sex, cut: Cutoffs) -> bool:
    if population == "all_people":
        return True
    if population == "age14plus":
        return born <= cut.age14
    if population == "age15plus":
        return born <= cut.age15
    if population == "adults":
        return born <= cut.adult
    return born <= cut.age15 and born > cut.retired[sex]


def _answer(cond, value):
    if value is None:
        return None
    return value in cond.values if cond.values else value is True


def python_loop(session, criteria, cut: Cutoffs, commune_id: int | None) -> dict:
    """(b) Fetch every person of the commune(s) and count in a Python loop."""
    cols = [getattr(Person, name) for name in ITEMS]
    stmt = select(
        Household.commune_id, Household.village_id, Household.id, Household.dien_khong_tien_mat,
        Person.birth_date, Person.gioi_tinh, Person.cu_tru, *cols,
    ).join(Household, Household.id == Person.household_id)  # fmt: skip
    if commune_id:
        stmt = stmt.where(Household.commune_id == commune_id)
    people = [i for i in criteria.indicators if i.unit_kind == "person"]
    counts = defaultdict(lambda: [0, 0, 0])
    households = {}
    for row in session.execute(stmt):
        if row.cu_tru not in cut.states or row.birth_date > cut.as_of:
            continue
        households[row.id] = (row.commune_id, row.village_id, row.dien_khong_tien_mat)
        for ind in people:
            if not _in_population(ind.population, row.birth_date, row.gioi_tinh, cut):
                continue
            flt = ind.denominator_filter
            if flt and _answer(flt, getattr(row, flt.field)) is not True:
                continue
            tally = counts[(row.commune_id, row.village_id, ind.code)]
            value = _answer(ind.numerator, getattr(row, ind.numerator.field))
            tally[0] += value is True
            tally[1] += 1
            tally[2] += value is None
    for commune, village, paid in households.values():
        tally = counts[(commune, village, "3.12")]
        tally[0] += paid is True
        tally[1] += 1
        tally[2] += paid is None
    return {key: tuple(value) for key, value in counts.items()}
