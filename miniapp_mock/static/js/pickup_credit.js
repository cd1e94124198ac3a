/* 渔省心 credit: why the vessel has its colour and what brings it back to green (the API's words), the entries behind
   it with appeals against deductions, and the captain's consent for partners to read the credit (with the reads). */
import {$, $$, api, confirmThen, empty, esc, fmtTime, load, pageSize, toast, today} from "./core.js";
import {label, meaning, tag} from "./labels.js";
import {myVessel} from "./pickup.js";

function needVessel(title, render) {
  return async (ctx) => {
    ctx.setTitle(title, "#/pickup");
    const vessel = await myVessel();
    if (!vessel) { ctx.main.innerHTML = `<section class="card">${empty("请先绑定渔船")}<div class="actions"><a class="btn" href="#/pickup">去绑定</a></div></section>`; return; }
    await render({...ctx, vessel});
  };
}

function entryRow(e) {
  const appeal = e.appeal ? `<div class="note">申诉:${esc(e.appeal.reason)} ${tag("appeal_status", e.appeal.status)}
      ${e.appeal.decision_reason ? `<br>答复:${esc(e.appeal.decision_reason)}` : ""}</div>` : "";
  return `<li data-entry="${e.id}"><div class="main"><span class="name">${esc(e.reason)}</span>
      <div class="muted">${esc(fmtTime(e.created_at, {time: false}))} · ${esc(label("credit_kind", e.kind))}${e.counts ? "" : " · 不再计分"}</div>${appeal}
      ${e.appealable ? `<form class="appeal-form" hidden><label for="appeal-${e.id}">申诉理由</label>
        <textarea id="appeal-${e.id}" data-field="reason" maxlength="500" placeholder="请说明理由,如:当天因台风停航,已报备"></textarea>
        <div class="actions"><button class="btn" type="submit">提交申诉</button></div><p class="form-error" role="alert" hidden></p></form>` : ""}</div>
    <div class="side"><span class="amount ${e.points >= 0 ? "plus" : "minus"}">${e.points > 0 ? "+" : ""}${e.points}</span>
      ${e.appealable ? `<button type="button" class="btn secondary" data-appeal="${e.id}">申诉</button>` : ""}</div></li>`;
}

const credit = needVessel("信用码", async ({main, vessel}) => {
  main.innerHTML = `<div id="credit-view"></div>`;
  const show = () => load($("#credit-view"), async () => {
    const c = await api(`/api/v1/pickup/vessels/${vessel.id}/credit`);
    const toGreen = c.to_green.length ? c.to_green : null;
    $("#credit-view").innerHTML = `<section class="card" style="text-align:center"><h2>${esc(c.vessel_no)}</h2>
        <div class="credit ${esc(meaning("credit_color", c.color))}" id="credit">${esc(label("credit_color", c.color))}</div>
        <p>信用分 <span class="name big" id="credit-score">${esc(c.score)}</span></p></section>
      <section class="card"><h2>为什么是${esc(label("credit_color", c.color))}</h2>
        ${c.reasons.length ? `<ul class="list" id="reasons">${c.reasons.map((r) => `<li class="note">${esc(r)}</li>`).join("")}</ul>` : empty("暂无计分记录")}
        ${toGreen ? `<h3>怎样恢复绿码</h3><ul class="notice-box prose" id="to-green">${toGreen.map((line) => `<li>${esc(line)}</li>`).join("")}</ul>` : ""}</section>
      <section class="card"><details ${toGreen ? "" : "open"}><summary><span class="name">信用规则</span></summary>
        <ol class="prose">${String(c.rule || "").split("\n").filter(Boolean).map((line) => `<li>${esc(line)}</li>`).join("")}</ol></details></section>
      <section class="card"><h2>计分记录</h2><ul class="list" id="entries">${c.entries.length ? c.entries.slice(0, pageSize(20)).map(entryRow).join("") : `<li>${empty("暂无记录")}</li>`}</ul></section>
      ${c.color_history.length ? `<section class="card elder-hide"><h2>信用码变化</h2><ul class="list">${c.color_history.slice().reverse().map((h) => `<li><div class="main">
        ${tag("credit_color", h.from)} → ${tag("credit_color", h.to)}</div><div class="side muted">${esc(fmtTime(h.at, {time: false}))} · ${esc(h.score)} 分</div></li>`).join("")}</ul></section>` : ""}`;
    $$("[data-appeal]", main).forEach((button) => button.addEventListener("click", () => {
      const form = $(`[data-entry="${button.dataset.appeal}"] .appeal-form`, main);
      form.hidden = false;
      $("textarea", form).focus();
    }));
    $$(".appeal-form", main).forEach((form) => form.addEventListener("submit", (e) => {
      e.preventDefault();
      const id = form.closest("[data-entry]").dataset.entry;
      confirmThen($("button", form), {title: "确认提交申诉", message: "每项扣分只能申诉一次,海洋与渔业局会答复并说明理由。确认提交吗?", confirm: "确认申诉"}, async () => {
        await api(`/api/v1/pickup/credit-entries/${id}/appeal`, {method: "POST", body: {reason: $("textarea", form).value.trim()}});
        toast("申诉已提交");
        show();
      });
    }));
  });
  show();
});

const consent = needVessel("授权查询", async ({main, vessel}) => {
  main.innerHTML = `<form class="card" id="consent-form"><h2>授权合作机构查询信用</h2>
      <p class="muted">银行、保险、水产市场凭您的授权查询 ${esc(vessel.vessel_no)} 的信用分和信用码,每次查询都有记录。</p>
      <label for="partner">合作机构</label><select id="partner" data-field="partner"></select>
      <label for="expires">授权截止日期</label><input type="date" id="expires" data-field="expires_at" min="${today(1)}" max="${today(365)}" value="${today(90)}">
      <div class="actions"><button class="btn" type="submit" id="give">授权</button></div><p class="form-error" role="alert" hidden></p></form>
    <section class="card"><h2>我的授权</h2><ul class="list" id="consents"></ul><p class="form-error" role="alert" hidden></p></section>
    <section class="card"><h2>查询记录</h2><ul class="list" id="reads"></ul></section>`;
  const {items: partners} = await api("/api/v1/pickup/credit-partners");
  $("#partner").innerHTML = partners.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("");
  const showConsents = () => load($("#consents"), async () => {
    const {items} = await api(`/api/v1/pickup/vessels/${vessel.id}/consents`);
    $("#consents").innerHTML = items.length ? items.map((c) => `<li><div class="main"><span class="name">${esc(c.partner)}</span>
        <div class="muted">至 ${esc(fmtTime(c.expires_at, {time: false}))}</div></div>
        <div class="side">${tag("consent_status", c.status)}${c.status === "active" ? `<button type="button" class="btn danger" data-revoke="${c.id}">撤销</button>` : ""}</div></li>`).join("")
      : `<li>${empty("尚未授权任何机构")}</li>`;
    $$("[data-revoke]", main).forEach((button) => button.addEventListener("click", () => {
      const c = items.find((x) => String(x.id) === button.dataset.revoke);
      confirmThen(button, {title: "确认撤销授权", message: `撤销后 ${c.partner} 立即不能再查询您的渔船信用。确认撤销吗?`, confirm: "确认撤销", danger: true}, async () => {
        await api(`/api/v1/pickup/vessels/${vessel.id}/consents/${c.id}/revoke`, {method: "POST"});
        toast("授权已撤销");
        showConsents();
      });
    }));
  });
  const showReads = () => load($("#reads"), async () => {
    const {items} = await api(`/api/v1/pickup/vessels/${vessel.id}/credit-reads`);
    $("#reads").innerHTML = items.length ? items.slice(0, pageSize(10)).map((r) => `<li><div class="main"><span class="name">${esc(r.partner)}</span>
        <div class="muted">${esc(fmtTime(r.at))}</div></div><div class="side">${tag("credit_read_outcome", r.outcome)}</div></li>`).join("")
      : `<li>${empty("还没有机构查询过")}</li>`;
  });
  $("#consent-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const partnerName = $("#partner").selectedOptions[0]?.textContent || "";
    confirmThen($("#give"), {title: "确认授权", message: `授权 ${partnerName} 在 ${$("#expires").value} 前查询 ${vessel.vessel_no} 的信用分和信用码。确认授权吗?`, confirm: "确认授权"}, async () => {
      await api(`/api/v1/pickup/vessels/${vessel.id}/consents`, {method: "POST",
        body: {partner: Number($("#partner").value), expires_at: `${$("#expires").value}T23:59:59+08:00`}});
      toast("授权成功");
      showConsents();
    });
  });
  showConsents();
  showReads();
});

export const routes = {"pickup/credit": credit, "pickup/consent": consent};
