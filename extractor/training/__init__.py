"""Training data preparation, training and evaluation (used by `extractor train` / `extractor evaluate`)."""
