"""What every document worker reads, loaded once by their forkserver (``pipeline/isolation.py``) before it forks them.

Imported last of ``isolation.PRELOAD``: spaCy (the agency matchers' tokenizer) and the language identifier's model
(74 MB of arrays, read for every document in a Latin script) are then in the forkserver's memory, which its workers
share page by page instead of each loading a copy. ``gc.freeze()`` moves everything loaded so far out of the
collector's sight, so that a worker's collections do not write to (and so copy) those shared pages (the use the
Python documentation gives for it). Language-specific data (a language's matchers, dateparser's tables) is still
built in a worker on first use.
"""

from __future__ import annotations

import gc

import dateparser  # noqa: F401 - loaded for the workers
import spacy  # noqa: F401 - loaded for the workers

from pipeline.language import latin_probabilities

latin_probabilities("work plan")  # loads the identifier's model
gc.freeze()
