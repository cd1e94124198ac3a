/* 海洋云仓 / 渔省心, the captain's day: my vessel (bind), booking every pollutant type in 斤 or kg, my bookings
   (cancel, report a missed collection), 进出港 reports and safety self-checks. */
import {$, $$, act, api, confirmThen, empty, esc, fmtTime, load, pageSize, session, toast, today} from "./core.js";
import {tag} from "./labels.js";

const UNITS = {jin: "斤", kg: "kg"};
const SAFETY_ITEMS = ["救生衣", "消防器材", "通讯设备", "航行灯", "油污水柜无渗漏"];
const MENU = [
  {path: "book", name: "预约收污", icon: "约"},
  {path: "bookings", name: "我的预约", icon: "单"},
  {path: "reports", name: "进出港申报", icon: "港"},
  {path: "safety", name: "出海安全自查", icon: "安"},
  {path: "credit", name: "信用码", icon: "信"},
  {path: "consent", name: "授权查询", icon: "授"},
];

/* My vessel, or the form to bind one; every captain's screen starts here. */
export async function myVessel() {
  const {items} = await api("/api/v1/pickup/vessels/mine");
  return items[0] || null;
}

function bindForm(container, onBound) {
  const me = session.resident;
  container.innerHTML = `<form class="card" id="bind-form"><h2>绑定我的渔船</h2>
      <p class="muted">只能绑定渔船登记中船东为本人的渔船。</p>
      <label for="vessel-no">船号</label><input type="text" id="vessel-no" data-field="vessel_no" value="${esc(me.vessel_no || "")}" placeholder="如 浙椒渔77033" autocomplete="off">
      <div class="actions"><button class="btn" type="submit" id="bind">绑定</button></div><p class="form-error" role="alert" hidden></p></form>`;
  $("#bind-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act($("#bind"), async () => {
      await api("/api/v1/pickup/vessels", {method: "POST", body: {vessel_no: $("#vessel-no").value.trim()}});
      toast("渔船绑定成功");
      onBound();
    });
  });
}

/* Screens that need a bound vessel: show the binding form until there is one. */
function withVessel(title, render) {
  return async (ctx) => {
    ctx.setTitle(title, ctx.path === "pickup" ? "#/home" : "#/pickup");
    const vessel = await myVessel();
    if (!vessel) { bindForm(ctx.main, () => withVessel(title, render)(ctx)); return; }
    await render({...ctx, vessel});
  };
}

const overview = withVessel("海洋云仓", async ({main, vessel}) => {
  main.innerHTML = `<section class="card"><div class="spread"><div><div class="muted">我的渔船</div><h2 id="vessel-no-title">${esc(vessel.vessel_no)}</h2></div>
      <a href="#/pickup/credit" class="credit-mini">${tag("credit_color", vessel.credit_color)}</a></div>
      <p class="muted">信用分 <span class="name" id="score">${esc(vessel.credit_score)}</span></p></section>
    <section class="card"><div class="menu">${MENU.map((m) => `<a class="tile" href="#/pickup/${m.path}">
      <span class="icon pickup" aria-hidden="true">${m.icon}</span>${m.name}</a>`).join("")}</div></section>
    <section class="card"><div class="spread"><h2>近期预约</h2><a class="btn secondary" href="#/pickup/bookings">全部</a></div><ul class="list" id="recent"></ul></section>`;
  load($("#recent"), async () => {
    const {items} = await api(`/api/v1/pickup/bookings?limit=${pageSize(3)}`);
    $("#recent").innerHTML = items.length ? items.map(bookingRow).join("") : `<li>${empty("还没有预约")}</li>`;
  });
});

const qty = (value, unit) => `${Number(value).toLocaleString("zh-CN", {maximumFractionDigits: 2})} ${UNITS[unit] || unit}`;
let pollutantNames = {};

function bookingRow(b) {
  const items = b.items.map((i) => `${esc(pollutantNames[i.type] || i.type)} ${esc(i.qty != null ? `${qty(i.qty, i.unit)}(实收)` : qty(i.est_qty, i.unit))}`).join("、");
  return `<li><div class="main"><span class="name">${esc(b.port)} ${esc(fmtTime(b.slot_start).slice(5))}–${esc(fmtTime(b.slot_end, {date: false}))}</span>
      <div class="muted">${items}</div>${b.manifest_no ? `<div class="muted">联单 ${esc(b.manifest_no)}</div>` : ""}
      ${b.booked_by === "dispatcher" ? `<div class="muted elder-hide">电话预约</div>` : ""}</div>
    <div class="side">${tag("booking_status", b.status)}</div></li>`;
}

async function loadPollutants() {
  const {items} = await api("/api/v1/pickup/pollutant-types");
  pollutantNames = Object.fromEntries(items.map((t) => [t.code, t.name]));
  return items;
}

function itemRow(types, index) {
  return `<fieldset class="item"><legend>污染物 ${index + 1}</legend>
    <label for="type-${index}">种类</label><select id="type-${index}" class="type" data-field="items.${index}.type">${types.map((t) => `<option value="${esc(t.code)}">${esc(t.name)}</option>`).join("")}</select>
    <div class="row"><div class="grow"><label for="qty-${index}">预估数量</label>
      <input type="number" id="qty-${index}" class="qty" data-field="items.${index}" min="0.1" step="0.1" inputmode="decimal" value="${index ? 20 : 150}"></div>
      <div><label for="unit-${index}">单位</label><select id="unit-${index}" class="unit"><option value="jin">斤</option><option value="kg">kg</option></select></div></div>
    ${index ? `<button type="button" class="btn danger remove">删除这一项</button>` : ""}</fieldset>`;
}

const book = withVessel("预约收污", async ({main, vessel}) => {
  const [types, {items: ports}] = await Promise.all([loadPollutants(), api("/api/v1/pickup/ports")]);
  main.innerHTML = `<form class="card" id="book-form"><h2>${esc(vessel.vessel_no)} 预约上门收集</h2>
      <label for="port">港口</label><select id="port" data-field="port_id">${ports.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("")}</select>
      <label for="date">日期</label><input type="date" id="date" min="${today()}" value="${today(1)}" data-field="slot_start">
      <h3>时段</h3><div id="slots" role="radiogroup" aria-label="可预约时段"></div>
      <div id="items"></div><button type="button" class="btn secondary" id="add-item">再加一种污染物</button>
      <label for="note">备注</label><input type="text" id="note" data-field="note" maxlength="200" placeholder="如:停靠 3 号泊位">
      <div class="actions"><button class="btn block" type="submit" id="book">提交预约</button></div>
      <p class="form-error" role="alert" hidden></p><div id="book-result" aria-live="polite"></div></form>`;
  let count = 0;
  const addItem = () => {
    $("#items").insertAdjacentHTML("beforeend", itemRow(types, count));
    const fieldset = $$("#items .item").pop();
    $(".type", fieldset).selectedIndex = Math.min(count, types.length - 1);
    $(".remove", fieldset)?.addEventListener("click", () => fieldset.remove());
    count += 1;
  };
  addItem();
  $("#add-item").addEventListener("click", addItem);
  const showSlots = () => load($("#slots"), async () => {
    const {items} = await api(`/api/v1/pickup/slots?port_id=${$("#port").value}&date=${$("#date").value}`);
    $("#slots").innerHTML = items.length ? `<ul class="list">${items.map((s, i) => `<li><label class="main" style="margin:0">
        <input type="radio" name="slot" value="${esc(s.start)}" ${s.remaining ? "" : "disabled"} ${i === items.findIndex((x) => x.remaining) ? "checked" : ""}>
        <span class="name">${esc(fmtTime(s.start, {date: false}))}–${esc(fmtTime(s.end, {date: false}))}</span>
        <span class="muted">剩余 ${s.remaining}/${s.capacity}${s.priority ? " · 绿码优先" : ""}</span></label></li>`).join("")}</ul>`
      : empty("这一天没有可预约的时段");
  });
  $("#port").addEventListener("change", showSlots);
  $("#date").addEventListener("change", showSlots);
  showSlots();
  $("#book-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act($("#book"), async () => {
      const slot = $("input[name=slot]:checked", main);
      if (!slot) { $("#book-result").innerHTML = `<p class="form-error">请选择一个时段</p>`; return; }
      const items = $$("#items .item", main).map((f) => {
        const unit = $(".unit", f).value;
        return {type: $(".type", f).value, [unit === "jin" ? "est_qty_jin" : "est_qty_kg"]: Number($(".qty", f).value)};
      });
      const r = await api("/api/v1/pickup/bookings", {method: "POST",
        body: {vessel_id: vessel.id, port_id: Number($("#port").value), slot_start: slot.value, items, note: $("#note").value.trim()}});
      $("#book-result").innerHTML = `<div class="form-ok" id="booked">预约成功:${esc(r.port)} ${esc(fmtTime(r.slot_start))},收集船将按时到达<br>
        ${r.items.map((i) => `${esc(pollutantNames[i.type] || i.type)} ${esc(qty(i.est_qty, i.unit))}`).join("、")}</div>`;
      showSlots();
    });
  });
});

const bookings = withVessel("我的预约", async ({main}) => {
  await loadPollutants();
  main.innerHTML = `<section class="card"><ul class="list" id="bookings"></ul><p class="form-error" role="alert" hidden></p></section>`;
  const show = () => load($("#bookings"), async () => {
    const {items} = await api(`/api/v1/pickup/bookings?limit=${pageSize(10)}`);
    $("#bookings").innerHTML = items.length ? items.map((b) => bookingRow(b).replace("</li>", `
        <div class="actions" style="width:100%">${b.can_cancel ? `<button type="button" class="btn danger" data-cancel="${b.id}">取消预约</button>` : ""}
        ${b.can_report_missed ? `<button type="button" class="btn secondary" data-missed="${b.id}">收集船没来</button>` : ""}</div>
        <form class="missed-form" data-id="${b.id}" hidden style="width:100%"><label for="missed-${b.id}">情况说明</label>
          <textarea id="missed-${b.id}" data-field="note" maxlength="500" placeholder="如:约定时段在 3 号泊位等候,收集船未到"></textarea>
          <div class="actions"><button class="btn" type="submit">提交漏收报告</button></div><p class="form-error" role="alert" hidden></p></form></li>`)).join("")
      : `<li>${empty("还没有预约")}<div class="actions"><a class="btn" href="#/pickup/book">去预约</a></div></li>`;
    $$("[data-cancel]", main).forEach((button) => button.addEventListener("click", () => {
      const b = items.find((x) => String(x.id) === button.dataset.cancel);
      confirmThen(button, {title: "确认取消预约", message: `取消 ${b.port} ${fmtTime(b.slot_start)} 的收集预约?取消后该时段可能被他人预约。`, confirm: "确认取消", danger: true}, async () => {
        await api(`/api/v1/pickup/bookings/${b.id}/cancel`, {method: "POST"});
        toast("预约已撤销");
        show();
      });
    }));
    $$("[data-missed]", main).forEach((button) => button.addEventListener("click", () => {
      const form = $(`.missed-form[data-id="${button.dataset.missed}"]`, main);
      form.hidden = false;
      $("textarea", form).focus();
    }));
    $$(".missed-form", main).forEach((form) => form.addEventListener("submit", (e) => {
      e.preventDefault();
      act($("button", form), async () => {
        await api(`/api/v1/pickup/bookings/${form.dataset.id}/missed`, {method: "POST", body: {note: $("textarea", form).value.trim()}});
        toast("漏收报告已提交,海洋与渔业局将尽快处理");
        show();
      });
    }));
  });
  show();
});

const reports = withVessel("进出港申报", async ({main, vessel}) => {
  const {items: ports} = await api("/api/v1/pickup/ports");
  main.innerHTML = `<form class="card" id="report-form"><h2>${esc(vessel.vessel_no)} 进出港报告</h2>
      <label for="report-port">港口</label><select id="report-port" data-field="port_id">${ports.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("")}</select>
      <div class="actions"><button type="button" class="btn" data-direction="out">出港报告</button><button type="button" class="btn secondary" data-direction="in">进港报告</button></div>
      <p class="form-error" role="alert" hidden></p><div id="report-result" aria-live="polite"></div>
      <p class="muted elder-hide">按时报告进出港可获得信用加分(每天最多计 2 次)。</p></form>`;
  $$("[data-direction]", main).forEach((button) => button.addEventListener("click", () => act(button, async () => {
    const r = await api(`/api/v1/pickup/vessels/${vessel.id}/port-reports`, {method: "POST", body: {direction: button.dataset.direction, port_id: Number($("#report-port").value)}});
    $("#report-result").innerHTML = `<p class="form-ok" id="reported">${esc(button.textContent)}已提交${r?.points != null ? `,信用 ${r.points > 0 ? "+" : ""}${esc(r.points)} 分` : ""}</p>`;
  })));
});

const safety = withVessel("出海安全自查", async ({main, vessel}) => {
  main.innerHTML = `<form class="card" id="safety-form"><h2>${esc(vessel.vessel_no)} 出海前安全自查</h2>
      <fieldset><legend>逐项检查</legend>${SAFETY_ITEMS.map((item, i) => `<label><input type="checkbox" id="check-${i}" value="${esc(item)}"> ${esc(item)}</label>`).join("")}</fieldset>
      <div class="actions"><button class="btn block" type="submit" id="safety-submit">提交自查</button></div>
      <p class="form-error" role="alert" hidden></p><div id="safety-result" aria-live="polite"></div>
      <p class="muted elder-hide">每天完成一次自查信用 +2 分;红码渔船须先完成自查才能预约。</p></form>`;
  $("#safety-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act($("#safety-submit"), async () => {
      const items = $$("input[type=checkbox]", main).map((c) => ({item: c.value, ok: c.checked}));
      const r = await api(`/api/v1/pickup/vessels/${vessel.id}/safety-checks`, {method: "POST", body: {items}});
      const missing = items.filter((i) => !i.ok).map((i) => i.item);
      $("#safety-result").innerHTML = `<p class="form-ok" id="checked">自查已提交${r?.points != null ? `,信用 ${r.points > 0 ? "+" : ""}${esc(r.points)} 分` : ""}
        ${missing.length ? `<br>请尽快整改:${esc(missing.join("、"))}` : ""}</p>`;
    });
  });
});

export const routes = {
  pickup: (ctx) => overview({...ctx, path: "pickup"}),
  "pickup/book": book,
  "pickup/bookings": bookings,
  "pickup/reports": reports,
  "pickup/safety": safety,
};
