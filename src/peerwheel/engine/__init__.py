"""The pure computational core: no Django, no database.

It takes arrays, data frames and graphs and gives them back, so it can be used from a notebook.
An import-linter contract in CI keeps Django out of this package.
"""
