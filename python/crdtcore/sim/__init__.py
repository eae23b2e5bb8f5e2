"""A deterministic network simulator for crdtcore documents (shipped for tests, notebooks
and benchmarks, like Yjs's ``tests/testHelper.js``).

Peers are crdtcore documents, each with one ``crdtcore.sync.SyncProtocol`` per
connection; a discrete-event scheduler moves their frames over links with latency,
jitter, loss, duplication and bandwidth limits, through partitions, crashes, restarts,
joins and leaves, in virtual time and from one seed. At quiescence the peers are compared
with the convergence oracle of ``crdtcore.model``.

Modules: scheduler.py (virtual clock, seeded RNG), network.py (links, faults,
partitions), peer.py (the peer interface and the crdtcore peer), population.py (peers,
connections, delivery, anti-entropy), topology.py (mesh, star, gossip), workload.py (random edits), traces.py (recorded editing sessions),
checker.py (the convergence check), report.py (results and plot), simulation.py (the
``Simulation``), cli.py (``python -m crdtcore simulate``).

Example:
    >>> from crdtcore.sim import LinkConfig, RandomWorkload, Simulation
    >>> sim = Simulation(peers=5, topology="gossip", seed=1,
    ...                  link=LinkConfig(latency=20, jitter=50, drop=0.1, duplicate=0.1),
    ...                  workload=RandomWorkload(ops=100, duration=5000))
    >>> sim.crash(2, at=1000, restart_at=3000)
    >>> report = sim.run()
    >>> report.converged
    True
"""

from .checker import Difference as Difference
from .checker import compare_peers as compare_peers
from .network import LinkConfig as LinkConfig
from .network import Network as Network
from .network import Traffic as Traffic
from .peer import CrdtcorePeer as CrdtcorePeer
from .peer import PeerSpec as PeerSpec
from .peer import SimPeer as SimPeer
from .population import Population as Population
from .report import Report as Report
from .report import Sample as Sample
from .scheduler import Scheduler as Scheduler
from .simulation import Simulation as Simulation
from .topology import Gossip as Gossip
from .topology import Mesh as Mesh
from .topology import Star as Star
from .topology import Topology as Topology
from .traces import ConcurrentTrace as ConcurrentTrace
from .traces import TraceWorkload as TraceWorkload
from .traces import load_concurrent_trace as load_concurrent_trace
from .workload import RandomWorkload as RandomWorkload
from .workload import Workload as Workload
from .workload import random_op as random_op

__all__ = [
    "ConcurrentTrace",
    "CrdtcorePeer",
    "Difference",
    "Gossip",
    "LinkConfig",
    "Mesh",
    "Network",
    "PeerSpec",
    "Population",
    "RandomWorkload",
    "Report",
    "Sample",
    "Scheduler",
    "SimPeer",
    "Simulation",
    "Star",
    "Topology",
    "TraceWorkload",
    "Traffic",
    "Workload",
    "compare_peers",
    "load_concurrent_trace",
    "random_op",
]
