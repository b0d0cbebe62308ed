"""Command definitions; each calls an importable library function."""
import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import Errors
from . import app, corpus_app

Arg = typer.Argument
Opt = typer.Option


@app.command("extract")
def extract_cli(
    inputs: List[Path] = Arg(None, help=".txt files, .jsonl files ({id, text}) and folders (searched recursively)."),
    output: str = Opt(..., "--output", "-o", help="Output JSONL file, or - for stdout."),
    model: Optional[Path] = Opt(None, "--model", "-m", help="Pipeline folder (default: the shipped one)."),
    n_process: int = Opt(1, "--n-process", "-n", min=1, help="Worker processes."),
    batch_size: int = Opt(16, "--batch-size", "-b", min=1, help="Documents per batch."),
    resume: bool = Opt(False, "--resume", help="Skip ids already in the output file."),
    text_field: str = Opt("text", "--text-field", help="Text key in JSONL input."),
    engine: str = Opt("local", "--engine", help="local (this machine) or dask (a Dask distributed cluster)."),
    scheduler: Optional[str] = Opt(None, "--scheduler", help="Dask scheduler address; a LocalCluster when omitted."),
    hf_dataset: Optional[Path] = Opt(None, "--hf-dataset", help="A datasets.Dataset saved with save_to_disk."),
    id_field: str = Opt("id", "--id-field", help="Id key in JSONL and dataset input."),
    output_format: Optional[str] = Opt(None, "--format",
                                       help="jsonl or parquet (default: from the output file's suffix)."),
) -> None:
    """Extract entities and relations from documents into JSONL (or Parquet), one record per input id."""
    from tqdm import tqdm

    from ..api import default_model_path, load
    from ..batch import run_batch
    from ..inputs import iter_dataset, iter_inputs

    output_format = output_format or ("parquet" if output.endswith(".parquet") else "jsonl")
    if output_format not in ("jsonl", "parquet"):
        raise ValueError(Errors.E009.format(fmt=output_format, choices="jsonl, parquet"))
    if output_format == "parquet" and output == "-":
        raise ValueError(Errors.E016)
    inputs = list(inputs or [])
    if not inputs and hf_dataset is None:
        raise ValueError(Errors.E017)
    for path in inputs:
        if not path.exists():
            raise FileNotFoundError(f"Input not found: {path}")
    if engine not in ("local", "dask"):
        raise ValueError(f"Unknown engine {engine!r}: choose 'local' or 'dask'.")
    model_path = model if model is not None else default_model_path()
    if not (Path(model_path) / "config.cfg").exists():
        raise FileNotFoundError(f"No model found at {model_path}")
    records = iter_inputs(inputs, text_field=text_field)
    if hf_dataset is not None:
        from itertools import chain

        records = chain(records, iter_dataset(hf_dataset, text_field=text_field, id_field=id_field))
    progress = tqdm(unit="doc", file=sys.stderr, disable=None, desc="extract")
    target = sys.stdout if output == "-" else Path(output)
    if output_format == "parquet":
        target = Path(output + ".jsonl")
    if engine == "dask":
        from ..engines import dask_extract_many

        nlp, runner = None, lambda items: dask_extract_many(items, model_path=model_path, scheduler=scheduler,
                                                            n_workers=n_process, batch_size=batch_size)
    else:
        nlp, runner = load(model_path), None
    summary = run_batch(records, target, nlp=nlp, resume=resume, n_process=n_process, batch_size=batch_size,
                        on_record=lambda _doc: progress.update(), engine=runner)
    progress.close()
    if output_format == "parquet":
        from ..batch import jsonl_to_parquet

        jsonl_to_parquet(target, Path(output))
    message = f"{summary.written} written, {summary.skipped} skipped (already done), {len(summary.failed)} failed"
    if summary.duplicates:
        message += f", {len(summary.duplicates)} duplicate ids ignored: {', '.join(summary.duplicates[:10])}"
    typer.echo(message, err=True)
    if summary.failed:
        typer.echo("failed: " + ", ".join(summary.failed[:20]), err=True)
        raise typer.Exit(1)


@app.command("show")
def show_cli(
    path: Path = Arg(..., exists=True, dir_okay=False, help="A .txt document."),
    model: Optional[Path] = Opt(None, "--model", "-m", help="Pipeline folder (default: the shipped one)."),
    html: Optional[Path] = Opt(None, "--html", help="Also write the entities as a displaCy HTML page."),
) -> None:
    """Print a document's entities and triples as tables."""
    from rich.console import Console
    from rich.table import Table

    from ..api import extract, load
    from ..inputs import read_text_file

    record = read_text_file(path, path.name)
    if record.error:
        raise ValueError(record.error)
    nlp = load(model)
    document = extract(record.text, id=record.id, nlp=nlp)
    if html is not None:
        from spacy import displacy

        html.write_text(displacy.render(nlp(record.text), style="ent", page=True), encoding="utf-8")
    names = {e.id: e.name for e in document.entities}
    entities = Table(title=f"Entities in {path.name}")
    for column in ("id", "name", "label", "kb_id", "mentions"):
        entities.add_column(column)
    for entity in document.entities:
        forms = sorted({m.text for m in entity.mentions})
        entities.add_row(entity.id, entity.name, entity.label, entity.kb_id or "",
                         f"{len(entity.mentions)}: " + ", ".join(forms)[:60])
    triples = Table(title="Relations")
    for column in ("head", "relation", "tail", "conf", "hedged", "time", "evidence"):
        triples.add_column(column)
    for rel in document.relations:
        first = rel.evidence[0]
        snippet = record.text[first.start:first.end].replace("\n", " ")
        triples.add_row(names[rel.head], rel.relation, names[rel.tail], f"{rel.confidence:.2f}",
                        "yes" if rel.hedged else "", (rel.time or {}).get("text", ""),
                        (snippet[:70] + "...") if len(snippet) > 70 else snippet)
    console = Console(width=160)
    console.print(entities)
    console.print(triples)


@app.command("validate")
def validate_cli(paths: List[Path] = Arg(..., help="Annotation files or folders (.ann, .jsonl).")) -> None:
    """Check gold annotations: offsets, labels, argument types, evidence and duplicates."""
    from ..annotation.validate import validate_collection

    problems = validate_collection(paths)
    for problem in problems:
        typer.echo(problem)
    if problems:
        typer.echo(f"{len(problems)} problem(s)", err=True)
        raise typer.Exit(1)
    typer.echo("annotations valid")


@app.command("package")
def package_cli(
    output: Path = Opt(Path("models/pipeline"), "--output", "-o", help="Folder to write the pipeline to."),
    ner: Optional[Path] = Opt(None, "--ner", help="Trained NER pipeline to source the 'ner' component from."),
    ruler: str = Opt("after", help="Gazetteer ruler before or after the NER, or none."),
    relations: Optional[Path] = Opt(None, "--relations", help="Trained relation classifier folder."),
    nominals: Optional[Path] = Opt(None, "--nominals", help="Trained reference-resolver weights (JSON)."),
) -> None:
    """Assemble the pipeline (gazetteer ruler, NER, linker, relations) and save it."""
    import spacy

    from ..pipeline.build import build_rule_pipeline

    from ..api import write_manifest

    nlp = build_rule_pipeline(ner=spacy.load(ner) if ner else None, ruler=ruler, relations=relations,
                              nominals=nominals)
    if output.exists():
        import shutil

        shutil.rmtree(output)
    nlp.to_disk(output)
    write_manifest(output)
    typer.echo(f"saved {nlp.pipe_names} to {output}")


@corpus_app.command("build")
def corpus_build_cli(
    authoring: Path = Opt(Path("annotations/authoring"), help="Folder of .ann files."),
    corpus: Path = Opt(Path("corpus"), help="Folder for the clean texts."),
    freeze: bool = Opt(False, "--freeze", help="Write annotations/splits.json if it does not exist yet."),
    skip_invalid: bool = Opt(False, "--skip-invalid", help="Report invalid files and build the rest."),
    update_test_digests: bool = Opt(False, "--update-test-digests",
                                    help="After a reviewed correction of test documents, record their new hashes "
                                         "(membership of the test split never changes)."),
) -> None:
    """Write corpus/<id>.txt from the authoring files and add new documents to the splits."""
    from ..annotation.corpus import SPLITS_FILE, assign_splits, build_corpus, load_authoring, read_splits

    skipped: List[str] = []
    records = load_authoring(authoring, skipped=skipped if skip_invalid else None)
    for problem in skipped:
        typer.echo(f"skipped {problem}", err=True)
    written = build_corpus(records, corpus)
    if SPLITS_FILE.exists():
        manifest = assign_splits(records, read_splits(SPLITS_FILE))
        if update_test_digests:
            from ..annotation.corpus import record_digest

            by_id = {r["id"]: r for r in records}
            manifest["test"] = {doc_id: record_digest(by_id[doc_id]) for doc_id in manifest["test"]}
    elif freeze:
        manifest = assign_splits(records)
    else:
        manifest = None
    if manifest is not None:
        import json
        SPLITS_FILE.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    typer.echo(f"wrote {len(written)} texts to {corpus}")


@corpus_app.command("stats")
def corpus_stats_cli(
    authoring: Path = Opt(Path("annotations/authoring"), help="Folder of .ann files."),
    output: Path = Opt(Path("annotations/STATS.md"), help="Markdown file to write."),
) -> None:
    """Write annotations/STATS.md: counts per label, region, genre and split, words and hard cases."""
    from ..annotation.corpus import SPLITS_FILE, corpus_stats, load_authoring, read_splits, render_stats

    manifest = read_splits(SPLITS_FILE) if SPLITS_FILE.exists() else {"test": {}, "dev": [], "train": []}
    text = render_stats(corpus_stats(load_authoring(authoring), manifest))
    output.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)


train_app = typer.Typer(no_args_is_help=True, help="Train the NER or the relation classifier (seeds fixed).")
evaluate_app = typer.Typer(no_args_is_help=True, help="Evaluate NER or relations on dev and test.")
app.add_typer(train_app, name="train")
app.add_typer(evaluate_app, name="evaluate")


def _write_json(path: Path, payload) -> None:
    import json

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")


@train_app.command("ner")
def train_ner_cli(
    config: Path = Opt(Path("models/configs/ner_cnn.cfg"), help="spaCy training config."),
    output: Path = Opt(Path("models/training/ner"), help="Training output folder."),
    augment: int = Opt(0, help="Name-swapped copies of each training document to add (seed 0)."),
) -> None:
    """Train the NER with spaCy's trainer on the team corpus (train split; dev for model selection)."""
    from ..training.ner import train_ner

    best = train_ner(config, output, augment=augment)
    typer.echo(f"best model: {best}; assemble the pipeline with 'extractor package --ner {best}'")


@train_app.command("nominals")
def train_nominals_cli(
    output: Path = Opt(Path("models/nominal_resolver.json"), help="Where to write the resolver weights."),
    seed: int = Opt(0, help="Random seed of the logistic fit."),
    regularization: float = Opt(1.0, help="Inverse L2 strength (scikit-learn's C)."),
    min_probability: float = Opt(0.6, help="Leave a reference unresolved below this antecedent probability."),
    kinds: str = Opt("plural,person,its,state,group", help="Reference kinds to resolve (comma-separated; "
                     "also: it, they)."),
    report_file: Path = Opt(Path("models/results/nominals.json"), "--report", help="Accuracy report (JSON)."),
) -> None:
    """Train the antecedent ranker for "the group", "its", "he", "the army" on the train split's marked
    references and report its accuracy on dev."""
    from ..training.nominals import train_nominals

    try:
        report = train_nominals(output, seed=seed, regularization=regularization, min_probability=min_probability,
                                kinds=tuple(k.strip() for k in kinds.split(",") if k.strip()))
    except ValueError as error:  # unknown reference kinds
        raise typer.BadParameter(str(error), param_hint="--kinds") from None
    rows = [(f"ranker, {split}", counts) for split, counts in report["accuracy"].items()]
    rows += [(f"nearest-entity rule, {split}", counts) for split, counts in report["rule_accuracy"].items()]
    rows += [(f"linker rule without weights, {split}", counts)
             for split, counts in report["previous_rule_accuracy"].items()]
    for name, counts in rows:
        typer.echo(f"{name}: " + ", ".join(f"{k} {counts.get(k, 0)}" for k in ("right", "wrong", "unresolved")))
    _write_json(report_file, report)
    typer.echo(f"wrote {output} and {report_file}")


@train_app.command("relations")
def train_relations_cli(
    output: Path = Opt(Path("models/relation_classifier"), help="Where to save the trained component."),
    epochs: int = Opt(14, help="Training epochs."),
    seed: int = Opt(0, help="Random seed."),
    trainable_layers: int = Opt(4, help="Top MiniLM layers fine-tuned (and shipped)."),
    max_sentences: int = Opt(1, help="Longest run of sentences in one candidate window."),
    learning_rate: float = Opt(1.5e-4, help="Learning rate of the fine-tuned layers."),
    head_learning_rate: float = Opt(1e-3, help="Learning rate of the pair head."),
    log_file: Path = Opt(Path("models/training/relations_log.json"), help="Training log (JSON)."),
    re3d: Optional[Path] = Opt(None, help="Also train on re3d converted from this folder (../shared/data/re3d)."),
    mask_related: bool = Opt(True, "--mask-related/--keep-related",
                             help="Leave out NONE candidates of pairs the document relates in other sentences."),
    nominals: Optional[Path] = Opt(None, "--nominals", help="Reference-resolver weights (JSON) that find the "
                                   "references the annotators did not mark, as the pipeline will."),
    augment: int = Opt(0, help="Name-swapped copies of each training document, relations kept (seeded by --seed)."),
) -> None:
    """Train the relation classifier on gold entities of the train split; choose epoch/threshold on dev."""
    import srsly

    from ..pipeline.nominals import NominalResolver
    from ..training.augment import swap_names
    from ..training.data import records_by_split
    from ..training.relation_train import train_relations

    splits = records_by_split(extra=_re3d_records(re3d) if re3d is not None else None)
    train = list(splits["train"])
    if augment:
        train += swap_names(splits["train"], seed=seed, copies=augment)
    component, log = train_relations(train, splits["dev"], epochs=epochs, seed=seed,
                                     trainable_layers=trainable_layers, max_sentences=max_sentences,
                                     learning_rate=learning_rate,
                                     head_learning_rate=head_learning_rate, mask_related=mask_related,
                                     resolver=NominalResolver.from_dict(srsly.read_json(nominals)) if nominals
                                     else None, progress=typer.echo)
    component.to_disk(output)
    _write_json(log_file, log)
    typer.echo(f"saved to {output}")


@train_app.command("combine-relations")
def combine_relations_cli(
    runs: List[Path] = Arg(..., help="Trained relation classifier folders (single runs, e.g. other seeds)."),
    output: Path = Opt(Path("models/relation_classifier"), help="Where to save the combined component."),
    weights_dtype: str = Opt("int8", help="Stored weights: int8 (a scale per row) or float16."),
    log_file: Path = Opt(Path("models/training/relations_combined_log.json"), help="Log (JSON)."),
) -> None:
    """Combine trained relation runs into one classifier that averages their logits; refit its temperature and
    threshold on dev."""
    from ..training.data import records_by_split
    from ..training.relation_train import combine_relation_runs

    missing = [str(run) for run in runs if not (run / "cfg.json").is_file()]
    if missing:
        raise typer.BadParameter(f"not a trained relation classifier folder: {', '.join(missing)}",
                                 param_hint="RUNS")
    try:
        component, log = combine_relation_runs(runs, records_by_split()["dev"], weights_dtype=weights_dtype)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    component.to_disk(output)
    _write_json(log_file, log)
    typer.echo(f"{len(runs)} runs, {weights_dtype}: dev coarse micro F1 (gold entities) {log['dev_coarse_micro_f']:.4f}, "
               f"temperature {log['temperature']}, threshold {log['threshold']}; saved to {output}")


def _re3d_records(folder: Path) -> list:
    from ..annotation.from_re3d import convert_re3d, militant_names_from
    from ..gazetteer import read_gazetteer

    if not (folder.is_dir() and any(folder.glob("*/documents.json"))):
        raise typer.BadParameter(f"{folder} holds no re3d sources (<source>/documents.json)", param_hint="--re3d")
    return convert_re3d(folder, militant_names=militant_names_from(read_gazetteer()))


@evaluate_app.command("ner")
def evaluate_ner_cli(
    model: Optional[Path] = Opt(None, "--model", "-m", help="Pipeline folder (default: the shipped one)."),
    output: Path = Opt(Path("models/results/ner.json"), "--output", "-o", help="JSON report."),
    splits: List[str] = Opt(["dev", "test"], "--split", help="Splits to score (repeatable)."),
) -> None:
    """Mention-level and entity-level P/R/F per label on dev and test, and recall on unseen names."""
    from ..api import load
    from ..gazetteer import read_gazetteer
    from ..pipeline.entity_linker import normalize_name
    from ..training.data import records_by_split
    from ..training.ner_eval import evaluate_ner, names_in

    nlp = load(model)
    by_split = records_by_split()
    seen = names_in(by_split["train"]) | {normalize_name(f) for a in read_gazetteer() for f in a.surface_forms}
    report = {split: evaluate_ner(nlp, by_split[split], seen_names=seen) for split in splits}
    _write_json(output, report)
    for split, scores in report.items():
        typer.echo(f"== {split}")
        for level in ("mentions", "entities"):
            for label, prf in scores[level].items():
                typer.echo(f"{level:9} {label:22} P {prf['p']:.3f} R {prf['r']:.3f} F {prf['f']:.3f}")
        typer.echo(f"unseen-name mention recall: {scores['unseen_name_recall']}")
    typer.echo(f"wrote {output}")


@evaluate_app.command("ner-holdout")
def evaluate_ner_holdout_cli(
    config: Path = Opt(Path("models/configs/ner_sm.cfg"), help="spaCy training config of the NER."),
    output: Path = Opt(Path("models/results/ner_group_holdout.json"), "--output", "-o", help="JSON report."),
    n_groups: int = Opt(12, help="Militant groups to hold out."),
    seed: int = Opt(0, help="Seed of the draw of held-out groups."),
    max_steps: int = Opt(0, help="Override training.max_steps (0: the config's)."),
    augment: int = Opt(0, help="Name-swapped copies of each kept training document (as for 'train ner')."),
    checkpoint: str = Opt("model-best", help="NER checkpoint to assemble: model-best or model-last."),
) -> None:
    """Retrain the NER without a seeded draw of whole groups (their training documents and gazetteer entries)
    and report recall on their dev/test mentions beside the shipped pipeline."""
    from ..training.group_holdout import run_in_temporary_folder

    overrides = {"training.max_steps": max_steps} if max_steps else None
    report = run_in_temporary_folder(config, n_groups=n_groups, seed=seed, overrides=overrides, augment=augment,
                                     checkpoint=checkpoint)
    _write_json(output, report)
    typer.echo(json.dumps({k: v for k, v in report.items() if k != "held_out_groups"}))
    typer.echo(f"wrote {output}")


@evaluate_app.command("relations")
def evaluate_relations_cli(
    model: Optional[Path] = Opt(None, "--model", "-m", help="Pipeline folder (default: the shipped one)."),
    split: str = Opt("test", help="dev or test."),
    output: Optional[Path] = Opt(None, "--output", "-o",
                                 help="JSON report (default models/results/relations_<split>.json, or "
                                      "relations_re3d.json)."),
    seed: int = Opt(0, help="Seed for the pooled-pair baseline."),
    re3d: Optional[Path] = Opt(None, help="Score re3d's documents that have relations (../shared/data/re3d: real "
                               "texts never trained on) instead of a split."),
    alignment: str = Opt("exact", help="Predicted-to-gold entity matching end to end: exact spans, or overlap "
                         "(for re3d, whose spans are noun phrases such as 'ISIL terrorists')."),
) -> None:
    """P/R/F per label and micro (fine and coarse), end to end and on gold entities, with two baselines."""
    from ..api import load
    from ..training.data import records_by_split
    from ..training.relation_eval import ALIGNMENTS
    from ..training.relation_report import evaluate_relations, summary_table

    if split not in ("dev", "test"):
        raise typer.BadParameter("must be dev or test", param_hint="--split")
    if alignment not in ALIGNMENTS:
        raise typer.BadParameter(f"choose from {', '.join(ALIGNMENTS)}", param_hint="--alignment")
    splits = records_by_split()
    if re3d is not None:
        evaluated = [record for record in _re3d_records(re3d) if record["relations"]]
        default_output = Path("models/results/relations_re3d.json")
    else:
        evaluated, default_output = splits[split], Path(f"models/results/relations_{split}.json")
    results = evaluate_relations(load(model), splits["train"], evaluated, seed=seed, alignment=alignment,
                                 progress=typer.echo)
    _write_json(output or default_output, dict(results, documents=len(evaluated), alignment=alignment))
    typer.echo(summary_table(results))


@app.command("calibrate")
def calibrate_cli(
    model: Path = Opt(Path("models/pipeline"), "--model", "-m", help="Saved pipeline folder to calibrate in place."),
    seed: int = Opt(0, help="Seed of the logistic fit."),
) -> None:
    """Fit triple-confidence calibration end to end on the dev split and store it in the pipeline."""
    from ..training.calibration import calibrate_pipeline
    from ..training.data import records_by_split

    fitted = calibrate_pipeline(model, records_by_split()["dev"], seed=seed)
    typer.echo(f"calibration {json.dumps(fitted)}; wrote {model} and its MANIFEST.sha256")


@app.command("graph")
def graph_cli(
    records: List[Path] = Arg(..., help="Extraction JSONL files written by 'extractor extract'."),
    output: Path = Opt(Path("out/graph"), "--output", "-o", help="Folder for nodes.csv, edges.csv, graph.graphml, graph.html."),
    source: List[Path] = Opt([], "--source", help="The inputs that were extracted, to show evidence sentences."),
) -> None:
    """Merge entities across documents and aggregate triples into a corpus graph with exports."""
    import json

    from ..graph import build_graph, write_graph
    from ..inputs import iter_inputs

    loaded = []
    for path in records:
        with path.open(encoding="utf-8") as handle:
            loaded.extend(json.loads(line) for line in handle if line.strip())
    texts = {r.id: r.text for r in iter_inputs(source) if r.text is not None} if source else None
    nodes, edges = build_graph(loaded, texts=texts)
    for path in write_graph(nodes, edges, output):
        typer.echo(f"wrote {path}")
    typer.echo(f"{len(nodes)} nodes, {len(edges)} edges from {len(loaded)} records")


@app.command("bench")
def bench_cli(
    inputs: List[Path] = Arg(None, help="Inputs (default: ../shared/data/isaf/isaf_press_releases.jsonl and corpus/)."),
    n_process: List[int] = Opt([1, 2], "--n-process", help="Process counts to measure."),
    batch_size: int = Opt(16, "--batch-size"),
    output: Path = Opt(Path("benchmarks"), "--output", "-o"),
) -> None:
    """Throughput, cold start and peak memory of the pipeline beside en_core_web_sm, side by side."""
    from ..bench import run_benchmark

    if not inputs:
        inputs = [p for p in (Path("../shared/data/isaf/isaf_press_releases.jsonl"), Path("corpus")) if p.exists()]
    run_benchmark(inputs, n_processes=n_process, batch_size=batch_size, output=output)
    typer.echo((output / "RESULTS.md").read_text(encoding="utf-8"))
