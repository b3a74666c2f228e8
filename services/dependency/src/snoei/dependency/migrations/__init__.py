"""SQL migrations of the ``dependency`` schema, applied in file-name order."""
