import json

import pytest

from extractor.cli import main


def run(args):
    with pytest.raises(SystemExit) as info:
        main(args)
    return info.value.code


@pytest.fixture()
def corpus_folder(tmp_path, sample_text):
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(7):
        (folder / f"d{i}.txt").write_text(sample_text if i % 2 else "ISWAP fought Boko Haram in Borno in 2019.")
    return folder


def test_engines_dask_local_cluster_gives_identical_records(corpus_folder, tmp_path, saved_rule_pipeline, capsys):
    local, dask = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    assert run(["extract", str(corpus_folder), "-o", str(local), "-m", str(saved_rule_pipeline)]) == 0
    assert run(["extract", str(corpus_folder), "-o", str(dask), "-m", str(saved_rule_pipeline),
                "--engine", "dask", "--n-process", "2", "--batch-size", "2"]) == 0
    assert local.read_bytes() == dask.read_bytes()
    assert len(local.read_text().splitlines()) == 7


def test_engines_n_process_two_gives_byte_identical_output(corpus_folder, tmp_path, saved_rule_pipeline, capsys):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    run(["extract", str(corpus_folder), "-o", str(one), "-m", str(saved_rule_pipeline)])
    run(["extract", str(corpus_folder), "-o", str(two), "-m", str(saved_rule_pipeline), "--n-process", "2",
         "--batch-size", "2"])
    assert one.read_bytes() == two.read_bytes()


def test_engines_reads_hf_dataset_saved_to_disk(tmp_path, saved_rule_pipeline, capsys):
    datasets = pytest.importorskip("datasets")
    path = tmp_path / "ds"
    datasets.Dataset.from_dict({"id": ["a", "b"], "text": ["Shekau led Boko Haram.", None]}).save_to_disk(str(path))
    out = tmp_path / "out.jsonl"
    assert run(["extract", "--hf-dataset", str(path), "-o", str(out), "-m", str(saved_rule_pipeline)]) == 1
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert records[0]["relations"] and records[1]["error"]


def test_engines_writes_parquet_and_rejects_unknown_format(corpus_folder, tmp_path, saved_rule_pipeline, capsys):
    datasets = pytest.importorskip("datasets")
    out = tmp_path / "out.parquet"
    assert run(["extract", str(corpus_folder), "-o", str(out), "-m", str(saved_rule_pipeline)]) == 0
    table = datasets.Dataset.from_parquet(str(out))
    assert sorted(table["id"]) == [f"d{i}.txt" for i in range(7)]
    assert run(["extract", str(corpus_folder), "-o", str(tmp_path / "x.xml"), "--format", "xml"]) == 2
    assert "Unknown output format" in capsys.readouterr().err


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_engines_pool_forked_or_spawned_gives_single_process_records(saved_rule_pipeline, sample_text, start_method):
    from extractor.api import extract_many, load
    from extractor.engines import pool_extract_many
    from extractor.inputs import InputRecord

    nlp = load(saved_rule_pipeline)
    texts = [sample_text, "ISWAP fought Boko Haram in Borno in 2019.", ""] * 3
    records = [InputRecord(id=str(i), text=text) for i, text in enumerate(texts)]
    expected = [document.to_dict() for document in extract_many(records, nlp=nlp)]
    pooled = pool_extract_many(records, model_path=saved_rule_pipeline, n_workers=2, partition_size=2, nlp=nlp,
                               start_method=start_method)
    assert [document.to_dict() for document in pooled] == expected


def test_engines_pool_refuses_fork_without_a_loaded_pipeline(saved_rule_pipeline):
    from extractor.engines import pool_extract_many

    with pytest.raises(ValueError, match="fork"):
        list(pool_extract_many([], model_path=saved_rule_pipeline, n_workers=2, start_method="fork"))


IN_MEMORY_TORCH_RUN = """
import spacy
import torch
from spacy.language import Language

from extractor.api import extract_many
from extractor.extensions import install_extensions


@Language.component("torch_matmul")
def torch_matmul(doc):
    x = torch.ones(256, 256)
    for _ in range(3):
        x = torch.tanh(x @ x / 256)
    return doc


torch.set_num_threads(2)
x = torch.ones(512, 512)
(x @ x).sum()
install_extensions()
nlp = spacy.blank("en")
nlp.add_pipe("torch_matmul")
records = list(extract_many(["One text.", "Another text."] * 4, nlp=nlp, n_process=2, batch_size=2))
print(len(records), torch.get_num_threads())
"""


def test_engines_in_memory_torch_pipeline_runs_forked_workers_after_the_parent_used_threads():
    import subprocess
    import sys

    finished = subprocess.run([sys.executable, "-c", IN_MEMORY_TORCH_RUN], capture_output=True, text=True,
                              timeout=120)
    assert finished.stdout.split() == ["8", "2"], finished.stderr[-2000:]
