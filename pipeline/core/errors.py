"""Exception hierarchy raised at the edges; ``run_document`` turns them into ErrorItems."""


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    category = "pipeline_error"


class UnreadableDocument(PipelineError):
    category = "unreadable"


class EncryptedDocument(PipelineError):
    """A password-protected file (a PDF, or an Office file wrapped in an encrypted OLE container)."""

    category = "encrypted"


class EncryptedPdf(EncryptedDocument):
    category = "encrypted"


class EmptyDocument(PipelineError):
    category = "empty"


class UnsupportedFormat(PipelineError):
    category = "unsupported_format"


class ScannedDocument(PipelineError):
    category = "no_text_layer"


class UnknownTableLayout(PipelineError):
    category = "unknown_table_layout"


class TooLarge(PipelineError):
    category = "too_large"


class OutsideRawFolder(PipelineError):
    category = "outside_raw_folder"


class BrokenLink(PipelineError):
    category = "broken_link"


class ServerUnavailable(PipelineError):
    """No Prefect API to serve the flow with: the local server did not start, or PREFECT_API_URL does not answer."""

    category = "server_unavailable"
