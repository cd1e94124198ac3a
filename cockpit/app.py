"""数字驾驶舱 entry: official sign-in first, then the pages. Run: streamlit run cockpit/app.py"""

import sys
from pathlib import Path

# `streamlit run cockpit/app.py` puts cockpit/ on the path; the product's packages live one level up.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from cockpit.auth import login_form, signed_in  # noqa: E402


def run() -> None:
    st.set_page_config(page_title="浙里民生 · 数字驾驶舱", layout="wide")  # page_icon=":material/…" is fetched from Google
    official = signed_in()
    if official is None:
        login_form()
        return
    pages = [
        st.Page("pages/overview.py", title="总览", default=True),
        st.Page("pages/admission.py", title="入学一掌通"),
        st.Page("pages/greencoins.py", title="双碳绿币"),
        st.Page("pages/pickup.py", title="海洋云仓"),
        st.Page("pages/notifications.py", title="短信通知"),
    ]
    with st.sidebar:
        st.caption(f"当前用户:{official['name']}")
        if st.button("退出登录"):
            st.session_state.pop("official", None)
            st.rerun()
    st.navigation(pages).run()


run()
