"""SMS templates in Chinese; parameters are checked when a message is enqueued, not when it is sent."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field

from api.common.pii import mask_name, mask_secret
from api.notify.models import MessageKind

SIGNATURE = "【浙里民生】"
# Parameters that are secrets (a pickup code): masked for everyone but the recipient, whatever the template says.
SECRET_PARAMS = frozenset({"code", "ticket", "password", "token", "verification_code"})


# The one home of "which bureau a text belongs to", by its template's name: each bureau's officials see their own
# service's texts (GET /notify/messages, cockpit, SMS alerts); a template matching no prefix (alert_opened,
# test_message) is the platform's own and only admin sees it.
TEMPLATE_BUREAUS = (
    ("admission", "admission"),
    ("redemption", "greencoins"),
    ("greencoin", "greencoins"),
    ("coin", "greencoins"),
    ("budget", "greencoins"),
    ("pickup", "pickup"),
    ("credit", "pickup"),
    ("vessel", "pickup"),
    ("missed", "pickup"),
)


def template_bureau(code: str) -> str | None:
    return next((bureau for prefix, bureau in TEMPLATE_BUREAUS if code.startswith(prefix)), None)


class TemplateError(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    code: str
    text: str
    title: str  # what officials see the message called
    kind: MessageKind = MessageKind.RECEIPT
    # Parameters holding personal data, and how to mask them for anyone but the recipient.
    personal: dict[str, Callable[[str], str]] = field(default_factory=dict)

    @property
    def bureau(self) -> str | None:
        return template_bureau(self.code)

    @property
    def params(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.text) if name}

    def render(self, params: dict, *, masked: bool = False) -> str:
        missing = self.params - params.keys()
        if missing:
            raise TemplateError(f"短信模板 {self.code} 缺少参数: {', '.join(sorted(missing))}")
        values = {k: str(v) for k, v in params.items()}
        if masked:
            values.update({k: mask(values[k]) for k, mask in self.personal.items() if k in values})
            values.update({k: mask_secret(values[k]) for k in SECRET_PARAMS & values.keys()})
        return SIGNATURE + self.text.format(**values)


TEMPLATES: dict[str, Template] = {
    t.code: t
    for t in [
        Template(
            "admission_admitted",
            "{child_name}家长您好,{child_name}已被{school}录取({year}年{level})。请按通知时间携带材料报到。",
            "录取通知",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_rejected",
            "{child_name}家长您好,您提交的{school}入学申请未通过:{note}。可在浙里办“入学一掌通”查看详情。",
            "未录取通知",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_received",
            "{child_name}家长您好,已收到{child_name}的{year}年{level}入学报名({school},{category}类,报名编号{application_id})。"
            "学位按公开规则统一派位,结果将短信通知。",
            "报名受理",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_offered",
            "{child_name}家长您好,{child_name}在{year}年{level}派位中获得{school}学位。请于{deadline}前在浙里办“入学一掌通”确认或放弃,逾期视为放弃。",
            "派位结果:获得学位",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_waitlisted",
            "{child_name}家长您好,{child_name}在{year}年{level}派位中暂未获得{school}学位,列候补第{position}位。有学位空出将依次递补并短信通知。",
            "派位结果:候补",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_not_offered",
            "{child_name}家长您好,{child_name}在{year}年{level}派位中未获得{school}学位:{reason}。可在“入学一掌通”查看详情或申请复核。",
            "派位结果:未获学位",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_offer_reminder",
            "提醒:{child_name}的{school}学位请于{deadline}前在“入学一掌通”确认或放弃,逾期视为放弃。",
            "学位确认前一日提醒",
            kind=MessageKind.REMINDER,
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_promoted",
            "{child_name}家长您好,{school}有学位空出,{child_name}已由候补递补获得学位。请于{deadline}前在“入学一掌通”确认或放弃。",
            "候补递补",
            personal={"child_name": mask_name},
        ),
        Template(
            "admission_review_answered",
            "{child_name}家长您好,您对{school}入学结果的复核申请已答复:{answer}",
            "复核答复",
            personal={"child_name": mask_name},
        ),
        Template(
            "redemption_code",
            "您已预约兑换{reward}×{quantity},消耗{coins}绿币。取货码{code},请于{expires}前到{station}领取。",
            "兑换取货码",
        ),
        Template("redemption_refunded", "您的兑换({reward})已{reason},{coins}绿币已退回账户。", "兑换退回"),
        Template(
            "greencoins_expiring",
            "您有{coins}绿币将于{date}到期,到期后自动清零。可在浙里办“双碳绿币”兑换奖品或捐给公益项目。",
            "绿币到期提醒",
            kind=MessageKind.REMINDER,
        ),
        Template(
            "pickup_confirmed", "船舶{vessel_no}污染物接收预约已确认:{port} {window}。收集船将按时到达,请提前备好污染物。", "接收预约确认"
        ),
        Template(
            "pickup_reminder",
            "提醒:船舶{vessel_no}明天{window}在{port}有污染物接收预约。如需取消请提前2小时操作。",
            "接收前一日提醒",
            kind=MessageKind.REMINDER,
        ),
        Template("pickup_collected", "船舶{vessel_no}污染物已接收:{items}。电子联单号{manifest_no},感谢您守护蓝色海湾。", "接收回执(联单)"),
        Template(
            "credit_color_changed",
            "船舶{vessel_no}渔业信用码已由{old_color}变为{new_color}(当前{score}分)。",
            "信用码变更",
            kind=MessageKind.REMINDER,
        ),
        Template("credit_appeal_decided", "船舶{vessel_no}的信用扣分申诉已处理:{result}。理由:{reason}(当前{score}分)。", "信用申诉结果"),
        Template("alert_opened", "{bureau}趋势预警:{day} {title}。请登录数字驾驶舱确认处理。", "趋势预警", kind=MessageKind.REMINDER),
        Template("test_message", "测试短信:{text}", "测试短信"),
    ]
}


def template(code: str) -> Template:
    try:
        return TEMPLATES[code]
    except KeyError as exc:
        raise TemplateError(f"未知的短信模板: {code}") from exc


def bureau_templates(bureaus: set[str]) -> list[str]:
    """The template codes whose texts officials of ``bureaus`` may read."""
    return [code for code, t in TEMPLATES.items() if t.bureau in bureaus]
