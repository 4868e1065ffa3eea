"""The project's errors: every failure a user can act on is a QAError.

    QAError
    ├── InputError          bad input from a user: a question, a file, a setting
    │   └── CorpusError     a corpus file that cannot be read or parsed
    ├── IndexMissingError   no index has been built yet
    ├── IndexInvalidError   an index exists but is damaged or does not match the settings
    ├── ModelError          the embedding model cannot be loaded
    └── SettingsError       a setting names something unusable (e.g. a missing thesaurus file)
"""


class QAError(Exception):
    """Base class: the message is meant for the user, as is."""


class InputError(QAError):
    """The caller gave something we cannot use."""


class CorpusError(InputError):
    """A corpus file is unreadable, malformed, empty or duplicated."""


class IndexMissingError(QAError):
    """No index has been built at the expected place."""


class IndexInvalidError(QAError):
    """The index on disk is damaged, incomplete, or built with other settings."""


class ModelError(QAError):
    """The embedding model could not be loaded."""


class SettingsError(QAError):
    """A setting names a file or value the service cannot use: it cannot serve until fixed."""
