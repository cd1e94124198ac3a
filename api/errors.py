"""The domain exceptions the services raise, and the one error shape of SPEC §2 as plain data.

Flask-free: services, the cockpit and gunicorn's error hook import it without loading a web framework.
The Flask side (error handlers, flask-smorest's ``Api``) lives in ``api.http_errors``.
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """A refusal the user should read: carries its HTTP status, code and Chinese-first message."""

    status = 400
    code = "bad_request"
    message = "请求有误 (bad request)"

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details
        self.headers = headers or {}


class BadRequest(AppError):
    pass


class Unauthorized(AppError):
    status, code, message = 401, "unauthorized", "请先登录 (authentication required)"


class Forbidden(AppError):
    status, code, message = 403, "forbidden", "没有权限 (forbidden)"


class NotFound(AppError):
    status, code, message = 404, "not_found", "未找到 (not found)"


class Conflict(AppError):
    status, code, message = 409, "conflict", "与当前状态冲突 (conflict)"


class ValidationFailed(AppError):
    status, code, message = 422, "validation_error", "提交的数据有误 (validation failed)"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls(message, details={field: [message]})


class RateLimited(AppError):
    status, code, message = 429, "rate_limited", "请求过于频繁,请稍后再试 (rate limit exceeded)"

    def __init__(self, message: str | None = None, *, retry_after: int):
        super().__init__(message, headers={"Retry-After": str(retry_after)})


# Chinese first for the messages marshmallow and webargs produce most often.
FIELD_MESSAGES = {
    "Missing data for required field.": "必填字段缺失",
    "Unknown field.": "未知字段",
    "Not a valid integer.": "不是有效的整数",
    "Not a valid number.": "不是有效的数字",
    "Not a valid string.": "不是有效的字符串",
    "Not a valid boolean.": "不是有效的布尔值",
    "Not a valid date.": "不是有效的日期",
    "Not a valid datetime.": "不是有效的日期时间",
    "Not a valid list.": "不是有效的列表",
    "Invalid input type.": "输入类型无效",
    "Field may not be null.": "不能为空",
    "Invalid value.": "值无效",
    "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大",
    "Not a valid email address.": "不是有效的电子邮件地址",
    "Not a valid UUID.": "不是有效的 UUID",
    "Not a valid time.": "不是有效的时间",
    "Not a valid mapping type.": "不是有效的对象",
    "Not a valid tuple.": "不是有效的元组",
    "Not a valid URL.": "不是有效的网址",
    "Not a valid IP address.": "不是有效的 IP 地址",
    "Not a valid IPv4 address.": "不是有效的 IPv4 地址",
    "Not a valid IPv6 address.": "不是有效的 IPv6 地址",
    "Not a valid IP interface.": "不是有效的 IP 接口",
    "Not a valid IPv4 interface.": "不是有效的 IPv4 接口",
    "Not a valid IPv6 interface.": "不是有效的 IPv6 接口",
    "Not a valid period of time.": "不是有效的时长",
    "Not a valid utf-8 string.": "不是有效的 UTF-8 字符串",
    "Not a valid naive datetime.": "不是有效的日期时间(不应带时区)",
    "Not a valid aware datetime.": "不是有效的日期时间(应带时区)",
    "Not a valid naive time.": "不是有效的时间(不应带时区)",
    "Not a valid aware time.": "不是有效的时间(应带时区)",
    "Field may not be blank.": "不能为空白",
    "Number too large.": "数值过大",
    "Invalid type.": "类型无效",
}

# HTTP status → (snake_case code, Chinese message) for errors raised outside the services.
HTTP_ERRORS = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "请先登录"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "与当前状态冲突"),
    413: ("payload_too_large", "请求体过大"),
    414: ("uri_too_long", "请求地址过长"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("validation_error", "提交的数据有误"),
    429: ("rate_limited", "请求过于频繁,请稍后再试"),
    431: ("headers_too_large", "请求头过大"),
    500: ("internal_error", "服务器内部错误"),
    503: ("service_unavailable", "服务暂不可用"),
}


def chinese_first(message: Any) -> Any:
    if isinstance(message, str):
        zh = FIELD_MESSAGES.get(message)
        if zh is None and message.startswith("Must be one of:"):
            zh = "取值不在允许范围内"
        elif zh is None and message.startswith(("Must be greater", "Must be less", "Must be at")):
            zh = "数值超出范围"
        elif zh is None and message.startswith(("Length must", "Shorter than", "Longer than")):
            zh = "长度不符合要求"
        return f"{zh} ({message})" if zh else message
    if isinstance(message, list):
        return [chinese_first(m) for m in message]
    if isinstance(message, dict):
        return {k: chinese_first(v) for k, v in message.items()}
    return message


def error_body(status: int, code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"status": status, "error": code, "message": message}
    if details:
        body["details"] = details
    return body
