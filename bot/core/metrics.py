"""Prometheus metrics. Labels are closed sets (transport, outcome, dialogue, event): no
label ever carries a user, a room or a message text."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

CONTENT_TYPE = CONTENT_TYPE_LATEST


class Metrics:
    """One registry per process (tests make their own, so counts never leak between them)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter(
            "medborgarbot_messages", "Messages answered, by transport and outcome",
            ["transport", "outcome"], registry=self.registry)
        self.latency = Histogram(
            "medborgarbot_reply_seconds", "Time the core took to build a reply",
            ["transport"], registry=self.registry,
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5))
        self.dialogues = Counter(
            "medborgarbot_dialogues", "Dialogues started, completed, cancelled, timed out",
            ["dialogue", "event"], registry=self.registry)
        self.store_errors = Counter(
            "medborgarbot_store_errors", "Store operations that failed", registry=self.registry)
        self.reconnects = Counter(
            "medborgarbot_reconnects", "Times a transport got its link back",
            ["transport"], registry=self.registry)

    def dialogue(self, name: str, event: str) -> None:
        self.dialogues.labels(name, event.replace(" ", "_")).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
