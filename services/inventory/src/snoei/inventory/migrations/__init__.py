"""SQL migrations of the inventory schema, applied in file-name order."""
