"""Exports to public algorithm registers: the Dutch publication standard v1.0 and the UK ATRS.

One module per job: ``sources`` reads what a record needs (organisation first), ``nl_v1`` and
``uk_atrs`` build records from a system, ``validate`` checks a Dutch record against the
standard's own file, ``missing`` says which of Annex's fields to fill, and ``bundles`` writes the
files (one system, or the whole register). Records carry only what the system states: an
unstated fact stays out of the record and is listed as missing, never filled with a guess.
"""
