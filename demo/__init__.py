"""Demo and national data sets: personas, synthetic structures and cases, ``seed_demo``.

Sits above every other app (it writes their rows) and below the project package.
Also the one generator of test data shared by the test factories, the seeding and
the benchmarks: valid SIRETs and realistic structures (``demo.structures``).

Entry points: ``demo.runner.seed(demo.config.SeedConfig.for_scale("demo"))`` and
``manage.py seed_demo``. Same seed, same data: every draw comes from one
``random.Random(seed)`` and one seeded Faker, against a fixed reference date.
"""
