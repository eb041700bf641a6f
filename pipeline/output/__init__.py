"""The output room: what a run leaves behind, from the documents' results to files other tools open.

Enters: the ``DocumentResult`` of every document of a run (``pipeline.core.records``) and the run's ``RunReport``.
Leaves: one Parquet dataset folder per table (``store``: typed schemas, rows in a stable order), swapped in as one
complete snapshot under a lock (``snapshots``), with ``datapackage.json`` (``datapackage``: the tables' schema as a
Frictionless Data Package), ``run_report.md``/``.json`` (``report``) and ``manifest.json`` (``manifest``: each
document's cache key, so that an unchanged folder is not run again). ``export`` reads an output folder back and
writes CSV, an Excel workbook, HXL CSV or IATI XML (``iati``), the flat work-item view from ``views``.
"""
