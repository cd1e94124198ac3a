/* 入学一掌通, the guardian's own case: eligibility self-check, applying, progress with the allocation result,
   waitlist position, offer acceptance, review requests and withdrawal. What may be done comes from the API (can_*). */
import {$, $$, act, api, confirmAction, confirmThen, empty, esc, fmtTime, load, pageSize, session, toast} from "./core.js";
import {hasLabel, label, options, tag} from "./labels.js";
import {statusTag} from "./admission.js";

function applicationForm(prefix) {
  const me = session.resident;
  const children = me.children || [];
  if (!children.length) return empty("您名下没有适龄子女信息(以公安户籍登记的监护关系为准)。");
  return `<label for="${prefix}-child">孩子</label><select id="${prefix}-child" data-field="child">${children.map((c, i) =>
      `<option value="${i}">${esc(c.name)}(${esc(c.birth_date)} 出生)</option>`).join("")}</select>
    <label for="${prefix}-level">学段</label><select id="${prefix}-level" data-field="level">${options("school_level", "primary")}</select>
    <label for="${prefix}-property">房产</label><select id="${prefix}-property" data-field="property_no">
      ${(me.property_nos || []).map((p) => `<option>${esc(p)}</option>`).join("")}<option value="">无房产(新居民积分入学)</option></select>
    <label for="${prefix}-school">报名学校</label><select id="${prefix}-school" data-field="school_id"><option value="">学区学校(自动匹配)</option></select>
    <p class="muted elder-hide">新居民积分入学须选择学校;有学区房产的可自动匹配学区学校。</p>`;
}

async function fillSchools(prefix) {
  const select = $(`#${prefix}-school`);
  if (!select) return;
  const {items} = await api(`/api/v1/admission/schools?level=${$(`#${prefix}-level`).value}&limit=100`);
  select.innerHTML = `<option value="">学区学校(自动匹配)</option>${items.map((s) => `<option value="${s.id}">${esc(s.name)}</option>`).join("")}`;
}

function body(prefix) {
  const child = session.resident.children[Number($(`#${prefix}-child`).value)];
  return {
    level: $(`#${prefix}-level`).value,
    child: {name: child.name, id_number: child.id_number},  // the birth date is the ID number's
    property_no: $(`#${prefix}-property`).value || null,
    school_id: $(`#${prefix}-school`).value ? Number($(`#${prefix}-school`).value) : null,
  };
}

function eligibilityResult(r) {
  return r.eligible
    ? `<div class="form-ok" id="eligible"><span class="name">符合报名条件</span><br>${esc(r.category)} 类 · ${esc(r.school?.name || "")}
        ${r.points != null ? ` · 积分 ${esc(r.points)}` : ""}</div>`
    : `<div class="form-error" id="not-eligible"><span class="name">暂不符合报名条件</span><ul>${r.reasons.map((x) => `<li>${esc(x)}</li>`).join("")}</ul></div>`;
}

function wireForm(prefix) {
  const level = $(`#${prefix}-level`);
  if (!level) return;
  level.addEventListener("change", () => fillSchools(prefix).catch(() => toast("学校列表加载未成功", "error")));
  fillSchools(prefix).catch(() => toast("学校列表加载未成功", "error"));
}

/* ---------- 6 资格自检 ---------- */
async function eligibility({main, setTitle}) {
  setTitle("资格自检", "#/admission");
  main.innerHTML = `<form class="card" id="check-form"><h2>资格自检</h2><p class="muted elder-hide">只做检查,不会提交报名。</p>
      ${applicationForm("e")}<div class="actions"><button class="btn" type="submit" id="check">开始自检</button></div>
      <p class="form-error" role="alert" hidden></p><div id="eligibility" aria-live="polite"></div></form>`;
  wireForm("e");
  $("#check-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!$("#e-child")) return;
    act($("#check"), async () => {
      const r = await api("/api/v1/admission/eligibility", {method: "POST", body: body("e")});
      $("#eligibility").innerHTML = eligibilityResult(r) + (r.eligible ? `<div class="actions"><a class="btn" href="#/admission/apply">去报名</a></div>` : "");
    });
  });
}

/* ---------- 7 报名入口 ---------- */
async function apply({main, setTitle}) {
  setTitle("报名入口", "#/admission");
  main.innerHTML = `<form class="card" id="apply-form"><h2>网上报名</h2>${applicationForm("a")}
      <div class="actions"><button class="btn block" type="submit" id="apply">提交报名</button></div>
      <p class="form-error" role="alert" hidden></p><div id="apply-result" aria-live="polite"></div></form>`;
  wireForm("a");
  $("#apply-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!$("#a-child")) return;
    const button = $("#apply");
    act(button, async () => {
      const request = body("a");
      const check = await api("/api/v1/admission/eligibility", {method: "POST", body: request});
      if (!check.eligible) { $("#apply-result").innerHTML = eligibilityResult(check); return; }
      $("#apply-result").innerHTML = "";
      const child = request.child.name;
      const yes = await confirmAction({
        title: "确认提交报名",
        message: `为 ${child} 报名 ${check.school.name}(${check.category} 类)。同一孩子同一学段每年只能有一个有效报名,确认提交吗?`,
        confirm: "确认报名",
      });
      if (!yes) return;
      const r = await api("/api/v1/admission/applications", {method: "POST", body: request});
      $("#apply-result").innerHTML = `<div class="form-ok" id="applied">报名成功:${esc(r.school.name)}(${esc(r.category)} 类)<br>
        <a href="#/admission/progress?id=${r.id}">查看进度</a></div>`;
    });
  });
}

/* ---------- 8 进度查询, with the result and what the guardian may do ---------- */
function stepText(event) {
  return hasLabel("application_step", event.step) ? label("application_step", event.step) : label("application_status", event.status);
}

function applicationCard(a) {
  const lines = [];
  if (a.waitlist_position) lines.push(`<p class="notice-box" id="waitlist-${a.id}">候补第 ${esc(a.waitlist_position)} 位:有人放弃时按顺序递补,递补时短信通知。</p>`);
  if (a.offer_expires_at && a.can_accept) lines.push(`<p class="notice-box">请于 ${esc(fmtTime(a.offer_expires_at))} 前确认是否接受学位,逾期视为放弃。</p>`);
  if (a.result_reason) lines.push(`<p class="note">${esc(a.result_reason)}</p>`);
  // an official's note (decision_note) is in the history with its step: shown there, once
  const review = a.review ? `<div class="card" style="background:#f7f9fc"><span class="name">复核申请</span> <span class="muted">${esc(fmtTime(a.review.requested_at))}</span>
      <p class="note">${esc(a.review.reason)}</p>${a.review.answer ? `<p class="note">答复(${esc(fmtTime(a.review.answered_at))}):${esc(a.review.answer)}</p>`
      : `<p class="muted">等待教育局答复</p>`}</div>` : "";
  const buttons = [
    a.can_accept ? `<button type="button" class="btn" data-act="accept">接受学位</button>` : "",
    a.can_decline ? `<button type="button" class="btn danger" data-act="decline">放弃学位</button>` : "",
    a.can_request_review ? `<button type="button" class="btn secondary" data-act="review">申请复核</button>` : "",
    a.can_withdraw ? `<button type="button" class="btn danger" data-act="withdraw">撤回报名</button>` : "",
  ].join("");
  return `<section class="card application" id="application-${a.id}" data-id="${a.id}">
    <div class="spread"><h2><span class="name">${esc(a.child_name)}</span></h2>${statusTag(a)}</div>
    <p><span class="name">${esc(a.school.name)}</span> <span class="muted">${esc(a.year)} 年 · ${esc(label("school_level", a.level))} · ${esc(a.category)} 类</span></p>
    ${lines.join("")}
    <details open><summary>办理进度(${a.history.length} 步)</summary><ol class="list">${a.history.map((h) => `<li><div class="main">
        <span class="name">${esc(stepText(h))}</span><div class="muted">${esc(fmtTime(h.at))}</div>
        ${h.reason ? `<div class="note">${esc(h.reason)}</div>` : ""}</div></li>`).join("")}</ol></details>
    ${review}
    ${buttons ? `<div class="actions">${buttons}</div>` : ""}
    <form class="review-form" hidden><label for="reason-${a.id}">复核理由</label>
      <textarea id="reason-${a.id}" data-field="reason" maxlength="500" placeholder="请写明需要复核的原因,如:房产证已更新"></textarea>
      <div class="actions"><button class="btn" type="submit">提交复核申请</button></div><p class="form-error" role="alert" hidden></p></form>
    <p class="form-error" role="alert" hidden></p></section>`;
}

const ACTIONS = {
  accept: {title: "确认接受学位", message: (a) => `接受 ${a.school.name} 的学位后将正式录取,并占用房产学位(锁定期内不能再用于其他孩子)。确认接受吗?`,
    confirm: "确认接受", path: "accept", done: "已接受学位,录取完成"},
  decline: {title: "确认放弃学位", message: (a) => `放弃后,${a.school.name} 的这个学位会立即递补给候补的孩子,不能恢复。确认放弃吗?`,
    confirm: "确认放弃", danger: true, path: "decline", done: "已放弃学位"},
  withdraw: {title: "确认撤回报名", message: (a) => `撤回 ${a.child_name} 报名 ${a.school.name} 的申请后不能恢复,需重新报名。确认撤回吗?`,
    confirm: "确认撤回", danger: true, path: "withdraw", done: "报名已撤回"},
};

async function progress({main, setTitle, params}) {
  setTitle("进度查询", "#/admission");
  main.innerHTML = `<div id="applications"></div>`;
  const show = () => load($("#applications"), async () => {
    const {items} = await api(`/api/v1/admission/applications?limit=${pageSize(10)}`);
    $("#applications").innerHTML = items.length ? items.map(applicationCard).join("") : `<section class="card">${empty("还没有报名")}
      <div class="actions"><a class="btn" href="#/admission/apply">去报名</a></div></section>`;
    for (const card of $$(".application", main)) {
      const a = items.find((x) => String(x.id) === card.dataset.id);
      $$("[data-act]", card).forEach((button) => button.addEventListener("click", () => {
        const kind = button.dataset.act;
        if (kind === "review") { $(".review-form", card).hidden = false; $("textarea", card).focus(); return; }
        const spec = ACTIONS[kind];
        confirmThen(button, {title: spec.title, message: spec.message(a), confirm: spec.confirm, danger: spec.danger}, async () => {
          await api(`/api/v1/admission/applications/${a.id}/${spec.path}`, {method: "POST"});
          toast(spec.done);
          show();
        });
      }));
      const form = $(".review-form", card);
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        const button = $("button", form);
        confirmThen(button, {title: "确认申请复核", message: "每个报名只能申请一次复核,教育局会在规定时间内答复。确认提交吗?", confirm: "确认提交"}, async () => {
          await api(`/api/v1/admission/applications/${a.id}/reviews`, {method: "POST", body: {reason: $("textarea", form).value.trim()}});
          toast("复核申请已提交");
          show();
        });
      });
    }
    if (params.id) $(`#application-${CSS.escape(params.id)}`)?.scrollIntoView({block: "start"});
  });
  show();
}

export const routes = {
  "admission/eligibility": eligibility,
  "admission/apply": apply,
  "admission/progress": progress,
};
