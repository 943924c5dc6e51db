"""The synthetic corpus draws its people from a cast, as real news does: benchmarks of the
graph model measure the model, not a generator that gives one name to many states."""
from __future__ import annotations

import random
from collections import Counter, defaultdict

from bench.corpus import Ctx


def test_persons_are_a_cast_of_office_holders_with_rare_name_collisions():
    states, mentions = defaultdict(set), Counter()
    for i in range(3000):
        c = Ctx(random.Random(f"tdkg-bench:1:{i}"))
        for person, land in ((c.pA, c.A), (c.pB, c.B), (c.pA2, c.A), (c.amb, c.B)):
            states[person.name].add(land.iso)
            mentions[person.name] += 1
    shared = [n for n, s in states.items() if len(s) > 1]
    assert len(shared) < 0.05 * len(states)          # one name in two states: rare
    assert mentions.most_common(1)[0][1] >= 5         # office holders recur across articles
    assert len(states) > 1000                         # thousands of people, not a handful
