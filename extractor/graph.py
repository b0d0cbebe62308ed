"""Corpus graph: merge entities across extraction records and aggregate triples into weighted edges."""
import csv
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

from .labels import SYMMETRIC
from .pipeline.entity_linker import normalize_name


@dataclass
class Node:
    id: str
    name: str
    label: str
    kb_id: Optional[str]
    documents: set = field(default_factory=set)
    mentions: int = 0


@dataclass
class Edge:
    head: str
    relation: str
    tail: str
    documents: set = field(default_factory=set)
    evidence: List[Dict[str, Any]] = field(default_factory=list)
    confidences: List[float] = field(default_factory=list)
    times: List[str] = field(default_factory=list)
    hedged: int = 0


def node_key(entity: Dict[str, Any]) -> str:
    """RETURNS (str): The corpus-level id: the gazetteer id, else label and normalised canonical name."""
    return entity["kb_id"] or f"{entity['label'].lower()}:{normalize_name(entity['name'])}"


def build_graph(records: Iterable[Dict[str, Any]], *, texts: Optional[Dict[str, str]] = None
                ) -> Tuple[Dict[str, Node], Dict[Tuple[str, str, str], Edge]]:
    """Merge documents' entities by kb_id or canonical name and their triples into edges.

    records (Iterable[Dict[str, Any]]): Extraction records (document.schema.json); records with errors are skipped.
    texts (Optional[Dict[str, str]]): Document id -> text, to attach evidence sentences to edges.
    RETURNS (Tuple[Dict[str, Node], Dict[Tuple[str, str, str], Edge]]): Nodes by key and edges by (head, rel, tail).
    """
    nodes: Dict[str, Node] = {}
    edges: Dict[Tuple[str, str, str], Edge] = {}
    for record in records:
        if record.get("error"):
            continue
        local = {}
        for entity in record["entities"]:
            key = node_key(entity)
            local[entity["id"]] = key
            node = nodes.setdefault(key, Node(key, entity["name"], entity["label"], entity["kb_id"]))
            node.documents.add(record["id"])
            node.mentions += len(entity["mentions"])
        for rel in record["relations"]:
            head, tail = local[rel["head"]], local[rel["tail"]]
            if rel["relation"] in SYMMETRIC and tail < head:
                head, tail = tail, head
            edge = edges.setdefault((head, rel["relation"], tail), Edge(head, rel["relation"], tail))
            edge.documents.add(record["id"])
            edge.confidences.append(rel["confidence"])
            edge.hedged += bool(rel["hedged"])
            if rel["time"]:
                edge.times.extend(t for t in (rel["time"]["start"], rel["time"]["end"]) if t)
            text = (texts or {}).get(record["id"])
            for ev in rel["evidence"]:
                edge.evidence.append({"doc": record["id"], "start": ev["start"], "end": ev["end"],
                                      "confidence": ev["confidence"],
                                      "sentence": text[ev["start"]:ev["end"]] if text else None})
    return nodes, edges


def edge_row(edge: Edge) -> Dict[str, Any]:
    return {"head": edge.head, "relation": edge.relation, "tail": edge.tail, "documents": len(edge.documents),
            "evidence": len(edge.evidence), "max_confidence": round(max(edge.confidences), 4),
            "mean_confidence": round(sum(edge.confidences) / len(edge.confidences), 4),
            "first_time": min(edge.times) if edge.times else "", "last_time": max(edge.times) if edge.times else "",
            "hedged_share": round(edge.hedged / len(edge.confidences), 4)}


def write_graph(nodes: Dict[str, Node], edges: Dict[Tuple[str, str, str], Edge], output: Path) -> List[Path]:
    """Write nodes.csv, edges.csv, graph.graphml and graph.html into a folder. RETURNS (List[Path]): Files."""
    import networkx

    output.mkdir(parents=True, exist_ok=True)
    node_rows = [{"id": n.id, "name": n.name, "label": n.label, "kb_id": n.kb_id or "",
                  "documents": len(n.documents), "mentions": n.mentions} for n in nodes.values()]
    edge_rows = [edge_row(e) for e in edges.values()]
    for name, rows, fields in (("nodes.csv", node_rows, ["id", "name", "label", "kb_id", "documents", "mentions"]),
                               ("edges.csv", edge_rows, list(edge_rows[0]) if edge_rows else ["head"])):
        with (output / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)
    graph = networkx.MultiDiGraph()
    for row in node_rows:
        graph.add_node(row["id"], **{k: v for k, v in row.items() if k != "id"})
    for row in edge_rows:
        graph.add_edge(row["head"], row["tail"], key=row["relation"],
                       **{k: v for k, v in row.items() if k not in ("head", "tail")})
    networkx.write_graphml(graph, output / "graph.graphml")
    (output / "graph.html").write_text(render_html(node_rows, edges), encoding="utf-8")
    return [output / n for n in ("nodes.csv", "edges.csv", "graph.graphml", "graph.html")]


def render_html(node_rows: List[Dict[str, Any]], edges: Dict[Tuple[str, str, str], Edge]) -> str:
    """RETURNS (str): A self-contained interactive page (no external scripts): force layout, click for evidence."""
    data = {"nodes": node_rows,
            "edges": [dict(edge_row(e), evidence=e.evidence[:20]) for e in edges.values()]}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return _HTML_TEMPLATE.replace("__DATA__", payload).replace("__TITLE__", html.escape("extractor graph"))


_HTML_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body{margin:0;font:13px sans-serif;display:flex;height:100vh}
#view{flex:1;height:100vh}#side{width:340px;overflow:auto;border-left:1px solid #ccc;padding:8px}
.legend span{display:inline-block;margin-right:8px}.dot{width:10px;height:10px;display:inline-block;border-radius:5px}
</style></head><body>
<svg id="view"></svg>
<div id="side"><h3>extractor graph</h3><div class="legend" id="legend"></div>
<p>Click a node or an edge to see its evidence.</p><div id="info"></div></div>
<script>
const DATA = __DATA__;
const NODE_COLOURS = {MILITANT_GROUP:"#b30000", PERSON:"#08519c", ORG:"#006d2c", GPE:"#54278f"};
const EDGE_COLOURS = {ALLY_OF:"#41ab5d", RIVAL_OF:"#fb6a4a", LEADER_OF:"#6baed6", MEMBER_OF:"#9e9ac8",
                      AFFILIATE_OF:"#fd8d3c"};
const svg = document.getElementById("view"), info = document.getElementById("info");
const W = svg.clientWidth || 900, H = svg.clientHeight || 700, NS = "http://www.w3.org/2000/svg";
const legend = document.getElementById("legend");
for (const [k, c] of Object.entries(Object.assign({}, NODE_COLOURS, EDGE_COLOURS)))
  legend.innerHTML += `<span><i class="dot" style="background:${c}"></i> ${k}</span>`;
const linked = new Set(DATA.edges.flatMap(e => [e.head, e.tail]));
DATA.nodes = DATA.nodes.filter(n => linked.has(n.id));  // isolated entities stay in nodes.csv, not the view
const byId = {};
DATA.nodes.forEach((n, i) => { n.x = W / 2 + 200 * Math.cos(i); n.y = H / 2 + 200 * Math.sin(i * 1.7);
  n.vx = 0; n.vy = 0; byId[n.id] = n; });
const links = DATA.edges.filter(e => byId[e.head] && byId[e.tail]);
for (let step = 0; step < 300; step++) {
  for (const a of DATA.nodes) for (const b of DATA.nodes) if (a !== b) {
    const dx = a.x - b.x, dy = a.y - b.y, d2 = dx * dx + dy * dy + 0.01;
    if (d2 < 90000) { const f = 600 / d2; a.vx += dx * f; a.vy += dy * f; } }
  for (const e of links) { const a = byId[e.head], b = byId[e.tail];
    const dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01, f = (d - 90) * 0.01;
    a.vx += dx / d * f * d / 10; a.vy += dy / d * f * d / 10; b.vx -= dx / d * f * d / 10; b.vy -= dy / d * f * d / 10; }
  for (const n of DATA.nodes) { n.vx += (W / 2 - n.x) * 0.01; n.vy += (H / 2 - n.y) * 0.01;
    n.x += Math.max(-20, Math.min(20, n.vx)); n.y += Math.max(-20, Math.min(20, n.vy)); n.vx *= 0.5; n.vy *= 0.5; }
}
const xs = DATA.nodes.map(n => n.x), ys = DATA.nodes.map(n => n.y);
const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
for (const n of DATA.nodes) {
  n.x = 30 + (n.x - minX) / Math.max(1, maxX - minX) * (W - 160);
  n.y = 20 + (n.y - minY) / Math.max(1, maxY - minY) * (H - 40); }
function el(name, attrs) { const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); svg.appendChild(e); return e; }
function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c])); }
function showEdge(e) {
  info.innerHTML = `<h4>${esc(byId[e.head].name)} ${e.relation} ${esc(byId[e.tail].name)}</h4>` +
    `<p>${e.documents} document(s), ${e.evidence.length} evidence, max confidence ${e.max_confidence}` +
    `${e.first_time ? ", " + e.first_time + " to " + e.last_time : ""}</p>` +
    e.evidence.map(v => `<p><b>${esc(v.doc)}</b> [${v.start}-${v.end}] ${v.confidence}<br>${esc(v.sentence || "")}</p>`).join("");
}
function showNode(n) {
  const rows = links.filter(e => e.head === n.id || e.tail === n.id);
  info.innerHTML = `<h4>${esc(n.name)} (${n.label})</h4><p>${n.kb_id ? esc(n.kb_id) + ", " : ""}${n.documents} document(s)</p>` +
    rows.map(e => `<p>${esc(byId[e.head].name)} <b>${e.relation}</b> ${esc(byId[e.tail].name)} (${e.max_confidence})</p>`).join("");
}
for (const e of links) { const a = byId[e.head], b = byId[e.tail];
  const line = el("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: EDGE_COLOURS[e.relation] || "#999",
    "stroke-width": 1 + Math.min(5, e.documents), opacity: 0.8, cursor: "pointer"});
  line.addEventListener("click", () => showEdge(e)); }
for (const n of DATA.nodes) {
  const c = el("circle", {cx: n.x, cy: n.y, r: 5 + Math.min(10, n.documents), fill: NODE_COLOURS[n.label] || "#777",
    cursor: "pointer"});
  c.addEventListener("click", () => showNode(n));
  const t = el("text", {x: n.x + 8, y: n.y + 4, "font-size": 11}); t.textContent = n.name; }
</script></body></html>
"""
