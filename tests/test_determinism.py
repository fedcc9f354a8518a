"""Same seed, same story: a classroom of 30 sees the same events in the same order."""

from conftest import deployment

import kube_lab as kl


def story(seed: int) -> list[tuple]:
    cluster = kl.Cluster(nodes=3, seed=seed)
    cluster.apply(deployment(replicas=5))
    cluster.run(30)
    cluster.apply(deployment(replicas=5, image="nginx:1.28"))
    cluster.run(120)
    return [
        (e["firstTimestamp"], e["involvedObject"]["name"], e["reason"], e["message"], e["count"])
        for e in cluster.events()
    ]


def test_same_seed_replays_the_same_events():
    assert story(4) == story(4)


def test_other_seed_tells_a_different_story():
    assert story(4) != story(5)
