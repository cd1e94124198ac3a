"""The demo residents of 椒江 and 仙居: who they are and what each one shows (mock 浙里办 picker, seeds)."""

from __future__ import annotations

from datetime import date

from api.admission.calendar import admission_year
from api.common.pii import id_check_char

JIAOJIANG, XIANJU = "331002", "331024"  # 行政区划代码: 台州市椒江区, 台州市仙居县


def make_id_number(region: str, born: date, seq: int) -> str:
    """A valid 身份证号 (GB 11643 check digit) for demo data."""
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def _child(name: str, born: date, seq: int, region: str = JIAOJIANG) -> dict:
    return {"name": name, "id_number": make_id_number(region, born, seq), "birth_date": born}


# Children's birth dates, seat-lock years and scenario texts follow the admission year (ADMISSION_YEAR, else the
# date), so the demo tells the same stories next year: a child turning 6 this summer, a seat locked until next year.
YEAR = admission_year()
WANG_ZIHAN = _child("王梓涵", date(YEAR - 6, 3, 12), 122)  # two guardians: 王建国 and 林静

DEMO_RESIDENTS: list[dict] = [
    {
        "key": "parent_a",
        "name": "王建国",
        "phone": "13800000001",
        "community": "白云街道",
        "id_number": make_id_number(JIAOJIANG, date(1988, 4, 12), 315),
        "scenario": f"A 类家长:椒江户籍 + 学区内自有房产,孩子 {YEAR} 年秋季上小学",
        "children": [WANG_ZIHAN],
        "property_nos": ["JJ-FC-2019-00123"],
    },
    {
        "key": "parent_a_spouse",
        "name": "林静",
        "phone": "13800000021",
        "community": "白云街道",
        "id_number": make_id_number(JIAOJIANG, date(1989, 9, 23), 426),
        "scenario": "王梓涵的母亲(第二位监护人):看得到丈夫提交的报名和进度,也可确认或放弃学位",
        "children": [WANG_ZIHAN],
        "property_nos": [],
    },
    {
        "key": "parent_b",
        "name": "李秀英",
        "phone": "13800000002",
        "community": "海门街道",
        "id_number": make_id_number(JIAOJIANG, date(1990, 7, 3), 226),
        "scenario": "B 类家长:学区内自有房产,户籍不在椒江",
        "children": [_child("陈思远", date(YEAR - 6, 5, 20), 131)],
        "property_nos": ["JJ-FC-2021-00456"],
    },
    {
        "key": "new_resident",
        "name": "张伟",
        "phone": "13800000003",
        "community": "葭沚街道",
        "id_number": make_id_number("341221", date(1987, 9, 21), 417),
        "scenario": "C 类新居民:城市积分 168 分,社保 26 个月,无房产",
        "children": [_child("张可欣", date(YEAR - 7, 11, 2), 142, "341221")],
        "property_nos": [],
    },
    {
        "key": "locked_seat",
        "name": "刘芳",
        "phone": "13800000004",
        "community": "白云街道",
        "id_number": make_id_number(JIAOJIANG, date(1986, 1, 30), 528),
        "scenario": f"房产学位已被占用({YEAR - 4} 年入学,锁定至 {YEAR + 1} 年):不能按 A/B 类报名",
        "children": [_child("刘一诺", date(YEAR - 6, 1, 9), 152)],
        "property_nos": ["JJ-FC-2016-00789"],
    },
    {
        "key": "too_young",
        "name": "赵磊",
        "phone": "13800000005",
        "community": "章安街道",
        "id_number": make_id_number(JIAOJIANG, date(1992, 12, 8), 639),
        "scenario": "孩子 8 月 31 日前未满 6 周岁:资格自检不通过",
        "children": [_child("赵子墨", date(YEAR - 6, 10, 15), 161)],
        "property_nos": ["JJ-FC-2020-00321"],
    },
    {
        "key": "no_insurance",
        "name": "陈美玲",
        "phone": "13800000006",
        "community": "下陈街道",
        "id_number": make_id_number("362329", date(1991, 6, 17), 742),
        "scenario": "新居民,社保仅 7 个月(不足 12 个月):C 类不通过",
        "children": [_child("陈浩然", date(YEAR - 6, 2, 14), 172, "362329")],
        "property_nos": [],
    },
    {
        "key": "junior_parent",
        "name": "吴晓东",
        "phone": "13800000007",
        "community": "洪家街道",
        "id_number": make_id_number(JIAOJIANG, date(1983, 3, 5), 851),
        "scenario": "孩子小学毕业(有小学学籍),报名初中",
        "children": [_child("吴雨桐", date(YEAR - 12, 4, 18), 182)],
        "property_nos": ["JJ-FC-2012-00654"],
    },
    {
        "key": "captain_green",
        "name": "阮吉良",
        "phone": "13800000008",
        "community": "椒江中心渔港",
        "id_number": make_id_number(JIAOJIANG, date(1975, 8, 19), 913),
        "scenario": "船长,浙椒渔77033,信用绿码:主动交纳含油污水",
        "children": [],
        "property_nos": [],
        "vessel_no": "浙椒渔77033",
    },
    {
        "key": "captain_red",
        "name": "林海生",
        "phone": "13800000009",
        "community": "椒江中心渔港",
        "id_number": make_id_number(JIAOJIANG, date(1979, 2, 27), 135),
        "scenario": "船长,浙椒渔60218,信用红码:多次未交污、未报港;须先安全自查才能预约,有一项扣分申诉待处理",
        "children": [],
        "property_nos": [],
        "vessel_no": "浙椒渔60218",
    },
    {
        "key": "captain_unbound",
        "name": "郑海波",
        "phone": "13800000011",
        "community": "前所街道",
        "id_number": make_id_number(JIAOJIANG, date(1981, 6, 14), 457),
        "scenario": "船长,浙椒渔52718 已在渔船登记、尚未绑定:可在小程序绑定本人名下的渔船",
        "children": [],
        "property_nos": [],
        "vessel_no": "浙椒渔52718",
    },
    {
        "key": "walker",
        "name": "周丽君",
        "phone": "13800000010",
        "community": "仙居县南峰街道",
        "id_number": make_id_number(XIANJU, date(1968, 10, 2), 246),
        "scenario": "仙居居民,每天步行、垃圾分类,绿币余额够兑换毛巾和鲜花",
        "children": [],
        "property_nos": [],
    },
]


def resident(key: str) -> dict:
    return next(r for r in DEMO_RESIDENTS if r["key"] == key)
