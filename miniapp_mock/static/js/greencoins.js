/* 双碳绿币: balance and what expires next, the green code as a QR code, steps, rewards with a pickup code, my
   redemptions, the ledger, the leaderboard, the month's budget and donations to public-good projects. */
import {$, $$, act, api, confirmThen, empty, esc, fmtNumber, fmtTime, load, pageSize, session, toast, today} from "./core.js";
import {label, tag} from "./labels.js";
import qrcode from "../vendor/qrcode-generator/qrcode.mjs";

const MENU = [
  {path: "code", name: "我的绿码", icon: "码"},
  {path: "rewards", name: "兑换奖品", icon: "兑"},
  {path: "redemptions", name: "我的兑换", icon: "单"},
  {path: "ledger", name: "绿币明细", icon: "账"},
  {path: "leaderboard", name: "排行榜", icon: "榜"},
  {path: "projects", name: "公益项目", icon: "益"},
];

async function overview({main, setTitle}) {
  setTitle("双碳绿币", "#/home");
  main.innerHTML = `<section class="card" id="balance"></section>
    <section class="card"><div class="menu">${MENU.map((m) => `<a class="tile" href="#/greencoins/${m.path}">
      <span class="icon greencoins" aria-hidden="true">${m.icon}</span>${m.name}</a>`).join("")}</div></section>
    <form class="card" id="steps-form"><h2>同步步数</h2>
      <div class="row"><div class="grow"><label for="steps-date">日期</label><input type="date" id="steps-date" data-field="date" max="${today()}" min="${today(-6)}" value="${today()}"></div>
      <div class="grow"><label for="steps">当天步数</label><input type="number" id="steps" data-field="steps" min="0" max="200000" inputmode="numeric" value="8000"></div></div>
      <div class="actions"><button class="btn" type="submit" id="sync">同步</button></div><p class="form-error" role="alert" hidden></p><div id="steps-result" aria-live="polite"></div></form>
    <section class="card elder-hide" id="budget"></section>`;
  const showBalance = () => load($("#balance"), async () => {
    const me = await api("/api/v1/greencoins/me");
    $("#balance").innerHTML = `<div class="muted">绿币余额</div><div class="big" id="balance-value">${me.balance}</div>
      ${me.next_expiry ? `<p class="notice-box" id="next-expiry">${fmtNumber(me.next_expiry.coins)} 绿币将于 ${esc(fmtTime(me.next_expiry.at, {time: false}))} 到期,请尽快使用</p>` : ""}
      <div class="kpis"><div><b>${fmtNumber(me.earned_total)}</b><span class="muted">累计获得</span></div>
        <div><b>${fmtNumber(me.spent_total)}</b><span class="muted">已使用</span></div>
        <div><b>${(me.co2e_g_total / 1000).toFixed(1)} kg</b><span class="muted">减碳 CO₂e</span></div></div>`;
  });
  showBalance();
  load($("#budget"), async () => {
    const b = await api("/api/v1/greencoins/budget");
    const used = b.budget ? Math.min(100, (100 * b.issued) / b.budget) : 100;
    $("#budget").innerHTML = `<h2>${esc(b.month)} 全县绿币发放额度</h2>
      <div class="bar" role="img" aria-label="已发放 ${Math.round(used)}%"><span style="width:${used}%"></span></div>
      <p class="muted">已发放 ${fmtNumber(b.issued)} / ${fmtNumber(b.budget)},剩余 ${fmtNumber(b.remaining)}。额度用完后本月暂停发放。</p>`;
  });
  $("#steps-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act($("#sync"), async () => {
      const r = await api("/api/v1/greencoins/me/steps", {method: "POST", body: {date: $("#steps-date").value, steps: Number($("#steps").value)}});
      const capped = r.capped ? `(${label("cap_reason", r.cap_reason || "daily")})` : "";
      $("#steps-result").innerHTML = `<p class="form-ok">获得 ${r.coins_awarded} 绿币${esc(capped)}</p>`;
      showBalance();
    });
  });
}

/* The green code a smart bin scans: a QR code of the short-lived signed code, refreshed before it lapses. */
async function code({main, setTitle, stale}) {
  setTitle("我的绿码", "#/greencoins");
  main.innerHTML = `<section class="card" style="text-align:center"><h2>垃圾分类请出示绿码</h2><div id="qr"></div>
      <div class="actions" style="justify-content:center"><button type="button" class="btn secondary" id="refresh">刷新</button></div></section>`;
  let timer;
  const show = () => load($("#qr"), async () => {
    const c = await api("/api/v1/greencoins/me/code");
    const qr = qrcode(0, "M");
    qr.addData(c.code);
    qr.make();
    $("#qr").innerHTML = `<div class="qr" id="green-code">${qr.createSvgTag({cellSize: 4, margin: 8, scalable: true, title: "我的绿码(二维码)"})}</div>
      <p class="muted">有效至 ${esc(fmtTime(c.expires_at, {date: false}))},过期自动刷新</p>`;
    clearTimeout(timer);
    const ms = new Date(c.expires_at) - Date.now() - 10000;
    timer = setTimeout(() => { if (!stale()) show(); }, Math.max(ms, 30000));
  });
  $("#refresh").addEventListener("click", show);
  show();
}

async function rewards({main, setTitle}) {
  setTitle("兑换奖品", "#/greencoins");
  main.innerHTML = `<section class="card"><label for="station">兑换点</label><select id="station"></select>
      <p class="muted" id="station-info"></p></section>
    <section class="card" id="code-card" hidden></section>
    <section class="card"><h2>奖品</h2><ul class="list" id="rewards"></ul><p class="form-error" role="alert" hidden></p></section>`;
  const {items: stations} = await api("/api/v1/greencoins/stations");
  const mine = stations.find((s) => s.community && session.resident.community?.includes(s.community)) || stations[0];
  $("#station").innerHTML = stations.map((s) => `<option value="${s.id}" ${s === mine ? "selected" : ""}>${esc(s.name)}</option>`).join("");
  const show = () => load($("#rewards"), async () => {
    const station = stations.find((s) => String(s.id) === $("#station").value);
    $("#station-info").textContent = station ? `${station.address} · 开放时间 ${station.opening_hours}` : "";
    const {items} = await api(`/api/v1/greencoins/rewards?station_id=${$("#station").value}`);
    $("#rewards").innerHTML = items.length ? items.map((r) => `<li><div class="main"><span class="name">${esc(r.name)}</span>
        <div class="muted">${r.price_coins} 绿币 · 库存 ${r.stock}</div></div>
        <div class="side"><button type="button" class="btn" data-redeem="${r.id}" ${r.stock ? "" : "disabled"}>立即兑换</button></div></li>`).join("")
      : `<li>${empty("该兑换点暂无可兑换的奖品")}</li>`;
    $$("[data-redeem]", main).forEach((button) => button.addEventListener("click", () => {
      const reward = items.find((r) => String(r.id) === button.dataset.redeem);
      const stationName = $("#station").selectedOptions[0].textContent;
      confirmThen(button, {title: "确认兑换", message: `用 ${reward.price_coins} 绿币兑换 ${reward.name},到 ${stationName} 凭取货码领取。确认兑换吗?`, confirm: "确认兑换"}, async () => {
        const r = await api("/api/v1/greencoins/redemptions", {method: "POST", body: {reward_id: reward.id, station_id: Number($("#station").value), quantity: 1}});
        $("#code-card").hidden = false;
        $("#code-card").innerHTML = `<h2>兑换成功</h2><p class="muted">凭取货码到 ${esc(r.station.name)} 领取 ${esc(r.reward.name)},
          请于 ${esc(fmtTime(r.expires_at, {time: false}))} 前领取</p><div class="code" id="pickup-code">${esc(r.code)}</div>`;
        $("#code-card").scrollIntoView({block: "center"});
        show();
      });
    }));
  });
  $("#station").addEventListener("change", show);
  show();
}

async function redemptions({main, setTitle}) {
  setTitle("我的兑换", "#/greencoins");
  main.innerHTML = `<section class="card"><ul class="list" id="redemptions"></ul><p class="form-error" role="alert" hidden></p></section>`;
  const show = () => load($("#redemptions"), async () => {
    const {items} = await api(`/api/v1/greencoins/redemptions?limit=${pageSize(10)}`);
    $("#redemptions").innerHTML = items.length ? items.map((r) => `<li><div class="main"><span class="name">${esc(r.reward.name)}×${r.quantity}</span>
        <div class="muted">${esc(r.station.name)}</div>
        ${r.status === "reserved" ? `<div>取货码 <span class="name">${esc(r.code)}</span> · ${esc(fmtTime(r.expires_at, {time: false}))} 前领取</div>` : ""}</div>
        <div class="side">${tag("redemption_status", r.status)}${r.can_cancel ? `<button type="button" class="btn danger" data-cancel="${r.id}">取消兑换</button>` : ""}</div></li>`).join("")
      : `<li>${empty("还没有兑换记录")}</li>`;
    $$("[data-cancel]", main).forEach((button) => button.addEventListener("click", () => {
      const r = items.find((x) => String(x.id) === button.dataset.cancel);
      confirmThen(button, {title: "确认取消兑换", message: `取消 ${r.reward.name} 的兑换后,${r.coins_spent} 绿币退回账户,取货码作废。确认取消吗?`, confirm: "确认取消", danger: true}, async () => {
        await api(`/api/v1/greencoins/redemptions/${r.id}/cancel`, {method: "POST"});
        toast("兑换已撤销,绿币已退回");
        show();
      });
    }));
  });
  show();
}

async function ledger({main, setTitle}) {
  setTitle("绿币明细", "#/greencoins");
  main.innerHTML = `<section class="card"><ul class="list" id="ledger"></ul><div class="actions" id="more-box" hidden>
      <button type="button" class="btn secondary block" id="more">加载更多</button></div></section>`;
  let cursor = null;
  const row = (e) => `<li><div class="main"><span class="name">${esc(e.note || label("ledger_kind", e.kind))}</span>
      <div class="muted">${esc(fmtTime(e.created_at))}<span class="elder-hide"> · 余额 ${e.balance_after}</span></div></div>
      <div class="side"><span class="amount ${e.amount >= 0 ? "plus" : "minus"}">${e.amount > 0 ? "+" : ""}${e.amount}</span></div></li>`;
  const page = async () => {
    const data = await api(`/api/v1/greencoins/me/ledger?limit=${pageSize(15)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    cursor = data.next_cursor;
    $("#more-box").hidden = !cursor;
    return data.items;
  };
  load($("#ledger"), async () => {
    const items = await page();
    $("#ledger").innerHTML = items.length ? items.map(row).join("") : `<li>${empty("暂无绿币记录")}</li>`;
  });
  $("#more").addEventListener("click", (e) => act(e.currentTarget, async () => { $("#ledger").insertAdjacentHTML("beforeend", (await page()).map(row).join("")); }));
}

async function leaderboard({main, setTitle}) {
  setTitle("排行榜", "#/greencoins");
  const community = session.resident.community || "";
  main.innerHTML = `<section class="card"><div class="row" role="group" aria-label="范围">
      <button type="button" class="btn" data-scope="all" aria-pressed="true">全县</button>
      ${community ? `<button type="button" class="btn secondary" data-scope="mine" aria-pressed="false">${esc(community)}</button>` : ""}</div></section>
    <section class="card"><h2 id="board-title"></h2><ol class="list" id="board"></ol></section>`;
  const show = (scope) => {
    $$("[data-scope]", main).forEach((b) => { b.setAttribute("aria-pressed", String(b.dataset.scope === scope)); b.className = `btn ${b.dataset.scope === scope ? "" : "secondary"}`; });
    load($("#board"), async () => {
      const q = scope === "mine" ? `&community=${encodeURIComponent(community)}` : "";
      const data = await api(`/api/v1/greencoins/leaderboard?period=month${q}`);
      $("#board-title").textContent = `${data.month} 月度排行`;
      const items = data.items.slice(0, pageSize(10));
      $("#board").innerHTML = items.length ? items.map((x, i) => `<li><div class="main"><span class="name">${x.rank ?? i + 1}. ${esc(x.name)}</span>
          <div class="muted elder-hide">${esc(x.community || "")}</div></div><div class="side">${fmtNumber(x.coins)} 绿币</div></li>`).join("")
        : `<li>${empty("本月暂无排行")}</li>`;
    });
  };
  $$("[data-scope]", main).forEach((b) => b.addEventListener("click", () => show(b.dataset.scope)));
  show("all");
}

async function projects({main, setTitle}) {
  setTitle("公益项目", "#/greencoins");
  main.innerHTML = `<div id="projects"></div>`;
  const show = () => load($("#projects"), async () => {
    const [{items}, me] = await Promise.all([api("/api/v1/greencoins/projects"), api("/api/v1/greencoins/me")]);
    $("#projects").innerHTML = items.length ? items.map((p) => {
      const pct = p.goal_coins ? Math.min(100, (100 * p.raised_coins) / p.goal_coins) : 0;
      return `<form class="card project" data-id="${p.id}"><h2>${esc(p.title)}</h2><p class="muted">${esc(p.place || "")}</p>
        <p class="prose elder-hide">${esc(p.description || "")}</p>
        <div class="bar" role="img" aria-label="已筹 ${Math.round(pct)}%"><span style="width:${pct}%"></span></div>
        <p class="muted">已筹 ${fmtNumber(p.raised_coins)} / ${fmtNumber(p.goal_coins)} 绿币 · ${fmtNumber(p.donations_count ?? 0)} 人次 ${tag("project_status", p.status)}</p>
        ${p.status === "open" ? `<label for="coins-${p.id}">捐赠绿币(余额 ${me.balance})</label>
        <div class="row"><input class="grow" type="number" id="coins-${p.id}" data-field="coins" min="1" max="${me.balance}" value="${Math.min(10, me.balance)}" inputmode="numeric">
        <button class="btn" type="submit">捐赠</button></div>` : ""}
        <p class="form-error" role="alert" hidden></p><div class="result" aria-live="polite"></div></form>`;
    }).join("") : `<section class="card">${empty("暂无公益项目")}</section>`;
    $$(".project", main).forEach((form) => form.addEventListener("submit", (e) => {
      e.preventDefault();
      const project = items.find((p) => String(p.id) === form.dataset.id);
      const coins = Number($("input", form).value);
      confirmThen($("button", form), {title: "确认捐赠", message: `向「${project.title}」捐赠 ${coins} 绿币,捐赠后不能退回。确认捐赠吗?`, confirm: "确认捐赠"}, async () => {
        const d = await api(`/api/v1/greencoins/projects/${project.id}/donations`, {method: "POST", body: {coins}});
        toast(`捐赠成功,证书编号 ${d.certificate_no}`);
        await show();
        const again = $(`.project[data-id="${project.id}"] .result`);
        if (again) again.innerHTML = `<p class="form-ok" id="certificate">感谢捐赠 ${d.coins} 绿币!证书编号 <span class="name">${esc(d.certificate_no)}</span></p>`;
      });
    }));
  });
  show();
}

export const routes = {
  greencoins: overview,
  "greencoins/code": code,
  "greencoins/rewards": rewards,
  "greencoins/redemptions": redemptions,
  "greencoins/ledger": ledger,
  "greencoins/leaderboard": leaderboard,
  "greencoins/projects": projects,
};
