"""Tame garbage-collection pauses in long-running web processes.

A loaded Django process holds a few hundred thousand long-lived objects (modules, URL
patterns, templates, model metadata). Python's collector walks all of them in every full
collection, which came every 11th register list request and took 80-98 ms. After the app has
loaded, `gc.freeze()` moves those objects out of the collector's sight, and a higher first
threshold (settings.GC_GEN0_THRESHOLD) makes young collections rarer; a request's own garbage
is still collected. Measured by tests/benchmarks/bench_gc.py (figures in README.md).
"""

import gc

from django.conf import settings


def tune_garbage_collector() -> tuple[int, int, int]:
    """Load the URLconf (and so every view), freeze it all, apply the threshold; return it."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the views, forms and serializers)
    gc.collect()
    gc.freeze()
    gen0 = settings.GC_GEN0_THRESHOLD
    if gen0:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(gen0, gen1, gen2)
    return gc.get_threshold()
