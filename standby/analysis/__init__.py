"""The analysis core: pure Python + NumPy, never Django (enforced by import-linter).

Plain data in (:class:`~standby.analysis.model.NodeSpec`), plain data out.
"""
