"""rtybt engine: config -> data -> strategy run -> analysis -> report/results."""

__version__ = "0.1.0"
