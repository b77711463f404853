"""The three-broker KRaft cluster of seed 003, beside the single-node lab.

Modules: runtime (start, stop and watch the three native nodes), drill (produce through a killed
broker and count every acknowledged event).
"""
