"""The ground floor: the shapes every stage passes on, and nothing else.

``model`` is the document model an extractor makes from any format (``Document``, ``Block``, ``Row``, ``Cell``,
``Provenance``); ``records`` the records assembly, normalisation and the store pass on (``WorkItem``,
``LeadText``, ``Timeline``, the table rows, ``DocumentResult``, ``ErrorItem``); ``enums`` the closed sets of
values they hold (written to Parquet as their string values); ``errors`` the exceptions raised at the edges.
Nothing here imports anything of the project: extractors, normalisers and every room of the pipeline import
it, never the reverse (``tests/test_architecture.py``).
"""
