"""数字驾驶舱 pages: sign-in first, then only the pages of the official's bureau. Served by ``cockpit/app.py``.

``st.navigation`` is called on every run, so Streamlit never lists files by itself (the views live in
``cockpit/views/``, not in a ``pages/`` folder it would discover). Before sign-in every known address runs the
login form, so a shared link keeps its path and query string and shows its page right after sign-in. Pages of
another bureau stay out of the navigation and answer 无权访问 when their address is typed.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from cockpit.auth import current_official, hand_cookie_to_browser, login_view, role_caption, sign_out  # noqa: E402


@dataclass(frozen=True)
class View:
    path: str  # the page's address
    title: str
    file: str
    bureau: str | None  # None: every official, showing only their bureau's sections


VIEWS = (
    View("overview", "总览", "views/overview.py", None),
    View("admission", "入学一掌通", "views/admission.py", "admission"),
    View("greencoins", "双碳绿币", "views/greencoins.py", "greencoins"),
    View("pickup", "海洋云仓", "views/pickup.py", "pickup"),
    View("notifications", "短信通知", "views/notifications.py", None),
    View("alerts", "趋势预警", "views/alerts.py", None),
    View("kiosk", "大屏", "views/kiosk.py", None),
)


def forbidden() -> None:
    st.title("无权访问")
    st.error("该页面属于其他部门,您的账号无权查看 (this page belongs to another bureau)")


def pages_for(official: dict | None) -> list:
    if official is None:
        return [st.Page(login_view, title="登录", url_path=v.path, default=v.path == "overview", visibility="hidden") for v in VIEWS]
    allowed = [v for v in VIEWS if v.bureau is None or v.bureau in official["bureaus"]]
    refused = [v for v in VIEWS if v not in allowed]
    return [st.Page(v.file, title=v.title, url_path=v.path, default=v.path == "overview") for v in allowed] + [
        st.Page(forbidden, title="无权访问", url_path=v.path, visibility="hidden") for v in refused
    ]


def run() -> None:
    st.set_page_config(page_title="浙里民生 · 数字驾驶舱", layout="wide")  # page_icon=":material/…" is fetched from Google
    official = current_official()
    if official is None:
        st.navigation(pages_for(None), position="hidden").run()
        return
    st.session_state["official"] = official
    hand_cookie_to_browser()
    page = st.navigation(pages_for(official))
    if page.url_path != "kiosk":  # the big screen shows no controls
        with st.sidebar:
            st.caption(f"当前用户:{official['name']}({role_caption(official)})")
            if st.button("退出登录", key="sign_out"):
                sign_out()
                st.rerun()
    page.run()


run()
