"""SMS templates in Chinese; parameters are checked when a message is enqueued, not when it is sent."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field

from api.common.pii import mask_name
from api.notify.models import MessageKind

SIGNATURE = "【浙里民生】"


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
    def params(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.text) if name}

    def render(self, params: dict, *, masked: bool = False) -> str:
        missing = self.params - params.keys()
        if missing:
            raise TemplateError(f"短信模板 {self.code} 缺少参数: {', '.join(sorted(missing))}")
        values = {k: str(v) for k, v in params.items()}
        if masked:
            values.update({k: mask(values[k]) for k, mask in self.personal.items() if k in values})
        return SIGNATURE + self.text.format(**values)


TEMPLATES: dict[str, Template] = {t.code: t for t in [
    Template("admission_admitted", "{child_name}家长您好,{child_name}已被{school}录取({year}年{level})。请按通知时间携带材料报到。",
             "录取通知", personal={"child_name": mask_name}),
    Template("admission_rejected", "{child_name}家长您好,您提交的{school}入学申请未通过:{note}。可在浙里办“入学一掌通”查看详情。",
             "未录取通知", personal={"child_name": mask_name}),
    Template("redemption_code", "您已预约兑换{reward}×{quantity},消耗{coins}绿币。取货码{code},请于{expires}前到{station}领取。",
             "兑换取货码"),
    Template("redemption_refunded", "您的兑换({reward})已{reason},{coins}绿币已退回账户。", "兑换退回"),
    Template("pickup_confirmed", "船舶{vessel_no}污染物接收预约已确认:{port} {window}。收集船将按时到达,请提前备好污染物。",
             "接收预约确认"),
    Template("pickup_reminder", "提醒:船舶{vessel_no}明天{window}在{port}有污染物接收预约。如需取消请提前2小时操作。",
             "接收前一日提醒", kind=MessageKind.REMINDER),
    Template("pickup_collected", "船舶{vessel_no}污染物已接收:{items}。电子联单号{manifest_no},感谢您守护蓝色海湾。",
             "接收回执(联单)"),
    Template("credit_color_changed", "船舶{vessel_no}渔业信用码已由{old_color}变为{new_color}(当前{score}分)。",
             "信用码变更", kind=MessageKind.REMINDER),
    Template("test_message", "测试短信:{text}", "测试短信"),
]}


def template(code: str) -> Template:
    try:
        return TEMPLATES[code]
    except KeyError as exc:
        raise TemplateError(f"未知的短信模板: {code}") from exc
