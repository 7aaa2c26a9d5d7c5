"""Seeded org generator: a realistic org with every signal of docs/signal-rules.md planted at
known rates (plus boundary cases), streamed in chunks, and the ground truth it implies.

    for sobject, records in generate(accounts=N, seed=S, now=now, truth=file): ...
    stats = generate_into(store, accounts=N, seed=S, truth_path="truth.jsonl")
"""

from emulator.generator.stream import GenerationStats, generate, generate_into

__all__ = ["GenerationStats", "generate", "generate_into"]
