"""Version counters that make a whole family of cached values stale at once.

Cached values put the current version in their keys; bumping it orphans them
all (they expire on their own), which no cache backend can do by pattern.
"""

from django.core.cache import cache


def bump_version(key):
    try:
        cache.incr(key)
    except ValueError:  # not set yet, or evicted
        cache.set(key, 1, None)
