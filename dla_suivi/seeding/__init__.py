"""Synthetic, reproducible data sets calibrated on the DLA's published figures.

``seed(SeedConfig.for_scale("national"))`` loads ten years of national activity;
``"demo"`` a few hundred cases in Bretagne and Pays de la Loire around the personas.
Same seed, same data: every draw comes from one ``random.Random(seed)`` and one
seeded Faker, against a fixed reference date.
"""

from .config import SeedConfig
from .runner import AlreadySeeded, existing_run, seed

__all__ = ["AlreadySeeded", "SeedConfig", "existing_run", "seed"]
