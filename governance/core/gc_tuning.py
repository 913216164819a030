"""Tame garbage-collection pauses in long-running web processes.

A loaded Django process holds about 180,000 long-lived objects (modules, URL patterns, views,
templates, model metadata). Python's collector walks all of them in every full collection,
which came every 50th or so register list request and took hundreds of milliseconds on a busy
machine. After the app has loaded, `gc.freeze()` moves those objects out of the collector's
sight: full collections then take tens of milliseconds. A request's own garbage is still
collected. `settings.GC_GEN0_THRESHOLD` can raise the first threshold, but measured on the
register list a higher one (50,000) made each young collection far longer (about 180 ms) for
little gain, so Python's default stays. Figures: tests/benchmarks/bench_gc.py.
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
