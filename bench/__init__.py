"""CNN Lab's benchmark: `python bench/run.py [--quick] [--gpu]` (see README, "Benchmarks")."""
