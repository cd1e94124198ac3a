/* 浙里民生 mini-app mock: the shell (header, 长辈版 switch, tabs) and the hash router. Each service's screens live in
   their own module; this file only wires them. A 浙里办-style H5 client of the public API: no build step, no CDN. */
import {$, $$, session, toast} from "./core.js";
import {loadLabels} from "./labels.js";
import * as home from "./home.js";
import * as admission from "./admission.js";
import * as admissionApply from "./admission_apply.js";
import * as greencoins from "./greencoins.js";
import * as pickup from "./pickup.js";
import * as pickupCredit from "./pickup_credit.js";
import * as mine from "./mine.js";

const ROUTES = {
  ...home.routes,
  ...admission.routes,
  ...admissionApply.routes,
  ...greencoins.routes,
  ...pickup.routes,
  ...pickupCredit.routes,
  ...mine.routes,
};
const PUBLIC = new Set(["login"]);
const TABS = {home: "home", admission: "home", greencoins: "home", pickup: "home", mine: "mine", inbox: "inbox"};

function parse(hash) {
  const [path, query = ""] = hash.replace(/^#\/?/, "").split("?");
  return {path: path || "home", params: Object.fromEntries(new URLSearchParams(query))};
}

/* The title in the header and where the back arrow leads (none on the top screens). */
function setTitle(text, back) {
  $("#title").textContent = text;
  document.title = `${text} · 浙里办`;
  const button = $("#back");
  button.hidden = !back;
  button.dataset.to = back || "";
}

let rendering = 0;
async function route() {
  const {path, params} = parse(location.hash);
  if (!session.token && !PUBLIC.has(path)) { location.hash = "#/login"; return; }
  const view = ROUTES[path];
  if (!view) { location.hash = session.token ? "#/home" : "#/login"; return; }
  const tab = TABS[path.split("/")[0]];
  $("#tabs").hidden = !session.token;
  $$("#tabs a").forEach((a) => (a.dataset.tab === tab ? a.setAttribute("aria-current", "page") : a.removeAttribute("aria-current")));
  const main = $("#view");
  const mine = ++rendering;
  main.innerHTML = "";
  window.scrollTo(0, 0);
  try {
    await view({main, params, setTitle, stale: () => mine !== rendering});
  } catch (error) {
    console.error(error);
    toast("页面加载未成功,请稍后重试", "error");
  }
  main.dataset.ready = path; // the browser tests wait for this
}

/* 长辈版 (elder mode), as 浙里办 offers it: larger text and touch targets, fewer items a screen, simpler layout. */
function applyElder(on) {
  document.documentElement.classList.toggle("elder", on);
  const toggle = $("#elder");
  toggle.setAttribute("aria-checked", String(on));
  $("#elder .switch-state").textContent = on ? "开" : "关";
}

async function start() {
  applyElder(localStorage.getItem("elder") === "1");
  $("#elder").addEventListener("click", () => {
    const on = !document.documentElement.classList.contains("elder");
    localStorage.setItem("elder", on ? "1" : "0");
    applyElder(on);
    route(); // the screen is laid out again for the mode (fewer items a screen in 长辈版)
  });
  $("#back").addEventListener("click", () => { location.hash = $("#back").dataset.to || "#/home"; });
  try {
    await loadLabels();
  } catch {
    toast("网络连接失败,请稍后重试", "error");
  }
  window.addEventListener("hashchange", route);
  route();
}

start();
