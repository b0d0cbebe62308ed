from extractor.bench import render_table


def _row(system, n_process, words_per_s):
    return {"input": "data/isaf.jsonl", "system": system, "n_process": n_process, "docs": 10, "words": 1000,
            "seconds": 1.0, "words_per_s": words_per_s, "docs_per_s": 10.0, "cold_start_s": 2.0,
            "peak_rss_mb_per_process": 500.0}


def test_bench_table_compares_each_row_with_spacy_at_the_same_process_count_and_best_with_best():
    results = [_row("extractor", 1, 3000.0), _row("en_core_web_sm", 1, 6000.0),
               _row("extractor", 2, 3300.0), _row("en_core_web_sm", 2, 11000.0)]
    table = render_table(results, {"machine": "test", "cpus": 2, "python": "3.11"})
    assert "| isaf.jsonl | extractor | 1 | 10 | 1000 | 1.0 | 3000.0 | 10.0 | 2.0 | 500.0 | 0.50 |" in table
    assert "| isaf.jsonl | extractor | 2 | 10 | 1000 | 1.0 | 3300.0 | 10.0 | 2.0 | 500.0 | 0.30 |" in table
    assert "extractor 3300.0 words/s (n_process 2) against en_core_web_sm 11000.0 (n_process 2): 0.30x" in table
