"""Demo content for a fresh install: the data, the pictures and the loader."""
