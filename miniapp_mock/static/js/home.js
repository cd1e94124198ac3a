/* Sign-in through the mock 浙里办, and the home page: the three services, my cases (办件) with their state, notices. */
import {$, $$, act, api, empty, esc, fmtTime, load, pageSize, session} from "./core.js";
import {label, tag} from "./labels.js";

export const SERVICES = [
  {key: "admission", name: "入学一掌通", icon: "学", blurb: "学区、学位、报名、录取"},
  {key: "greencoins", name: "双碳绿币", icon: "绿", blurb: "低碳攒绿币,兑换好礼"},
  {key: "pickup", name: "海洋云仓", icon: "船", blurb: "预约收污、渔船信用码"},
];

const maskPhone = (phone) => `${String(phone).slice(0, 3)}****${String(phone).slice(-4)}`;

async function login({main, setTitle}) {
  setTitle("浙里办 · 登录");
  main.innerHTML = `<div class="card"><h2>选择演示居民登录</h2>
      <p class="muted">模拟浙里办单点登录:选择一位居民,获取一次性票据并换取令牌。</p>
      <ul class="list" id="residents"></ul><p class="form-error" role="alert" hidden></p></div>`;
  await load($("#residents"), async () => {
    const {items} = await api("/mock-zlb/residents");
    $("#residents").innerHTML = items.map((r, i) => `<li><button type="button" class="btn secondary resident" data-i="${i}">
        <span class="name">${esc(r.name)}</span> <span class="muted">${esc(maskPhone(r.phone))}</span><br>
        <span class="muted">${esc(r.scenario)}</span></button></li>`).join("");
    $$(".resident", main).forEach((button) => button.addEventListener("click", () => act(button, async () => {
      const resident = items[Number(button.dataset.i)];
      const {ticket} = await api("/mock-zlb/tickets", {method: "POST", body: {id_number: resident.id_number, name: resident.name, phone: resident.phone}});
      const token = await api("/api/v1/auth/zlb/exchange", {method: "POST", body: {ticket}});
      session.save(token.access_token, {...resident, display: token.user.name});
      location.hash = "#/home";
    })));
  });
}

/* One line of the timeline, as the home page and 我的 show it. */
export function timelineRow(item) {
  const service = SERVICES.find((s) => s.key === item.service);
  const figure = item.coins ?? item.points;
  const amount = figure == null ? "" : `<span class="amount ${figure >= 0 ? "plus" : "minus"}">${figure > 0 ? "+" : ""}${figure}</span>`;
  return `<li><div class="main"><span class="name">${esc(item.title)}</span>
      <div class="muted">${item.step ? `${esc(label("application_step", item.step))} · ` : ""}<span class="elder-hide">${esc(service?.name || "")} · </span>${esc(fmtTime(item.at))}</div>
      ${item.note ? `<div class="note muted">${esc(item.note)}</div>` : ""}</div>
    <div class="side">${amount}${tag(item.status_group, item.status)}</div></li>`;
}

async function homePage({main, setTitle}) {
  setTitle("浙里民生");
  const me = session.resident;
  main.innerHTML = `
    <section class="card hello"><div class="spread"><div><div class="muted">浙里办 · 椒江 / 仙居</div>
        <div>您好,<span class="name">${esc(me.display)}</span></div></div>
        <button type="button" class="btn secondary" id="logout">退出</button></div></section>
    <section aria-labelledby="svc-title"><h2 id="svc-title" class="muted">民生服务</h2>
      <div class="grid">${SERVICES.map((s) => `<a class="tile" href="#/${s.key}"><span class="icon ${s.key}" aria-hidden="true">${s.icon}</span>
        <span><span class="name">${s.name}</span><br><span class="muted elder-hide">${s.blurb}</span></span></a>`).join("")}</div></section>
    <section class="card" style="margin-top:.85rem"><div class="spread"><h2>我的办件</h2><a class="btn secondary" href="#/mine">全部</a></div>
      <ul class="list" id="cases"></ul></section>
    <section class="card elder-hide"><h2>通知公告</h2><ul class="list" id="notices"></ul></section>`;
  $("#logout").addEventListener("click", () => { session.clear(); location.hash = "#/login"; });
  load($("#cases"), async () => {
    const {items} = await api(`/api/v1/me/timeline?limit=${pageSize(4)}`);
    $("#cases").innerHTML = items.length ? items.map(timelineRow).join("") : `<li>${empty("暂无办件。报名、预约、兑换后会显示在这里。")}</li>`;
  });
  load($("#notices"), async () => {
    const {items} = await api("/api/v1/admission/policies");
    $("#notices").innerHTML = items.length
      ? items.slice(0, 3).map((p) => `<li><a class="main title-long" href="#/admission/policies?id=${p.id}"><span class="name">${esc(p.title)}</span></a>
          <span class="side muted">${esc(p.published_on || "")}</span></li>`).join("")
      : `<li>${empty("暂无公告")}</li>`;
  });
}

export const routes = {login, home: homePage};
