# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
SAMPLE := corpus/africa-boko-haram-fission.txt
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run test test-slow corpus validate stats package train-ner train-nominals train-relations evaluate bench clean

$(VENV)/.installed: requirements.txt setup.cfg pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/extractor show $(SAMPLE)
	mkdir -p out
	$(BIN)/extractor extract $(SAMPLE) -o out/sample.jsonl
	@echo "wrote out/sample.jsonl"

test: install
	$(PY) -m pytest -q

test-slow: install
	$(PY) -m pytest -q -m slow

corpus: install
	$(BIN)/extractor corpus build

validate: install
	$(BIN)/extractor validate annotations/

stats: install
	$(BIN)/extractor corpus stats

package: install
	$(BIN)/extractor package --ner models/training/ner/model-best --relations models/relation_classifier --ruler before \
		--nominals models/nominal_resolver.json
	$(BIN)/extractor calibrate --model models/pipeline

train-ner: install
	$(BIN)/extractor train ner --config models/configs/ner_sm.cfg --output models/training/ner --augment 1

train-nominals: install
	$(BIN)/extractor train nominals --output models/nominal_resolver.json

# Two seeds of one recipe, combined into one classifier that averages their logits (int8-stored weights).
train-relations: install
	OMP_NUM_THREADS=1 $(BIN)/extractor train relations --output models/training/relations_seed0 --seed 0 \
		--mask-related --log-file models/training/relations_seed0_log.json
	OMP_NUM_THREADS=1 $(BIN)/extractor train relations --output models/training/relations_seed1 --seed 1 \
		--mask-related --log-file models/training/relations_seed1_log.json
	OMP_NUM_THREADS=1 $(BIN)/extractor train combine-relations models/training/relations_seed0 \
		models/training/relations_seed1 --output models/relation_classifier

evaluate: install
	$(BIN)/extractor evaluate ner
	$(BIN)/extractor evaluate relations --split test

bench: install
	$(BIN)/extractor bench
	$(PY) scripts/fuzz.py 10000 0

clean:
	rm -rf $(VENV) out build dist *.egg-info
