"""Version-1 payload models, one tagged union per topic."""
