/* 入学一掌通, the look-ups: the menu of the 8 functions, policies, catchment, schools near a point, seats, points. */
import {$, $$, act, api, empty, esc, fmtNumber, load, pageSize, session} from "./core.js";
import {label, options, tag} from "./labels.js";
import {levelColour, schoolMap} from "./map.js";

export const FUNCTIONS = [
  {path: "policies", name: "政策查询", icon: "策"},
  {path: "district", name: "学区查询", icon: "区"},
  {path: "map", name: "地图找学校", icon: "图"},
  {path: "seats", name: "学位查询", icon: "位"},
  {path: "points", name: "积分查询", icon: "分"},
  {path: "eligibility", name: "资格自检", icon: "检"},
  {path: "apply", name: "报名入口", icon: "报"},
  {path: "progress", name: "进度查询", icon: "进"},
];

const levelName = (level) => label("school_level", level);

async function menu({main, setTitle}) {
  setTitle("入学一掌通", "#/home");
  main.innerHTML = `<section class="card"><h2>八大功能</h2><div class="menu">${FUNCTIONS.map((f) => `<a class="tile" href="#/admission/${f.path}">
      <span class="icon admission" aria-hidden="true">${f.icon}</span>${f.name}</a>`).join("")}</div></section>
    <section class="card"><div class="spread"><h2>我的报名</h2><a class="btn secondary" href="#/admission/progress">查看进度</a></div>
      <div id="summary"></div></section>`;
  load($("#summary"), async () => {
    const {items} = await api(`/api/v1/admission/applications?limit=${pageSize(3)}`);
    $("#summary").innerHTML = items.length ? `<ul class="list">${items.map((a) => `<li><div class="main"><span class="name">${esc(a.child_name)}</span>
        · ${esc(a.school.name)}</div><div class="side">${statusTag(a)}</div></li>`).join("")}</ul>` : empty("还没有报名");
  });
}

export const statusTag = (application) => tag("application_status", application.status);

/* ---------- 1 政策查询 ---------- */
async function policies({main, setTitle, params}) {
  setTitle("政策查询", "#/admission");
  main.innerHTML = `<form class="card" id="filter"><h2>招生政策</h2>
      <div class="row"><div class="grow"><label for="pq">关键词</label><input type="search" id="pq" name="q" placeholder="如:积分、户籍、民办"></div>
      <div class="grow"><label for="plevel">学段</label><select id="plevel" name="level"><option value="">全部</option>${options("school_level")}</select></div></div>
      <div class="actions"><button class="btn" type="submit">查询</button></div></form>
    <section class="card"><ul class="list" id="policies"></ul></section>`;
  const show = () => load($("#policies"), async () => {
    const q = new URLSearchParams();
    if ($("#pq").value.trim()) q.set("q", $("#pq").value.trim());
    if ($("#plevel").value) q.set("level", $("#plevel").value);
    const {items} = await api(`/api/v1/admission/policies?${q}`);
    $("#policies").innerHTML = items.length ? items.map((p) => `<li><details ${String(p.id) === params.id ? "open" : ""}>
        <summary><span class="name">${esc(p.title)}</span></summary>
        <p class="muted">${esc(p.year)} 年 · ${esc(p.level === "all" ? "全部学段" : levelName(p.level))} · 发布于 ${esc(p.published_on)}</p>
        <div class="prose">${esc(p.body).replace(/\n/g, "<br>")}</div></details></li>`).join("") : `<li>${empty("没有符合条件的政策")}</li>`;
  });
  $("#filter").addEventListener("submit", (e) => { e.preventDefault(); show(); });
  show();
}

/* ---------- address search, shared by 学区查询 and 地图找学校 ---------- */
function addressSearch(container, onPick) {
  container.innerHTML = `<form class="addr-form"><label for="addr-q">小区或地址</label>
      <div class="row"><input class="grow" type="search" id="addr-q" data-field="q" placeholder="如:东山小区" autocomplete="off">
      <button class="btn" type="submit">搜索</button></div><p class="form-error" role="alert" hidden></p></form><ul class="list" id="addresses"></ul>`;
  const form = $("form", container);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act($("button", form), async () => {
      const q = $("#addr-q").value.trim();
      if (!q) { $("#addresses").innerHTML = `<li>${empty("请输入小区名或地址关键词")}</li>`; return; }
      const {items} = await api(`/api/v1/admission/addresses?q=${encodeURIComponent(q)}`);
      $("#addresses").innerHTML = items.length ? items.map((a, i) => `<li><div class="main"><span class="name">${esc(a.name)}</span>
          <div class="muted">${esc(a.community)} ${esc(a.street || "")}</div></div>
          <div class="side"><button type="button" class="btn secondary" data-pick="${i}">选择</button></div></li>`).join("")
        : `<li>${empty("没有找到该地址,请换个关键词")}</li>`;
      $$("[data-pick]", container).forEach((b) => b.addEventListener("click", () => {
        $("#addresses").innerHTML = "";
        onPick(items[Number(b.dataset.pick)]);
      }));
    });
  });
}

/* ---------- 2 学区查询 ---------- */
async function district({main, setTitle}) {
  setTitle("学区查询", "#/admission");
  main.innerHTML = `<section class="card"><h2>查询地址对应的学区学校</h2><div id="search"></div></section><div id="district"></div>`;
  addressSearch($("#search"), (address) => load($("#district"), async () => {
    const d = await api(`/api/v1/admission/addresses/${address.id}/district`);
    const schools = [];
    for (const s of [d.primary, d.junior]) if (s) schools.push(await api(`/api/v1/admission/schools/${s.id}`));
    const {svg} = schoolMap({schools, centre: {lat: d.lat ?? address.lat, lon: d.lon ?? address.lon}, label: `${address.name}的学区地图`});
    $("#district").innerHTML = `<section class="card" id="district-result"><h2>${esc(address.name)}</h2>
      ${d.hint ? `<p class="notice-box">${esc(d.hint)}</p>` : ""}
      <ul class="list">${schools.map((s, i) => `<li><div class="main"><span class="tag progress">${esc(levelName(s.level))}</span>
          <span class="name">${i + 1}. ${esc(s.name)}</span><div class="muted">${esc(s.address)}</div></div>
          <div class="side"><a class="btn secondary" href="#/admission/seats?school=${s.id}">学位</a></div></li>`).join("")}</ul>
      ${svg}<div class="legend"><span><span class="dot" style="background:${levelColour("primary")}"></span>${esc(levelName("primary"))}学区</span>
        <span><span class="dot" style="background:${levelColour("junior")}"></span>${esc(levelName("junior"))}学区</span></div>
      <div class="actions"><a class="btn secondary" href="#/admission/map?lat=${address.lat}&lon=${address.lon}&name=${encodeURIComponent(address.name)}">附近学校</a></div>
      </section>`;
  }));
}

/* ---------- 3 地图找学校 ---------- */
async function nearMap({main, setTitle, params}) {
  setTitle("地图找学校", "#/admission");
  const state = {
    centre: params.lat ? {lat: Number(params.lat), lon: Number(params.lon), name: params.name || "所选位置"} : null,
    radius: 3000,
    level: "",
  };
  main.innerHTML = `<section class="card"><h2>选择一个位置</h2><div id="search"></div>
      <div class="row"><div class="grow"><label for="radius">范围</label><select id="radius">
        <option value="1000">1 公里</option><option value="3000" selected>3 公里</option><option value="5000">5 公里</option></select></div>
      <div class="grow"><label for="mlevel">学段</label><select id="mlevel"><option value="">全部</option>${options("school_level")}</select></div></div>
    </section><section class="card" id="near"></section>`;
  const show = () => load($("#near"), async () => {
    if (!state.centre) { $("#near").innerHTML = empty("搜索小区或地址,查看附近的学校"); return; }
    const q = new URLSearchParams({near: `${state.centre.lat},${state.centre.lon}`, radius_m: state.radius, limit: pageSize(10)});
    if (state.level) q.set("level", state.level);
    const {items} = await api(`/api/v1/admission/schools?${q}`);
    const map = schoolMap({schools: items, centre: state.centre, radiusM: state.radius, label: `${state.centre.name}附近的学校地图,点按地图可换位置`});
    $("#near").innerHTML = `<h2>${esc(state.centre.name)}附近</h2>${map.svg}
      <p class="muted elder-hide">点按地图任意处,可以换一个位置查找。</p>
      <ol class="list" id="near-list">${items.length ? items.map((s, i) => `<li><div class="main"><span class="name">${i + 1}. ${esc(s.name)}</span>
          <div class="muted">${esc(levelName(s.level))} · ${esc(label("school_ownership", s.ownership))} · ${fmtNumber(s.distance_m)} 米</div></div>
          <div class="side"><a class="btn secondary" href="#/admission/seats?school=${s.id}">学位</a></div></li>`).join("")
        : `<li>${empty("这个范围内没有学校,试试扩大范围")}</li>`}</ol>`;
    const svg = $("#near svg");
    if (svg && map.unproject) svg.addEventListener("click", (e) => {
      const box = svg.getBoundingClientRect();
      const [lon, lat] = map.unproject([((e.clientX - box.left) / box.width) * map.width, ((e.clientY - box.top) / box.height) * map.height]);
      state.centre = {lat: Number(lat.toFixed(6)), lon: Number(lon.toFixed(6)), name: "地图上所选位置"};
      show();
    });
  });
  addressSearch($("#search"), (address) => { state.centre = {lat: address.lat, lon: address.lon, name: address.name}; show(); });
  $("#radius").addEventListener("change", (e) => { state.radius = Number(e.target.value); show(); });
  $("#mlevel").addEventListener("change", (e) => { state.level = e.target.value; show(); });
  show();
}

/* ---------- 4 学位查询 ---------- */
async function seats({main, setTitle, params}) {
  setTitle("学位查询", "#/admission");
  const me = session.resident;
  main.innerHTML = `<form class="card" id="find"><h2>学校学位</h2><label for="sq">学校名称</label>
      <div class="row"><input class="grow" type="search" id="sq" placeholder="如:实验小学"><button class="btn" type="submit">搜索</button></div>
      <ul class="list" id="schools"></ul></form>
    <section class="card" id="seat"></section>
    ${(me.property_nos || []).length ? `<section class="card"><h2>我的房产学位占用</h2><div id="props"></div></section>` : ""}`;
  const showSeats = (schoolId) => load($("#seat"), async () => {
    const [school, s] = await Promise.all([api(`/api/v1/admission/schools/${schoolId}`), api(`/api/v1/admission/schools/${schoolId}/seats`)]);
    const used = (s.offered ?? 0) + s.admitted;
    $("#seat").innerHTML = `<h2>${esc(school.name)}</h2><p class="muted">${esc(s.year)} 年 · ${esc(levelName(school.level))} · ${esc(school.address)}</p>
      ${s.has_plan === false ? `<p class="notice-box">该校 ${esc(s.year)} 年招生计划尚未公布</p>` : `
      <div class="kpis"><div><b id="seat-planned">${fmtNumber(s.planned)}</b><span class="muted">计划学位</span></div>
        <div><b>${fmtNumber(s.applied)}</b><span class="muted">已报名</span></div>
        <div><b id="seat-remaining">${fmtNumber(s.remaining)}</b><span class="muted">剩余学位</span></div></div>
      <div class="bar" style="margin-top:.6rem" role="img" aria-label="已占用 ${used} / ${s.planned}"><span style="width:${s.planned ? Math.min(100, (100 * used) / s.planned) : 0}%"></span></div>
      <p class="muted elder-hide">已录取 ${fmtNumber(s.admitted)}${s.offered != null ? ` · 待确认 ${fmtNumber(s.offered)}` : ""}${s.waitlisted != null ? ` · 候补 ${fmtNumber(s.waitlisted)}` : ""}</p>`}`;
  });
  $("#find").addEventListener("submit", (e) => {
    e.preventDefault();
    load($("#schools"), async () => {
      const {items} = await api(`/api/v1/admission/schools?q=${encodeURIComponent($("#sq").value.trim())}&limit=${pageSize(10)}`);
      $("#schools").innerHTML = items.length ? items.map((s) => `<li><div class="main"><span class="name">${esc(s.name)}</span>
          <div class="muted">${esc(levelName(s.level))}</div></div><div class="side"><button type="button" class="btn secondary" data-school="${s.id}">查看</button></div></li>`).join("")
        : `<li>${empty("没有找到该学校")}</li>`;
      $$("[data-school]", main).forEach((b) => b.addEventListener("click", () => { $("#schools").innerHTML = ""; showSeats(b.dataset.school); }));
    });
  });
  if (params.school) showSeats(params.school);
  else $("#seat").innerHTML = empty("搜索学校,查看计划学位和剩余学位");
  if ($("#props")) load($("#props"), async () => {
    const answers = await Promise.all(me.property_nos.map((no) => api(`/api/v1/admission/property-seats?property_no=${encodeURIComponent(no)}`)));
    $("#props").innerHTML = answers.map((p) => `<h3>${esc(p.address)}</h3><p class="muted">${esc(p.property_no)}</p>
      ${p.uses.length ? `<ul class="list">${p.uses.map((u) => `<li><div class="main"><span class="name">${esc(u.school)}</span>
          <div class="muted">${esc(u.year)} 年入学 · 锁定至 ${esc(u.locked_until_year)} 年</div></div><div class="side">${esc(levelName(u.level))}</div></li>`).join("")}</ul>`
        : `<p class="form-ok">该房产学位未被占用</p>`}`).join("");
  });
}

/* ---------- 5 积分查询 ---------- */
async function points({main, setTitle}) {
  setTitle("积分查询", "#/admission");
  main.innerHTML = `<section class="card" id="points"></section>`;
  load($("#points"), async () => {
    const p = await api("/api/v1/admission/points/me");
    $("#points").innerHTML = `<h2>新居民积分</h2>${p.found ? `<div class="big" id="points-total">${fmtNumber(p.total)}</div>
      <ul class="list">${Object.entries(p.breakdown).map(([k, v]) => `<li><span class="main">${esc(k)}</span><span class="side">${fmtNumber(v)} 分</span></li>`).join("")}</ul>`
      : empty("积分系统中没有您的积分记录")}
      <p class="muted">社保缴纳 ${fmtNumber(p.social_insurance_months)} 个月(新居民积分入学需满 12 个月)</p>`;
  });
}

export const routes = {
  admission: menu,
  "admission/policies": policies,
  "admission/district": district,
  "admission/map": nearMap,
  "admission/seats": seats,
  "admission/points": points,
};
