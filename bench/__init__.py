"""``make bench`` and ``make chaos``: figures and fault runs against the emulator.

Owns: the benchmarks (API calls first, then time and memory) and the chaos scenario.
Never does: ship in the product (it is not part of ``pip install .``).
"""
