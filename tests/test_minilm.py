"""The plain-torch MiniLM encoder and tokenizer compute what transformers' BertModel and tokenizer compute."""
import pytest
import torch

from extractor.batching import bounded_batches
from extractor.ml.encoder import base_model_dir
from extractor.ml.minilm import load_encoder_and_tokenizer
from extractor.ml.relation_model import EncodedWindow, pad_batch

TEXTS = [
    "Jama'at Nasr al-Islam wal Muslimin (JNIM) clashed with ISWAP near Menaka in May 2017.",
    "@ group * Boko Haram @ split; Abū Muṣʿab al-Barnāwī led the Islamic State West Africa Province.",
    "الدولة الإسلامية في العراق والشام",
    "",
]


@pytest.fixture(scope="module")
def both():
    transformers = pytest.importorskip("transformers")
    path = base_model_dir()
    tokenizer, encoder = load_encoder_and_tokenizer(path)
    reference_tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
    reference = transformers.AutoModel.from_pretrained(path, local_files_only=True).eval()
    return tokenizer, encoder, reference_tokenizer, reference


@pytest.mark.parametrize("max_length", [8, 256])
def test_tokenizer_gives_transformers_ids_and_offsets(both, max_length):
    tokenizer, _, reference_tokenizer, _ = both
    for text in TEXTS:
        ours = tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=max_length)
        theirs = reference_tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=max_length)
        assert ours["input_ids"] == list(theirs["input_ids"])
        assert ours["offset_mapping"] == [tuple(pair) for pair in theirs["offset_mapping"]]


def test_encoder_hidden_states_match_transformers_bert_model(both):
    tokenizer, encoder, _, reference = both
    windows = [EncodedWindow(tokenizer(t, truncation=True, max_length=256)["input_ids"], {}) for t in TEXTS]
    ids, mask = pad_batch(windows, tokenizer.pad_token_id)
    with torch.no_grad():
        ours = encoder(ids, mask)
        theirs = reference(input_ids=ids, attention_mask=mask).last_hidden_state
    assert ours.shape == theirs.shape
    assert float(((ours - theirs).abs() * mask[..., None]).max()) < 1e-4


def test_bounded_batches_keep_order_and_respect_both_limits():
    items = ["a" * n for n in (3, 4, 2, 9, 1, 1, 1, 1)]
    batches = list(bounded_batches(items, max_items=3, max_size=7, size_of=len))
    assert [item for batch in batches for item in batch] == items
    assert [[len(i) for i in b] for b in batches] == [[3, 4], [2], [9], [1, 1, 1], [1]]


def test_base_weights_with_another_hash_are_refused(monkeypatch):
    import extractor.ml.encoder as encoder

    monkeypatch.setattr(encoder, "BASE_SHA256", "0" * 64)
    encoder.base_model_dir.cache_clear()
    try:
        with pytest.raises(ValueError, match="sha256"):
            encoder.base_model_dir()
    finally:
        monkeypatch.undo()
        encoder.base_model_dir.cache_clear()
