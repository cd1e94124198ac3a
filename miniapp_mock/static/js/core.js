/* The mini-app's plumbing: calling the API, one Idempotency-Key per user action, busy buttons, messages in Chinese,
   confirmation dialogs, loading and empty states, dates. No markup of any service lives here. */

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

export const esc = (value) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);

/* ---------- who is signed in ---------- */
export const session = {
  get token() { return sessionStorage.getItem("token"); },
  get resident() { return JSON.parse(sessionStorage.getItem("resident") || "null"); },
  save(token, resident) {
    sessionStorage.setItem("token", token);
    sessionStorage.setItem("resident", JSON.stringify(resident));
  },
  clear() { sessionStorage.removeItem("token"); sessionStorage.removeItem("resident"); },
};

/* ---------- errors in Chinese ---------- */
/* The API speaks "中文 (english)": the citizen reads the Chinese half only. */
export function chinese(message) {
  const text = String(message ?? "").trim();
  const stripped = text.replace(/\s*[(（][^()（）]*[A-Za-z][^()（）]*[)）]\s*$/, "").trim();
  if (!stripped) return "操作未成功,请稍后重试";
  return /[\u4e00-\u9fff]/.test(stripped) ? stripped : "填写的内容有误,请检查后重试"; // never an English-only message
}

export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields; // field path ("child.id_number") -> Chinese message
  }
}

function flattenFields(details, prefix = "", out = {}) {
  if (!details || typeof details !== "object") return out;
  for (const [key, value] of Object.entries(details)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) out[path] = value.map(chinese).join(";");
    else if (typeof value === "string") out[path] = chinese(value);
    else flattenFields(value, path, out);
  }
  return out;
}

function errorFrom(status, data) {
  const reasons = data?.details?.reasons;
  const message = Array.isArray(reasons) && reasons.length ? reasons.map(chinese).join(";") : chinese(data?.message || "");
  const fields = data?.error === "validation_error" ? flattenFields(data.details) : {};
  return new ApiError(status, data?.error || "error", status >= 500 ? "服务暂时不可用,请稍后重试" : message, fields);
}

/* ---------- one Idempotency-Key per user action ---------- */
/* The same action (same call, same body) keeps its key until the server has answered it, so a retry after a lost
   answer is replayed by the server instead of creating a second booking or redemption. */
const pendingKeys = new Map();

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function keyFor(signature) {
  if (!pendingKeys.has(signature)) pendingKeys.set(signature, newKey());
  return pendingKeys.get(signature);
}

export async function api(path, {method = "GET", body} = {}) {
  const headers = {Accept: "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const signature = `${method} ${path} ${JSON.stringify(body ?? null)}`;
  if (method !== "GET") headers["Idempotency-Key"] = keyFor(signature);
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch {
    throw new ApiError(0, "network", "网络连接失败,请检查网络后重试");
  }
  if (method !== "GET" && response.status < 500) pendingKeys.delete(signature); // answered: the next tap is a new action
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && session.token) {
      session.clear();
      location.hash = "#/login";
    }
    throw errorFrom(response.status, data);
  }
  return data;
}

/* ---------- messages: a toast, or beside what failed ---------- */
let toastTimer;
export function toast(message, kind = "ok") {
  const box = $("#toast");
  box.textContent = message;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, kind === "ok" ? 3500 : 6000);
}

/* Show an error next to the control that failed: field messages beside their inputs, the rest under the button. */
export function showError(error, anchor) {
  const scope = anchor?.closest("form, .card, dialog") || null;
  let shown = false;
  if (scope && error.fields) {
    for (const [path, message] of Object.entries(error.fields)) {
      const parts = path.split(".");
      const candidates = [...parts.map((_, i) => parts.slice(0, parts.length - i).join(".")), parts[parts.length - 1]];
      const input = candidates.map((name) => scope.querySelector(`[data-field="${CSS.escape(name)}"]`)).find(Boolean);
      if (!input) continue;
      fieldError(input, message);
      shown = true;
    }
  }
  const box = scope?.querySelector(".form-error");
  if (box) {
    box.textContent = error.message;
    box.hidden = false;
    box.scrollIntoView({block: "nearest"});
    return;
  }
  if (!shown) toast(error.message, "error");
}

export function fieldError(input, message) {
  const id = `${input.id || input.dataset.field}-error`;
  let hint = document.getElementById(id);
  if (!hint) {
    hint = document.createElement("p");
    hint.id = id;
    hint.className = "field-error";
    input.insertAdjacentElement("afterend", hint);
  }
  hint.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", id);
}

function clearErrors(scope) {
  if (!scope) return;
  $$(".field-error", scope).forEach((el) => el.remove());
  $$("[aria-invalid]", scope).forEach((el) => { el.removeAttribute("aria-invalid"); el.removeAttribute("aria-describedby"); });
  $$(".form-error", scope).forEach((el) => { el.hidden = true; el.textContent = ""; });
}

/* A user's tap: the button is disabled while the request is in flight, old errors go, a new one shows beside it. */
export async function act(button, action) {
  if (button?.disabled || button?.getAttribute("aria-busy") === "true") return undefined;
  const scope = button?.closest("form, .card, dialog");
  clearErrors(scope);
  if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ApiError)) console.error(error); // a bug of ours: say so plainly, never an English trace
    showError(error instanceof ApiError ? error : new ApiError(0, "client", "操作未成功,请稍后重试"), button);
    return undefined;
  } finally {
    if (button?.isConnected) { button.disabled = false; button.removeAttribute("aria-busy"); }
  }
}

/* Load a part of a page: a loading state while it comes, the error in its place if it fails. */
export async function load(container, action) {
  const inList = /^(UL|OL)$/.test(container.tagName); // a list holds only <li>: the states go inside one
  const wrap = (html) => (inList ? `<li>${html}</li>` : html);
  container.innerHTML = wrap(`<p class="state loading" role="status">加载中…</p>`);
  try {
    await action();
  } catch (error) {
    const message = error instanceof ApiError ? error.message : "加载未成功,请稍后重试";
    if (!(error instanceof ApiError)) console.error(error);
    container.innerHTML = wrap(`<p class="state failed" role="alert">${esc(message)}</p>`);
  }
}

export const empty = (text) => `<p class="state empty">${esc(text)}</p>`;

/* ---------- confirmation before what cannot be undone ---------- */
export function confirmAction({title, message, confirm = "确认", danger = false}) {
  const dialog = $("#confirm");
  if (dialog.open) return Promise.resolve(false); // a second tap while the question is on screen asks nothing new
  return new Promise((resolve) => {
    $("#confirm-title", dialog).textContent = title;
    $("#confirm-message", dialog).textContent = message;
    const ok = $("#confirm-ok", dialog);
    ok.textContent = confirm;
    ok.className = `btn ${danger ? "danger" : ""}`;
    const finish = (answer) => {
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    const onClose = () => finish(dialog.returnValue === "ok");
    dialog.returnValue = "";
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    $("#confirm-cancel", dialog).focus();
  });
}

/* Confirm, then act: nothing is sent if the citizen says no. */
export async function confirmThen(button, question, action) {
  if (button?.disabled) return undefined;
  if (!(await confirmAction(question))) return undefined;
  return act(button, action);
}

/* ---------- dates and numbers as people read them ---------- */
const SHANGHAI = "Asia/Shanghai";
export function fmtTime(iso, {date = true, time = true} = {}) {
  if (!iso) return "";
  const parts = new Intl.DateTimeFormat("zh-CN", {
    timeZone: SHANGHAI, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  }).formatToParts(new Date(iso));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  const d = `${p.year}-${p.month}-${p.day}`;
  const t = `${p.hour}:${p.minute}`;
  return date && time ? `${d} ${t}` : date ? d : t;
}

export function today(offsetDays = 0) {
  const now = new Date(Date.now() + offsetDays * 86400000);
  return new Intl.DateTimeFormat("en-CA", {timeZone: SHANGHAI}).format(now); // YYYY-MM-DD
}

export const fmtNumber = (n) => new Intl.NumberFormat("zh-CN").format(n ?? 0);

export function formData(form) {
  return Object.fromEntries(new FormData(form).entries());
}

/* 长辈版: fewer items a screen. */
export const elder = () => document.documentElement.classList.contains("elder");
export const pageSize = (normal = 10) => (elder() ? Math.max(3, Math.ceil(normal / 2)) : normal);
