"""Frameworks, requirements, questions and mappings."""
