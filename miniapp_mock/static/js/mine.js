/* 我的: one timeline across the three services, and 消息: a copy of every SMS sent to me with its delivery status. */
import {$, act, api, empty, esc, fmtTime, load, pageSize, session} from "./core.js";
import {tag} from "./labels.js";
import {timelineRow} from "./home.js";

/* A list that pages with the API's cursor: the first page, then "加载更多". */
function pagedList(main, {path, row, emptyText}) {
  let cursor = null;
  const more = $("#more", main);
  const next = async () => {
    const data = await api(`${path}?limit=${pageSize(10)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    cursor = data.next_cursor;
    $("#more-box", main).hidden = !cursor;
    return data.items;
  };
  load($("#list", main), async () => {
    const items = await next();
    $("#list", main).innerHTML = items.length ? items.map(row).join("") : `<li>${empty(emptyText)}</li>`;
  });
  more.addEventListener("click", () => act(more, async () => { $("#list", main).insertAdjacentHTML("beforeend", (await next()).map(row).join("")); }));
}

const listMarkup = (title) => `<section class="card"><h2>${title}</h2><ul class="list" id="list"></ul>
  <div class="actions" id="more-box" hidden><button type="button" class="btn secondary block" id="more">加载更多</button></div></section>`;

async function timeline({main, setTitle}) {
  setTitle("我的");
  const me = session.resident;
  main.innerHTML = `<section class="card hello"><div class="spread"><div><span class="name">${esc(me.display)}</span>
      <div class="muted">浙里办实名用户</div></div><a class="btn secondary" href="#/inbox">我的消息</a></div></section>${listMarkup("我的办件与记录")}`;
  pagedList(main, {path: "/api/v1/me/timeline", row: timelineRow, emptyText: "还没有记录。报名、预约、兑换和信用变化都会显示在这里。"});
}

function messageRow(m) {
  return `<li><div class="main"><div class="note">${esc(m.body)}</div>
      <div class="muted">${esc(fmtTime(m.created_at))}</div></div><div class="side">${tag("sms_status", m.status)}</div></li>`;
}

async function inbox({main, setTitle}) {
  setTitle("消息");
  main.innerHTML = `<p class="muted">这里保存发到您手机的每一条短信,以及它是否送达。</p>${listMarkup("短信记录")}`;
  pagedList(main, {path: "/api/v1/me/messages", row: messageRow, emptyText: "还没有收到短信"});
}

export const routes = {mine: timeline, inbox};

