"""The refusals of 入学一掌通, each with its HTTP status, code and Chinese-first message."""

from __future__ import annotations

from api.errors import AppError, Conflict, NotFound


class NotEligible(AppError):
    status, code = 422, "not_eligible"
    message = "不符合报名条件 (not eligible)"


class ChildNotFound(NotFound):
    """Said alike whether the child does not exist or is someone else's: it reveals nothing."""

    code, message = "child_not_found", "未查询到您监护的该孩子,请核对孩子的身份证号 (child not found)"


class ApplicationNotFound(NotFound):
    """Said alike whether the application does not exist or is for a child the caller does not guard."""

    message = "未找到该报名 (application not found)"


class DuplicateApplication(Conflict):
    code, message = "duplicate_application", "该孩子本年度该学段已有进行中的报名 (an active application exists)"


class NoSeatsLeft(Conflict):
    code, message = "no_seats_left", "该校学位已满,不能再录取 (no planned seats left)"


class NoSeatPlan(Conflict):
    code = "no_seat_plan"
    message = "该校尚未制定本年度计划学位,请先导入或填写计划学位 (the school has no seat plan for the year)"


class PlanBelowTaken(Conflict):
    code = "plan_below_taken"
    message = "计划学位不能少于已录取和待确认的学位数 (the plan cannot be below the seats already offered or admitted)"


class SeatLocked(Conflict):
    code = "seat_locked"
    message = "该房产的学位在锁定期内已被使用,不能再确认 (the property's seat is already used in this lock period)"


class NotAllowedNow(Conflict):
    """An action the application's state does not allow (the application says which ones it allows)."""


class NothingToAllocate(Conflict):
    code, message = "nothing_to_allocate", "没有待派位的报名 (no applications wait for allocation)"


class ReviewAlreadyRequested(Conflict):
    code, message = "review_already_requested", "每份报名只能申请一次复核 (a review may be asked once per application)"
