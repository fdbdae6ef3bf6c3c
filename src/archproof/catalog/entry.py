"""A catalog entry: the default figures of one boring, well-tested component."""

from __future__ import annotations

from pydantic import Field

from archproof.model.base import Node
from archproof.model.common import Availability, Distribution
from archproof.model.components import ComponentKind
from archproof.units import Duration


class CatalogEntry(Node):
    """Defaults a design inherits when it names this technology; any may be overridden."""

    id: str = Field(description="Technology id used in `tech:` (e.g. postgresql).")
    name: str = Field(description="Human name.")
    kinds: tuple[ComponentKind, ...] = Field(
        min_length=1, description="Component kinds this technology can play."
    )
    stateful: bool = Field(description="Whether it holds state that must survive restarts.")
    replicas: int = Field(default=1, ge=1, description="Default number of instances.")
    concurrency: int = Field(ge=1, description="Requests one node serves at once.")
    max_throughput: str | None = Field(
        default=None, description="Rough per-node throughput ceiling, e.g. '10k/s'."
    )
    max_connections: int | None = Field(default=None, ge=1, description="Connection limit.")
    read_replicas_supported: bool = Field(
        default=False, description="Whether followers can serve reads."
    )
    work: dict[str, Distribution] = Field(
        description="Default service time per kind of work; `default` applies to other work."
    )
    availability: Availability = Field(description="Typical availability of one node.")
    provider_replicated: bool = Field(
        default=False,
        description="A managed service the provider runs replicated across zones (SQS, "
        "DynamoDB): one `instance` in a design is an account's share of it, not one node, "
        "so it has no single node to lose and no standby to add.",
    )
    failover: Duration | None = Field(
        default=None,
        description="Time from losing an active instance to a standby serving in its place "
        "(automatic failover, detection included); None where no figure is known.",
    )
    failure: str = Field(description="How it typically fails and what callers see.")
    source: str = Field(description="Where the figures come from (a short source note).")
