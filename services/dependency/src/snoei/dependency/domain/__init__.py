"""The pure graph model of a landscape and the questions it answers (no I/O)."""
