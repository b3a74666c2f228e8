"""SQL migrations of the rationalizer schema."""
