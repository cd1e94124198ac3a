/* Every status, colour and result label comes from the API (GET /api/v1/meta/labels, served from api/labels.py):
   the mini-app never keeps a copy of its own. */
import {api, esc} from "./core.js";

let groups = {};

export async function loadLabels() {
  groups = await api("/api/v1/meta/labels");
}

function entry(group, code) {
  return (groups[group] || []).find((item) => item.code === code);
}

/* The Chinese label of a code; the code itself if the API has none (never a blank). */
export function label(group, code) {
  return entry(group, code)?.label ?? String(code ?? "");
}

export function meaning(group, code) {
  return entry(group, code)?.meaning ?? "neutral";
}

/* A status tag coloured by its meaning (good, progress, bad, neutral). */
export function tag(group, code) {
  return `<span class="tag ${esc(meaning(group, code))}">${esc(label(group, code))}</span>`;
}

/* The codes of a group in process order, with their labels: for pickers (<select>). */
export function options(group, selected) {
  return (groups[group] || [])
    .map((item) => `<option value="${esc(item.code)}"${item.code === selected ? " selected" : ""}>${esc(item.label)}</option>`)
    .join("");
}

export const hasLabel = (group, code) => Boolean(entry(group, code));
