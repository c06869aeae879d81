#!/usr/bin/env python3
"""Checks the Grafana dashboard and the Prometheus rules against the daemon's metric list
(admin::metric in daemon/admin/metrics.hpp): the dashboard is valid JSON, and every metric
named in a panel expression or a rule exists (a histogram's _bucket/_sum/_count series too).
Usage: check_monitoring.py METRICS_HPP DASHBOARD_JSON RULES_YML..."""
import json
import re
import sys

import yaml

NAME = re.compile(r"\bsmppgw_[a-z0-9_]+")


def metric_list(header):
    text = open(header, encoding="utf-8").read()
    block = text[text.index("namespace metric {"):text.index("}  // namespace metric")]
    names = set(re.findall(r'"(smppgw_[a-z0-9_]+)"', block))
    if not names:
        raise SystemExit(f"{header}: no metric names in namespace metric")
    # Histograms (the only one is named *_seconds) also export _bucket, _sum and _count.
    series = set(names)
    for n in names:
        if n.endswith("_seconds"):
            series |= {n + "_bucket", n + "_sum", n + "_count"}
    return series


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    known = metric_list(argv[1])
    exprs = []
    with open(argv[2], encoding="utf-8") as f:
        dashboard = json.load(f)
    for panel in dashboard.get("panels", []):
        for target in panel.get("targets", []):
            exprs.append((f"{argv[2]} panel {panel.get('title')!r}", target["expr"]))
    for var in dashboard.get("templating", {}).get("list", []):
        if isinstance(var.get("query"), str):
            exprs.append((f"{argv[2]} variable {var['name']}", var["query"]))
    for path in argv[3:]:
        with open(path, encoding="utf-8") as f:
            for group in yaml.safe_load(f)["groups"]:
                for rule in group["rules"]:
                    exprs.append((f"{path} {rule.get('alert') or rule.get('record')}", rule["expr"]))
    errors = []
    used = 0
    for where, expr in exprs:
        for name in NAME.findall(expr):
            used += 1
            if name not in known:
                errors.append(f"{where}: {name} is not a metric of the daemon ({argv[1]})")
    if used == 0:
        errors.append("no expression names a daemon metric")
    for e in errors:
        print(e, file=sys.stderr)
    if not errors:
        print(f"{len(exprs)} expressions, {used} metric references, all in the daemon's list")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
