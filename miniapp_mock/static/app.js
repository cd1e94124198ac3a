/* 浙里民生 mini-app mock: a 浙里办-style H5 client of the public API (no build step, no CDN). */
"use strict";

const $ = (sel) => document.querySelector(sel);
const view = $("#view");
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const STATUS = {submitted: "已提交", reviewing: "审核中", admitted: "已录取", rejected: "未通过", withdrawn: "已撤回",
  reserved: "待领取", fulfilled: "已领取", cancelled: "已取消", expired: "已过期", requested: "待确认", confirmed: "已确认",
  collected: "已接收", no_show: "未到"};
const COLOR = {green: "绿码", yellow: "黄码", red: "红码"};
const session = {
  get token() { return sessionStorage.getItem("token"); },
  get resident() { return JSON.parse(sessionStorage.getItem("resident") || "null"); },
  save(token, resident) { sessionStorage.setItem("token", token); sessionStorage.setItem("resident", JSON.stringify(resident)); },
  clear() { sessionStorage.clear(); },
};

function notify(message, ok = false) {
  const box = $("#notice");
  box.textContent = message;
  box.className = ok ? "ok" : "";
  box.hidden = !message;
  if (message) box.scrollIntoView({block: "nearest"});
}

async function api(path, {method = "GET", body, idempotent = false} = {}) {
  const headers = {"Accept": "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (session.token) headers["Authorization"] = `Bearer ${session.token}`;
  if (idempotent) headers["Idempotency-Key"] = crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random());
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (err) {
    throw new Error("网络连接失败,请稍后重试");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && session.token) { session.clear(); }
    const reasons = data?.details?.reasons;
    throw new Error(reasons ? reasons.join(";") : (data?.message || `请求失败(${response.status})`));
  }
  return data;
}

/* Run a load or an action; any API error is shown on the page in plain Chinese. */
async function attempt(action) {
  try { return await action(); } catch (err) { notify(err.message); return undefined; }
}

/* A user's action: the previous message goes, then the action runs. */
function act(action) {
  notify("");
  return attempt(action);
}

function setTitle(text, back) {
  $("#title").textContent = text;
  $("#back").hidden = !back;
}

/* ---------- sign-in through the mock 浙里办 ---------- */
async function loginView() {
  setTitle("浙里办 · 登录", false);
  view.innerHTML = `<div class="card"><h2>选择演示居民登录</h2><p class="muted">模拟浙里办单点登录:选择一位居民,获取一次性票据并换取令牌。</p>
    <ul class="list" id="residents"><li class="muted">加载中…</li></ul></div>`;
  const data = await attempt(() => api("/mock-zlb/residents"));
  if (!data) return;
  $("#residents").innerHTML = data.items.map((r, i) => `<li><button class="btn secondary resident" data-i="${i}">
      <b>${esc(r.name)}</b> <span class="muted">${esc(r.phone.slice(0, 3))}****${esc(r.phone.slice(-4))}</span><br>
      <span class="muted">${esc(r.scenario)}</span></button></li>`).join("");
  view.querySelectorAll(".resident").forEach((button) => button.addEventListener("click", () => act(async () => {
    const resident = data.items[Number(button.dataset.i)];
    const {ticket} = await api("/mock-zlb/tickets", {method: "POST", body: {id_number: resident.id_number, name: resident.name, phone: resident.phone}});
    const token = await api("/api/v1/auth/zlb/exchange", {method: "POST", body: {ticket}});
    session.save(token.access_token, {...resident, display: token.user.name});
    location.hash = "#/home";
  })));
}

function homeView() {
  setTitle("浙里民生", false);
  const me = session.resident;
  view.innerHTML = `<div class="card"><div class="row" style="justify-content:space-between"><div>您好,<b>${esc(me.display)}</b></div>
      <button class="btn secondary" id="logout">退出</button></div></div>
    <div class="grid">
      <button class="tile" data-go="admission"><span class="icon" style="background:#1f6fe5">学</span>入学一掌通</button>
      <button class="tile" data-go="greencoins"><span class="icon" style="background:#2e7d32">绿</span>双碳绿币</button>
      <button class="tile" data-go="pickup"><span class="icon" style="background:#00838f">船</span>海洋云仓</button>
    </div>`;
  view.querySelectorAll("[data-go]").forEach((tile) => tile.addEventListener("click", () => { location.hash = `#/${tile.dataset.go}`; }));
  $("#logout").addEventListener("click", () => { session.clear(); location.hash = "#/login"; });
}

/* ---------- 入学一掌通 ---------- */
function catchmentMap(schools) {
  const rings = [];
  schools.forEach((s) => {
    if (!s.catchment) return;
    const polygons = s.catchment.type === "Polygon" ? [s.catchment.coordinates] : s.catchment.coordinates;
    polygons.forEach((poly) => rings.push({ring: poly[0], school: s}));
  });
  const points = rings.flatMap((r) => r.ring).concat(schools.map((s) => [s.lon, s.lat]));
  if (!points.length) return "";
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = 300 / Math.max(maxX - minX, maxY - minY, 1e-6);
  const px = (p) => `${((p[0] - minX) * scale + 10).toFixed(1)},${((maxY - p[1]) * scale + 10).toFixed(1)}`;
  const colors = {primary: "#1f6fe5", junior: "#ef6c00"};
  return `<svg class="map" viewBox="0 0 ${(maxX - minX) * scale + 20} ${(maxY - minY) * scale + 20}" role="img" aria-label="学区地图">
    ${rings.map((r) => `<polygon points="${r.ring.map(px).join(" ")}" fill="${colors[r.school.level]}22" stroke="${colors[r.school.level]}" stroke-width="2"/>`).join("")}
    ${schools.map((s) => `<circle cx="${px([s.lon, s.lat]).split(",")[0]}" cy="${px([s.lon, s.lat]).split(",")[1]}" r="6" fill="${colors[s.level]}"><title>${esc(s.name)}</title></circle>`).join("")}
  </svg><p class="muted"><span style="color:#1f6fe5">■</span> 小学学区 <span style="color:#ef6c00">■</span> 初中学区</p>`;
}

async function admissionView() {
  setTitle("入学一掌通", true);
  const me = session.resident;
  const children = me.children || [];
  view.innerHTML = `
    <div class="card"><h2>学区查询</h2><div class="row"><input type="text" id="q" placeholder="输入小区名,如:东山小区" style="flex:1">
      <button class="btn" id="search">搜索</button></div><ul class="list" id="addresses"></ul><div id="district"></div></div>
    <div class="card"><h2>资格自检与报名</h2>
      ${children.length ? `<label>孩子<select id="child">${children.map((c, i) => `<option value="${i}">${esc(c.name)}(${esc(c.birth_date)})</option>`).join("")}</select></label>
      <label>学段<select id="level"><option value="primary">小学</option><option value="junior">初中</option></select></label>
      <label>房产<select id="property">${(me.property_nos || []).map((p) => `<option>${esc(p)}</option>`).join("")}<option value="">无房产(新居民积分入学)</option></select></label>
      <label>报名学校(新居民必选)<select id="school"><option value="">学区学校(自动)</option></select></label>
      <div class="row" style="margin-top:.6rem"><button class="btn secondary" id="check">资格自检</button><button class="btn" id="apply">提交报名</button></div>
      <div id="eligibility"></div>` : `<p class="muted">您名下没有适龄子女信息。</p>`}
    </div>
    <div class="card"><h2>我的报名</h2><ul class="list" id="applications"><li class="muted">加载中…</li></ul></div>`;
  const search = () => act(async () => {
    const q = $("#q").value.trim();
    if (!q) { notify("请输入地址关键词"); return; }
    const {items} = await api(`/api/v1/admission/addresses?q=${encodeURIComponent(q)}`);
    $("#addresses").innerHTML = items.length ? items.map((a) => `<li><span>${esc(a.name)}</span><button class="btn secondary" data-address="${a.id}">查学区</button></li>`).join("")
      : `<li class="muted">没有找到该地址</li>`;
    view.querySelectorAll("[data-address]").forEach((b) => b.addEventListener("click", () => showDistrict(b.dataset.address)));
  });
  $("#search").addEventListener("click", search);
  $("#q").addEventListener("keydown", (e) => { if (e.key === "Enter") search(); });
  if (children.length) {
    const fillSchools = async () => {
      const {items} = await api(`/api/v1/admission/schools?level=${$("#level").value}&limit=100`);
      $("#school").innerHTML = `<option value="">学区学校(自动)</option>` + items.map((s) => `<option value="${s.id}">${esc(s.name)}</option>`).join("");
    };
    $("#level").addEventListener("change", () => attempt(fillSchools));
    attempt(fillSchools);
    const body = () => {
      const child = children[Number($("#child").value)];
      return {level: $("#level").value, child: {name: child.name, id_number: child.id_number, birth_date: child.birth_date},
        property_no: $("#property").value || null, school_id: $("#school").value ? Number($("#school").value) : null};
    };
    $("#check").addEventListener("click", () => act(async () => {
      const r = await api("/api/v1/admission/eligibility", {method: "POST", body: body()});
      $("#eligibility").innerHTML = r.eligible
        ? `<p><span class="tag green">符合条件</span> ${esc(r.category)} 类 · ${esc(r.school.name)}${r.points != null ? ` · 积分 ${r.points}` : ""}</p>`
        : `<p><span class="tag red">暂不符合</span></p><ul>${r.reasons.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>`;
    }));
    $("#apply").addEventListener("click", () => act(async () => {
      const r = await api("/api/v1/admission/applications", {method: "POST", body: body(), idempotent: true});
      notify(`报名已提交:${r.school.name}(${r.category} 类)`, true);
      loadApplications();
    }));
  }
  const loadApplications = () => attempt(async () => {
    const {items} = await api("/api/v1/admission/applications");
    $("#applications").innerHTML = items.length ? items.map((a) => `<li><span>${esc(a.child_name)} · ${esc(a.school.name)}<br>
        <span class="muted">${a.history.map((h) => STATUS[h.status]).join(" → ")}</span></span>
        <span><span class="tag">${STATUS[a.status]}</span>${["submitted", "reviewing"].includes(a.status) ? ` <button class="btn danger" data-withdraw="${a.id}">撤回</button>` : ""}</span></li>`).join("")
      : `<li class="muted">暂无报名</li>`;
    view.querySelectorAll("[data-withdraw]").forEach((b) => b.addEventListener("click", () => act(async () => {
      await api(`/api/v1/admission/applications/${b.dataset.withdraw}/withdraw`, {method: "POST"});
      notify("报名已撤回", true);
      loadApplications();
    })));
  });
  loadApplications();
}

async function showDistrict(addressId) {
  await act(async () => {
    $("#addresses").innerHTML = "";
    const d = await api(`/api/v1/admission/district?address_id=${addressId}`);
    const schools = [];
    for (const s of [d.primary, d.junior]) if (s) schools.push(await api(`/api/v1/admission/schools/${s.id}`));
    $("#district").innerHTML = d.hint ? `<p class="muted">${esc(d.hint)}</p>` : `
      <ul class="list">${schools.map((s) => `<li><span><span class="tag">${s.level === "primary" ? "小学" : "初中"}</span> ${esc(s.name)}</span>
        <span class="muted">${esc(s.address)}</span></li>`).join("")}</ul>${catchmentMap(schools)}`;
  });
}

/* ---------- 双碳绿币 ---------- */
async function greencoinsView() {
  setTitle("双碳绿币", true);
  view.innerHTML = `<div class="card" id="balance"><p class="muted">加载中…</p></div>
    <div class="card"><h2>同步今日步数</h2><div class="row"><input type="number" id="steps" min="0" value="8000" style="flex:1"><button class="btn" id="sync">同步</button></div></div>
    <div class="card"><h2>兑换奖品</h2><label>兑换点<select id="station"></select></label><ul class="list" id="rewards"></ul></div>
    <div class="card" id="code-card" hidden></div>
    <div class="card"><h2>我的兑换</h2><ul class="list" id="redemptions"></ul></div>
    <div class="card"><h2>绿币明细</h2><ul class="list" id="ledger"></ul></div>`;
  const refresh = () => attempt(async () => {
    const me = await api("/api/v1/greencoins/me");
    $("#balance").innerHTML = `<div class="muted">绿币余额</div><div class="big" id="balance-value">${me.balance}</div>
      <div class="muted">累计获得 ${me.earned_total} · 已兑换 ${me.spent_total} · 减碳 ${(me.co2e_g_total / 1000).toFixed(1)} kg CO₂e</div>`;
    const ledger = await api("/api/v1/greencoins/me/ledger?limit=10");
    $("#ledger").innerHTML = ledger.items.map((e) => `<li><span>${esc(e.note || e.kind)}<br><span class="muted">${esc(e.created_at.slice(0, 16).replace("T", " "))}</span></span>
      <b style="color:${e.amount >= 0 ? "var(--green)" : "var(--red)"}">${e.amount >= 0 ? "+" : ""}${e.amount}</b></li>`).join("") || `<li class="muted">暂无记录</li>`;
    const mine = await api("/api/v1/greencoins/redemptions?limit=10");
    $("#redemptions").innerHTML = mine.items.map((r) => `<li><span>${esc(r.reward.name)}×${r.quantity} · ${esc(r.station.name)}<br>
      <span class="muted">取货码 ${esc(r.code)}</span></span><span><span class="tag">${STATUS[r.status]}</span>
      ${r.status === "reserved" ? `<button class="btn danger" data-cancel="${r.id}">取消</button>` : ""}</span></li>`).join("") || `<li class="muted">暂无兑换</li>`;
    view.querySelectorAll("[data-cancel]").forEach((b) => b.addEventListener("click", () => act(async () => {
      await api(`/api/v1/greencoins/redemptions/${b.dataset.cancel}/cancel`, {method: "POST"});
      notify("已取消,绿币已退回", true);
      refresh();
    })));
  });
  const loadRewards = () => attempt(async () => {
    const {items} = await api(`/api/v1/greencoins/rewards?station_id=${$("#station").value}`);
    $("#rewards").innerHTML = items.map((r) => `<li><span>${esc(r.name)}<br><span class="muted">${r.price_coins} 绿币 · 库存 ${r.stock}</span></span>
      <button class="btn" data-redeem="${r.id}" ${r.stock ? "" : "disabled"}>兑换</button></li>`).join("");
    view.querySelectorAll("[data-redeem]").forEach((b) => b.addEventListener("click", () => act(async () => {
      const r = await api("/api/v1/greencoins/redemptions", {method: "POST", idempotent: true,
        body: {reward_id: Number(b.dataset.redeem), station_id: Number($("#station").value), quantity: 1}});
      $("#code-card").hidden = false;
      $("#code-card").innerHTML = `<h2>兑换成功</h2><p class="muted">凭取货码到 ${esc(r.station.name)} 领取 ${esc(r.reward.name)},请于 ${esc(r.expires_at.slice(0, 10))} 前领取</p>
        <div class="code" id="pickup-code">${esc(r.code)}</div>`;
      refresh(); loadRewards();
    })));
  });
  const stations = await attempt(() => api("/api/v1/greencoins/stations"));
  if (stations) {
    $("#station").innerHTML = stations.items.map((s) => `<option value="${s.id}">${esc(s.name)}</option>`).join("");
    $("#station").addEventListener("change", loadRewards);
    loadRewards();
  }
  $("#sync").addEventListener("click", () => act(async () => {
    const today = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
    const r = await api("/api/v1/greencoins/me/steps", {method: "POST", body: {date: today, steps: Number($("#steps").value)}});
    notify(`获得 ${r.coins_awarded} 绿币${r.capped ? "(已达今日上限)" : ""}`, true);
    refresh();
  }));
  refresh();
}

/* ---------- 海洋云仓 / 渔省心 ---------- */
async function pickupView() {
  setTitle("海洋云仓", true);
  const me = session.resident;
  view.innerHTML = `<div class="card" id="vessel"><p class="muted">加载中…</p></div>
    <div class="card" id="booking-card" hidden><h2>预约上门收集</h2>
      <label>港口<select id="port"></select></label><label>日期<input type="text" id="date"></label>
      <ul class="list" id="slots"></ul>
      <label>含油污水数量<div class="row"><input type="number" id="qty" value="150" min="1" style="flex:1"><select id="unit" style="width:5rem"><option value="jin">斤</option><option value="kg">kg</option></select></div></label>
    </div>
    <div class="card"><h2>我的预约</h2><ul class="list" id="bookings"></ul></div>`;
  const tomorrow = new Date(Date.now() + 8 * 3600 * 1000 + 86400 * 1000).toISOString().slice(0, 10);
  $("#date").value = tomorrow;
  let vessel = null;
  const loadVessel = () => attempt(async () => {
    const {items} = await api("/api/v1/pickup/vessels/mine");
    vessel = items[0] || null;
    if (!vessel) {
      $("#vessel").innerHTML = `<h2>我的渔船</h2><div class="row"><input type="text" id="vessel-no" value="${esc(me.vessel_no || "")}" placeholder="如 浙椒渔77033" style="flex:1">
        <button class="btn" id="bind">绑定</button></div>`;
      $("#bind").addEventListener("click", () => act(async () => {
        await api("/api/v1/pickup/vessels", {method: "POST", body: {vessel_no: $("#vessel-no").value.trim()}});
        notify("渔船绑定成功", true);
        loadVessel();
      }));
      return;
    }
    const credit = await api(`/api/v1/pickup/vessels/${vessel.id}/credit`);
    $("#vessel").innerHTML = `<h2>${esc(vessel.vessel_no)}</h2><div class="credit ${credit.color}" id="credit">${COLOR[credit.color]}</div>
      <p style="text-align:center">信用分 <b>${credit.score}</b></p>
      <ul class="list">${credit.entries.slice(0, 3).map((e) => `<li><span class="muted">${esc(e.reason)}</span><b>${e.points > 0 ? "+" : ""}${e.points}</b></li>`).join("")}</ul>`;
    $("#booking-card").hidden = false;
    loadSlots();
  });
  const loadSlots = () => attempt(async () => {
    const {items} = await api(`/api/v1/pickup/slots?port_id=${$("#port").value}&date=${$("#date").value}`);
    $("#slots").innerHTML = items.map((s) => `<li><span>${esc(s.start.slice(11, 16))}–${esc(s.end.slice(11, 16))}<br><span class="muted">剩余 ${s.remaining}/${s.capacity}</span></span>
      <button class="btn" data-slot="${esc(s.start)}" ${s.remaining ? "" : "disabled"}>预约</button></li>`).join("");
    view.querySelectorAll("[data-slot]").forEach((b) => b.addEventListener("click", () => act(async () => {
      const qty = Number($("#qty").value);
      const item = $("#unit").value === "jin" ? {type: "oily_water", est_qty_jin: qty} : {type: "oily_water", est_qty_kg: qty};
      const r = await api("/api/v1/pickup/bookings", {method: "POST", idempotent: true,
        body: {vessel_id: vessel.id, port_id: Number($("#port").value), slot_start: b.dataset.slot, items: [item]}});
      notify(`预约成功:${r.port} ${r.slot_start.slice(5, 16).replace("T", " ")},收集船将按时到达`, true);
      loadSlots(); loadBookings();
    })));
  });
  const loadBookings = () => attempt(async () => {
    const {items} = await api("/api/v1/pickup/bookings?limit=10");
    $("#bookings").innerHTML = items.map((b) => `<li><span>${esc(b.port)} ${esc(b.slot_start.slice(5, 16).replace("T", " "))}<br>
      <span class="muted">${b.items.map((i) => `${esc(pollutants[i.type] || i.type)} ${i.qty_kg ?? i.est_qty_kg}kg`).join("、")}${b.manifest_no ? ` · 联单 ${esc(b.manifest_no)}` : ""}</span></span>
      <span><span class="tag">${STATUS[b.status]}</span>${b.status === "confirmed" ? ` <button class="btn danger" data-cancel="${b.id}">取消</button>` : ""}</span></li>`).join("") || `<li class="muted">暂无预约</li>`;
    view.querySelectorAll("[data-cancel]").forEach((btn) => btn.addEventListener("click", () => act(async () => {
      await api(`/api/v1/pickup/bookings/${btn.dataset.cancel}/cancel`, {method: "POST"});
      notify("预约已取消", true);
      loadSlots(); loadBookings();
    })));
  });
  const types = await attempt(() => api("/api/v1/pickup/pollutant-types"));
  const pollutants = Object.fromEntries((types?.items || []).map((t) => [t.code, t.name]));
  const ports = await attempt(() => api("/api/v1/pickup/ports"));
  if (ports) $("#port").innerHTML = ports.items.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("");
  $("#port").addEventListener("change", loadSlots);
  $("#date").addEventListener("change", loadSlots);
  loadVessel();
  loadBookings();
}

/* ---------- routing ---------- */
const ROUTES = {"#/login": loginView, "#/home": homeView, "#/admission": admissionView, "#/greencoins": greencoinsView, "#/pickup": pickupView};

function route() {
  notify("");
  const target = session.token ? (ROUTES[location.hash] ? location.hash : "#/home") : "#/login";
  if (target !== location.hash) { location.hash = target; return; }
  ROUTES[target]();
}

$("#back").addEventListener("click", () => { location.hash = "#/home"; });
$("#elder").checked = localStorage.getItem("elder") === "1";
document.documentElement.classList.toggle("elder", $("#elder").checked);
$("#elder").addEventListener("change", (e) => {
  localStorage.setItem("elder", e.target.checked ? "1" : "0");
  document.documentElement.classList.toggle("elder", e.target.checked);
});
window.addEventListener("hashchange", route);
route();
