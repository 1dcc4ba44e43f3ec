"""FinOps: cost estimates from contracts and run metrics, cost deltas, anomalies, FOCUS export."""
