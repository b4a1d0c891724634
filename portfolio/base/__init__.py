"""The shared base every app builds on. It imports neither `research` nor `stories`."""
