
import networkx
import pytest

from extractor.api import extract
from extractor.graph import build_graph, write_graph


@pytest.fixture()
def records(rule_nlp, sample_text):
    texts = {"a": sample_text, "b": "ISWAP fought Boko Haram in Borno in 2019. Abubakar Shekau led Boko Haram."}
    return texts, [extract(text, id=doc_id, nlp=rule_nlp).to_dict() for doc_id, text in texts.items()]


def test_graph_merges_entities_across_documents_by_kb_id(records):
    texts, loaded = records
    nodes, edges = build_graph(loaded, texts=texts)
    assert nodes["grp:boko-haram"].documents == {"a", "b"}
    rivalry = edges[("grp:boko-haram", "RIVAL_OF", "grp:iswap")]
    assert rivalry.documents == {"a", "b"} and len(rivalry.evidence) >= 2
    assert all(e["sentence"] for e in rivalry.evidence)


def test_graph_exports_csv_graphml_and_html(records, tmp_path):
    texts, loaded = records
    paths = write_graph(*build_graph(loaded, texts=texts), tmp_path)
    assert [p.name for p in paths] == ["nodes.csv", "edges.csv", "graph.graphml", "graph.html"]
    graph = networkx.read_graphml(tmp_path / "graph.graphml")
    assert graph.nodes["grp:boko-haram"]["label"] == "MILITANT_GROUP"
    assert any(data.get("relation") == "RIVAL_OF" for _, _, data in graph.edges(data=True))
    page = (tmp_path / "graph.html").read_text()
    assert "<script src" not in page and '"grp:boko-haram"' in page
    header = (tmp_path / "edges.csv").read_text().splitlines()[0]
    assert header == "head,relation,tail,documents,evidence,max_confidence,mean_confidence,first_time,last_time,hedged_share"


def test_graph_skips_error_records(records):
    _, loaded = records
    nodes, _ = build_graph(loaded + [{"id": "bad", "entities": [], "relations": [], "error": "boom"}])
    assert all("bad" not in n.documents for n in nodes.values())


def test_graph_cli_show_writes_displacy_html(tmp_path, saved_rule_pipeline, capsys):
    from extractor.cli import main

    doc = tmp_path / "d.txt"
    doc.write_text("Abubakar Shekau led Boko Haram.")
    with pytest.raises(SystemExit):
        main(["show", str(doc), "-m", str(saved_rule_pipeline), "--html", str(tmp_path / "d.html")])
    assert "Boko Haram" in (tmp_path / "d.html").read_text()
    assert "Boko Haram" in capsys.readouterr().out
