"""The village notice board: a public, read-only page of a village's ratios and Đạt / Không đạt.

Nothing on it names anyone: no names, addresses, phone numbers or household data, and no counts
at all — only percentages, and only for an indicator whose population in the village is at least
MIN_GROUP people or households (below that a percentage could point at a person). The commune
switches it on or off per village; off, its address answers 404. The address carries the
board's own token, so a commune can share it in a Zalo group without exposing anything else.
"""

from dataclasses import dataclass

from sqlalchemy import select

from aggregation import compute, numbers
from aggregation.criteria import get_criteria
from survey_app import audit
from survey_app.extensions import db
from survey_app.history import capture as history
from survey_app.places.models import Village
from survey_app.plates.services import public_base_url
from survey_app.reports import pages
from survey_app.reports import services as report_services
from survey_app.timeutil import vn_today
from survey_app.tokens import new_token

MIN_GROUP = 5  # the smallest population a percentage is shown for


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    target: str  # "≥ 65%"
    percent: str | None  # "94,9%", or None when the group is too small to show
    evaluation: str  # Đạt / Không đạt / ""


@dataclass(frozen=True)
class Board:
    village: str
    commune: str
    criteria: str
    year: int
    lines: list[Line]

    @property
    def passed(self) -> int:
        return sum(1 for line in self.lines if line.evaluation == "Đạt")

    @property
    def judged(self) -> int:
        return sum(1 for line in self.lines if line.evaluation)


def board_for(token: str) -> Village | None:
    """The village whose board answers at ``token``, if the commune has it on."""
    if not token:
        return None
    return db.session.scalar(
        select(Village).where(Village.board_token == token, Village.board_public.is_(True))
    )


def board_url(village: Village) -> str:
    return f"{public_base_url()}/bang-tin/{village.board_token}"


def figures(village: Village) -> Board:
    """The board's content: the commune's first criteria set, this year, this village."""
    commune = village.commune
    settings = report_services.get_settings(commune)
    criteria_id = pages.applied_criteria(settings)[0]
    year = vn_today().year
    report = compute(db.session, commune, criteria_id, year, settings=settings)
    lines = []
    for item in report.indicators:
        indicator = item.indicator
        if indicator is None or indicator.is_manual:
            continue
        row = item.village(village.id)
        shown = row is not None and (row.denominator or 0) >= MIN_GROUP
        lines.append(
            Line(
                code=item.code,
                name=indicator.name,
                target=item.target_display,
                percent=numbers.format_percent(row.percent) if shown and row else None,
                evaluation=row.evaluation if shown and row else "",
            )
        )
    name = get_criteria(criteria_id).name
    return Board(village.name, commune.name, name, year, lines)


def set_public(actor, village: Village, public: bool) -> Village:
    """Switch the village's board on or off (a token is made the first time it goes on)."""
    if village.board_public == public and (village.board_token or not public):
        return village
    history.attribute(actor, "page")
    village.board_public = public
    if public and not village.board_token:
        village.board_token = new_token()
    db.session.flush()
    action = "board_on" if public else "board_off"
    audit.record(actor, action, "village", village.token, name=village.name)
    return village
