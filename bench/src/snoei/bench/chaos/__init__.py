"""``snoei chaos``: faults during a load, and proof that the end state equals an undisturbed run."""
