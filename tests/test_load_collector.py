"""Loading pauses the garbage collector, leaves it as it found it, and freezes only once."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from sitegen.errors import Problems
from sitegen.load import load_project

MINIMAL = Path(__file__).resolve().parent / "sites" / "minimal"


class Cycle:
    """An object that refers to itself: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.itself = self


def test_loading_leaves_the_collector_on_or_off_as_it_was() -> None:
    assert gc.isenabled()
    load_project(MINIMAL, Problems())
    assert gc.isenabled()
    gc.disable()
    try:
        load_project(MINIMAL, Problems())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_only_the_first_load_of_a_process_freezes() -> None:
    load_project(MINIMAL, Problems())  # the first load (here or in an earlier test) froze
    frozen = gc.get_freeze_count()
    assert frozen > 0
    cycle = Cycle()
    alive = weakref.ref(cycle)
    for _ in range(3):
        load_project(MINIMAL, Problems())
    del cycle
    gc.collect()
    assert alive() is None  # later loads froze nothing: cyclic garbage is still collected
    assert gc.get_freeze_count() <= frozen
