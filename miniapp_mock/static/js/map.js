/* A small local map drawn in SVG: no tile server, no network. Points and catchment polygons projected around a centre
   (equirectangular: exact enough at a district's size). */
import {esc} from "./core.js";

const LEVEL_COLOURS = {primary: "#1a5fd0", junior: "#b34700"};
export const levelColour = (level) => LEVEL_COLOURS[level] || "#4a5160";

const M_PER_DEG_LAT = 111320;

function projector(points, size = 320, pad = 16) {
  const lats = points.map((p) => p[1]);
  const lons = points.map((p) => p[0]);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const kx = Math.cos((midLat * Math.PI) / 180);
  const [minX, maxX] = [Math.min(...lons) * kx, Math.max(...lons) * kx];
  const [minY, maxY] = [Math.min(...lats), Math.max(...lats)];
  const span = Math.max(maxX - minX, maxY - minY, 1e-6);
  const scale = (size - 2 * pad) / span;
  const width = (maxX - minX) * scale + 2 * pad;
  const height = (maxY - minY) * scale + 2 * pad;
  const project = ([lon, lat]) => [(lon * kx - minX) * scale + pad, (maxY - lat) * scale + pad];
  const unproject = ([x, y]) => [((x - pad) / scale + minX) / kx, maxY - (y - pad) / scale];
  return {project, unproject, width, height, metres: (m) => (m / M_PER_DEG_LAT) * scale};
}

function rings(geometry) {
  if (!geometry) return [];
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  return polygons.map((polygon) => polygon[0]);
}

/* Schools (numbered as in the list beside the map), their catchments, an optional centre with a search radius. */
export function schoolMap({schools, centre = null, radiusM = null, label = "学校地图"}) {
  const shapes = schools.flatMap((s) => rings(s.catchment).map((ring) => ({ring, level: s.level})));
  const points = [...shapes.flatMap((s) => s.ring), ...schools.map((s) => [s.lon, s.lat])];
  if (centre) {
    points.push([centre.lon, centre.lat]);
    if (radiusM) {
      const dLat = radiusM / M_PER_DEG_LAT;
      const dLon = dLat / Math.cos((centre.lat * Math.PI) / 180);
      points.push([centre.lon - dLon, centre.lat - dLat], [centre.lon + dLon, centre.lat + dLat]);
    }
  }
  if (!points.length) return {svg: "", unproject: null};
  const map = projector(points);
  const xy = (p) => map.project(p).map((v) => v.toFixed(1));
  const polygonMarkup = shapes.map((s) => `<polygon points="${s.ring.map((p) => xy(p).join(",")).join(" ")}"
      fill="${levelColour(s.level)}22" stroke="${levelColour(s.level)}" stroke-width="2"/>`).join("");
  const schoolMarkup = schools.map((s, i) => {
    const [x, y] = xy([s.lon, s.lat]);
    return `<g><circle cx="${x}" cy="${y}" r="9" fill="${levelColour(s.level)}"/><text x="${x}" y="${y}" dy="4" text-anchor="middle"
      font-size="11" fill="#fff" font-weight="700">${i + 1}</text><title>${esc(s.name)}</title></g>`;
  }).join("");
  let centreMarkup = "";
  if (centre) {
    const [x, y] = xy([centre.lon, centre.lat]);
    const r = radiusM ? map.metres(radiusM).toFixed(1) : 0;
    centreMarkup = `${radiusM ? `<circle cx="${x}" cy="${y}" r="${r}" fill="none" stroke="#0b3d91" stroke-dasharray="5 4"/>` : ""}
      <path d="M${x} ${y} l-7 -16 a8 8 0 1 1 14 0 z" fill="#c62828" stroke="#fff" stroke-width="1.5"><title>所选位置</title></path>`;
  }
  const svg = `<svg class="map" viewBox="0 0 ${map.width.toFixed(0)} ${map.height.toFixed(0)}" role="img" aria-label="${esc(label)}">
      <rect width="100%" height="100%" fill="#eef3f6"/>${polygonMarkup}${centreMarkup}${schoolMarkup}</svg>`;
  return {svg, unproject: map.unproject, width: map.width, height: map.height};
}
