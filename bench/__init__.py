"""Benchmarks for nmbrs-tui: ``python -m bench`` (or ``make bench``) runs them all.

Each module measures one group of metrics and returns JSON-ready records (see
:mod:`bench.records`). Benchmarks never fail a build; they report numbers, targets and notes.
"""
