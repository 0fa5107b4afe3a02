"""The collaboration network of the actors in a 3W table (networkx).

Nodes are organisations (attributes: ``org_type``, ``roles``, ``areas``). Two kinds of edge:

* **chain** (directed, donor -> programme partner -> implementer) from the input rows;
  ``weight`` = number of rows that link the pair;
* **co-presence** (undirected) between implementers working in the same area and sector;
  ``weight`` = number of shared (area, sector) pairs.

``collaboration_network`` returns a ``networkx.MultiDiGraph`` holding both (edge attribute
``kind``); :func:`network_frame` lists each organisation's degree and betweenness.
"""

from __future__ import annotations

from itertools import combinations, pairwise
from typing import Any

import pandas as pd

from humsec.actors.threew import ROLES, ThreeW


def collaboration_network(threew: ThreeW) -> Any:
    """The actors' network (module docstring)."""
    import networkx as nx

    table = threew.table
    graph = nx.MultiDiGraph()
    for org, rows in table.groupby("org"):
        types = sorted({str(t) for t in rows["org_type"].dropna()})
        graph.add_node(org, org_type=types[0] if types else None,
                       roles=sorted(set(rows["org_role"])),
                       areas=sorted({str(a) for a in rows["adm1"].dropna()}))
    chain: dict[tuple[str, str], int] = {}
    for _, rows in table.groupby("row"):
        by_role = {r: sorted(set(rows.loc[rows["org_role"] == r, "org"])) for r in ROLES}
        present = [by_role[r] for r in ROLES if by_role[r]]
        for upstream, downstream in pairwise(present):
            for a in upstream:
                for b in downstream:
                    if a != b:
                        chain[(a, b)] = chain.get((a, b), 0) + 1
    for (a, b), w in sorted(chain.items()):
        graph.add_edge(a, b, kind="chain", weight=w)
    impl = table[table["org_role"] == "implementing"]
    impl = impl.assign(area=impl["adm2"].where(impl["level"] == "adm2", impl["adm1"]))
    shared: dict[tuple[str, str], int] = {}
    for _, rows in impl.groupby(["area", "sector"]):
        for a, b in combinations(sorted(set(rows["org"])), 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
    for (a, b), w in sorted(shared.items()):
        graph.add_edge(a, b, kind="co-presence", weight=w)
    return graph


def network_frame(graph: Any) -> pd.DataFrame:
    """One row per organisation: type, chain partners, co-present organisations, betweenness
    (on the undirected co-presence and chain graph, unweighted)."""
    import networkx as nx

    simple = nx.Graph(graph.to_undirected())
    between = nx.betweenness_centrality(simple) if simple.number_of_nodes() > 2 else {}
    rows = []
    for node, data in graph.nodes(data=True):
        chain = {v for _, v, k in graph.out_edges(node, data="kind") if k == "chain"} | {
            u for u, _, k in graph.in_edges(node, data="kind") if k == "chain"}
        co = {v for _, v, k in graph.out_edges(node, data="kind") if k == "co-presence"} | {
            u for u, _, k in graph.in_edges(node, data="kind") if k == "co-presence"}
        rows.append({"org": node, "org_type": data.get("org_type"),
                     "roles": ", ".join(data.get("roles", [])),
                     "chain_partners": len(chain), "co_present": len(co),
                     "betweenness": float(between.get(node, 0.0))})
    return pd.DataFrame(rows).sort_values(["betweenness", "org"], ascending=[False, True],
                                          ignore_index=True)


__all__ = ["collaboration_network", "network_frame"]
