import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import main


def run_cli(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    return exit_info.value.code or 0, captured.out, captured.err


@pytest.fixture()
def inputs(tmp_path: Path, sample_text: str) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(sample_text)
    (folder / "sub" / "b.txt").write_text("Shekau led Boko Haram.")
    (folder / "more.jsonl").write_text(json.dumps({"id": "j1", "text": "ISWAP fought Boko Haram."}) + "\n"
                                       + "{not json\n" + json.dumps({"id": "j3"}) + "\n")
    return folder


def test_cli_extract_writes_one_record_per_input(inputs, tmp_path, saved_rule_pipeline, capsys):
    out = tmp_path / "out.jsonl"
    code, _, err = run_cli(["extract", str(inputs), "-o", str(out), "-m", str(saved_rule_pipeline)], capsys)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a.txt", "more.jsonl:2", "j3", "j1", "sub/b.txt"] or \
        sorted(r["id"] for r in records) == ["a.txt", "j1", "j3", "more.jsonl:2", "sub/b.txt"]
    errors = {r["id"]: r["error"] for r in records if r["error"]}
    assert set(errors) == {"more.jsonl:2", "j3"}
    assert "Line 2" in errors["more.jsonl:2"]
    assert code == 1 and "2 failed" in err


def test_cli_extract_to_stdout(tmp_path, saved_rule_pipeline, capsys):
    path = tmp_path / "doc.txt"
    path.write_text("Abubakar Shekau led Boko Haram until 2021.")
    code, out, _ = run_cli(["extract", str(path), "-o", "-", "-m", str(saved_rule_pipeline)], capsys)
    record = json.loads(out)
    assert code == 0 and record["id"] == "doc.txt"
    assert [r["relation"] for r in record["relations"]] == ["LEADER_OF"]
    assert record["relations"][0]["time"]["end"] == "2021"


def test_cli_resume_skips_written_ids_and_drops_partial_line(inputs, tmp_path, saved_rule_pipeline, capsys):
    out = tmp_path / "out.jsonl"
    run_cli(["extract", str(inputs), "-o", str(out), "-m", str(saved_rule_pipeline)], capsys)
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:2]) + lines[2][:10])
    run_cli(["extract", str(inputs), "-o", str(out), "--resume", "-m", str(saved_rule_pipeline)], capsys)
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert sorted(ids) == sorted({json.loads(line)["id"] for line in lines})


def test_cli_missing_input_is_one_line_error(tmp_path, capsys):
    code, _, err = run_cli(["extract", str(tmp_path / "nope.txt"), "-o", "-"], capsys)
    assert code == 2 and err.strip().count("\n") == 0 and "not found" in err


def test_cli_missing_model_is_one_line_error(tmp_path, capsys):
    path = tmp_path / "doc.txt"
    path.write_text("text")
    code, _, err = run_cli(["extract", str(path), "-o", "-", "-m", str(tmp_path / "no-model")], capsys)
    assert code == 2 and "No model found" in err and err.strip().count("\n") == 0


def test_cli_show_prints_entities_and_relations(tmp_path, saved_rule_pipeline, capsys):
    path = tmp_path / "doc.txt"
    path.write_text("Abubakar Shekau led Boko Haram until 2021.")
    code, out, _ = run_cli(["show", str(path), "-m", str(saved_rule_pipeline)], capsys)
    assert code == 0 and "LEADER_OF" in out and "Boko Haram" in out


def test_cli_validate_reports_problems(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "text": "abc", "entities": [
        {"id": "a", "label": "NOPE", "name": "a", "mentions": [{"start": 0, "end": 2, "text": "zz"}]}]}) + "\n")
    code, out, _ = run_cli(["validate", str(bad)], capsys)
    assert code == 1 and "unknown label" in out and "offsets" in out


def test_saved_pipeline_loads_with_spacy_load_in_fresh_interpreter(saved_rule_pipeline):
    script = ("import spacy, sys; nlp = spacy.load(sys.argv[1]); doc = nlp('Shekau led Boko Haram.'); "
              "print(len(doc._.entities), len(doc._.relations))")
    result = subprocess.run([sys.executable, "-c", script, str(saved_rule_pipeline)], capture_output=True,
                            text=True, check=True)
    assert result.stdout.split() == ["2", "1"]


def test_cli_sigkill_mid_run_then_resume_gives_one_record_per_id(tmp_path, saved_rule_pipeline, sample_text):
    import os
    import signal
    import time

    count = 1500
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"d{i}", "text": sample_text}) + "\n" for i in range(count)))
    out = tmp_path / "out.jsonl"
    command = [str(Path(sys.executable).parent / "extractor"), "extract", str(inputs), "-o", str(out),
               "-m", str(saved_rule_pipeline), "--batch-size", "4"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 50):
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    written_before = out.read_bytes().count(b"\n")
    assert 50 <= written_before < count
    subprocess.run(command + ["--resume"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ids = [json.loads(line)["id"] for line in out.read_text().splitlines()]
    assert len(ids) == count and set(ids) == {f"d{i}" for i in range(count)}


def test_cli_unknown_option_is_one_line_error(capsys):
    code, _, err = run_cli(["extract", "corpus", "--bogus"], capsys)
    assert code == 2
    [line] = err.strip().splitlines()
    assert line.startswith("extractor: error: No such option: --bogus (see '") and line.endswith(" --help')")
