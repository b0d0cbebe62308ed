__title__ = "extractor"
__version__ = "0.1.0"
