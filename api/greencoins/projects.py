"""Public-good projects (公益): officials open them with a goal in coins; citizens donate and get a certificate number."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.common.db import SHANGHAI, unit_of_work, utcnow
from api.common.pagination import paginate
from api.errors import Conflict, NotFound
from api.greencoins.accounts import lock_account, post_entry, require_balance
from api.greencoins.manage import Actor, _audit, _changes
from api.greencoins.models import Donation, EntryKind, Project, ProjectStatus


class ProjectNotOpen(Conflict):
    code = "project_not_open"
    message = "该公益项目已结束募集 (project is not open for donations)"


class ExceedsGoal(Conflict):
    code = "exceeds_goal"
    message = "捐赠超过项目尚需的绿币 (donation exceeds what the project still needs)"


def progress(project: Project) -> float:
    return round(project.raised_coins / project.goal_coins, 4) if project.goal_coins else 1.0


def project_view(project: Project) -> dict:
    return {
        "id": project.id,
        "title": project.title,
        "description": project.description,
        "place": project.place,
        "lat": project.lat,
        "lon": project.lon,
        "goal_coins": project.goal_coins,
        "raised_coins": project.raised_coins,
        "remaining_coins": project.goal_coins - project.raised_coins,
        "donations_count": project.donations_count,
        "progress": progress(project),
        "status": project.status,
        "created_at": project.created_at,
    }


def projects(session: Session, *, status: str | None = None, limit: int = 20, cursor: str | None = None) -> dict:
    stmt = select(Project)
    if status:
        stmt = stmt.where(Project.status == ProjectStatus(status))
    page = paginate(session, stmt, Project.id, limit=limit, cursor=cursor)
    return {"items": [project_view(p) for p in page["items"]], "next_cursor": page["next_cursor"]}


def projects_with_progress(session: Session, *, status: str | None = None) -> list[dict]:
    """Every project (or those of one status) with its progress, newest first (for the cockpit)."""
    stmt = select(Project).order_by(Project.id.desc())
    if status:
        stmt = stmt.where(Project.status == ProjectStatus(status))
    return [project_view(p) for p in session.scalars(stmt)]


def project(session: Session, project_id: int) -> dict:
    found = session.get(Project, project_id)
    if found is None:
        raise NotFound("未找到该公益项目 (project not found)")
    return project_view(found)


def create_project(session: Session, actor: Actor, fields: dict) -> dict:
    with unit_of_work(session):
        row = Project(raised_coins=0, donations_count=0, status=ProjectStatus.OPEN, created_by=actor.name, created_at=utcnow(), **fields)
        session.add(row)
        session.flush()
        _audit(session, actor, "greencoins.project.create", f"project:{row.id}", f"{row.title} goal={row.goal_coins}")
        return project_view(row)


def update_project(session: Session, actor: Actor, project_id: int, changes: dict) -> dict:
    """Change a project's text, place or goal (never below what was raised), or close/reopen it."""
    with unit_of_work(session):
        row = session.scalar(select(Project).where(Project.id == project_id).with_for_update())
        if row is None:
            raise NotFound("未找到该公益项目 (project not found)")
        if changes.get("goal_coins", row.goal_coins) < row.raised_coins:
            raise Conflict("目标不能低于已募集的绿币 (goal below what was raised)", details={"raised_coins": row.raised_coins})
        if "status" in changes:
            changes["status"] = ProjectStatus(changes["status"])
        _audit(session, actor, "greencoins.project.update", f"project:{project_id}", _changes(row, changes))
        if row.status == ProjectStatus.OPEN and row.raised_coins >= row.goal_coins:
            row.status = ProjectStatus.COMPLETED
        return project_view(row)


def _certificate_no(now) -> str:
    """GY + the day + 8 random hex digits, e.g. GY20261124-3F9A0C1B (unique; the database refuses a repeat)."""
    return f"GY{now.astimezone(SHANGHAI):%Y%m%d}-{secrets.token_hex(4).upper()}"


def donate(session: Session, citizen_id: int, project_id: int, coins: int) -> dict:
    """Give coins to an open project, at most what it still needs; a ``donate`` entry and a certificate number."""
    with unit_of_work(session):
        account = lock_account(session, citizen_id)  # account before project: one lock order
        row = session.scalar(select(Project).where(Project.id == project_id).with_for_update().execution_options(populate_existing=True))
        if row is None:
            raise NotFound("未找到该公益项目 (project not found)")
        if row.status != ProjectStatus.OPEN:
            raise ProjectNotOpen()
        remaining = row.goal_coins - row.raised_coins
        if coins > remaining:
            raise ExceedsGoal(f"该项目还需 {remaining} 绿币 (the project needs {remaining} more)", details={"remaining_coins": remaining})
        require_balance(account, coins)
        now = utcnow()
        row.raised_coins += coins
        row.donations_count += 1
        if row.raised_coins == row.goal_coins:
            row.status = ProjectStatus.COMPLETED
        donation = Donation(project_id=project_id, citizen_id=citizen_id, coins=coins, certificate_no=_certificate_no(now), created_at=now)
        session.add(donation)
        session.flush()
        post_entry(session, account, EntryKind.DONATE, -coins, donation_id=donation.id, note=f"捐赠公益项目:{row.title}", created_at=now)
        return donation_view(donation, row)


def donation_view(donation: Donation, project_row: Project) -> dict:
    return {
        "id": donation.id,
        "certificate_no": donation.certificate_no,
        "coins": donation.coins,
        "project": {"id": project_row.id, "title": project_row.title, "place": project_row.place},
        "created_at": donation.created_at,
    }


def my_donations(session: Session, citizen_id: int, *, limit: int, cursor: str | None) -> dict:
    page = paginate(session, select(Donation).where(Donation.citizen_id == citizen_id), Donation.id, limit=limit, cursor=cursor)
    return {"items": [donation_view(d, d.project) for d in page["items"]], "next_cursor": page["next_cursor"]}
