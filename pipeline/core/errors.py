"""Exception hierarchy raised at the edges; ``run_document`` turns them into ErrorItems."""

from pipeline.core.enums import ErrorType


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    category: str = ErrorType.PIPELINE_ERROR


class UnreadableDocument(PipelineError):
    category = ErrorType.UNREADABLE


class EncryptedDocument(PipelineError):
    """A password-protected file (a PDF, or an Office file wrapped in an encrypted OLE container)."""

    category = ErrorType.ENCRYPTED


class EncryptedPdf(EncryptedDocument):
    category = ErrorType.ENCRYPTED


class EmptyDocument(PipelineError):
    category = ErrorType.EMPTY


class UnsupportedFormat(PipelineError):
    category = ErrorType.UNSUPPORTED_FORMAT


class ScannedDocument(PipelineError):
    category = ErrorType.NO_TEXT_LAYER


class TooLarge(PipelineError):
    category = ErrorType.TOO_LARGE


class OutsideRawFolder(PipelineError):
    category = ErrorType.OUTSIDE_RAW_FOLDER


class BrokenLink(PipelineError):
    category = ErrorType.BROKEN_LINK


class ServerUnavailable(PipelineError):
    """No Prefect API to serve the flow with: the local server did not start, or PREFECT_API_URL does not answer."""

    category = ErrorType.SERVER_UNAVAILABLE
