"""The alliance's communication network: who deals with whom, inside each firm and across the two.

people.csv and contacts.csv in a deal folder (docs/network.md) are read and checked by ``intake``, turned
into a graph and per-person metrics by ``analysis``, and into network findings by ``patterns``; the
weights and thresholds come from assets/framework/network.yaml (``config``).
"""
