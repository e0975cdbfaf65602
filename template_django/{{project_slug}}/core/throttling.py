"""Throttles that count atomically in the shared cache, so several workers (or replicas)
allow exactly the configured rate between them.

DRF's own throttles keep a history list per client: read it, append, write it back. Two
workers doing that at once both see room, and the limit leaks. These count in fixed windows
with the cache's atomic `add` and `incr` instead (Redis INCR, memcached incr, a lock in the
local-memory cache).
"""

from rest_framework import throttling


class AtomicWindowMixin(throttling.SimpleRateThrottle):
    """`allow_request` and `wait` for a SimpleRateThrottle, counting in fixed windows."""

    # Parsed from the rate by SimpleRateThrottle.__init__ (unset only when there is no rate).
    num_requests: int
    duration: int
    window_end: int

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = int(self.timer())
        window_start = now - now % self.duration
        self.window_end = window_start + self.duration
        counter = f"{key}:{window_start}"
        self.cache.add(counter, 0, timeout=self.duration + 1)
        try:
            count = self.cache.incr(counter)
        except ValueError:  # the counter expired between add and incr: a new window
            self.cache.add(counter, 1, timeout=self.duration + 1)
            count = 1
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1, self.window_end - int(self.timer()))


class AnonRateThrottle(AtomicWindowMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(AtomicWindowMixin, throttling.UserRateThrottle):
    def get_cache_key(self, request, view):
        # Users only: AnonRateThrottle counts anonymous clients already (DRF's
        # UserRateThrottle would count them a second time, under their address).
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ScopedRateThrottle(throttling.ScopedRateThrottle, AtomicWindowMixin):
    """A view's `throttle_scope` names its own rate in DEFAULT_THROTTLE_RATES."""
