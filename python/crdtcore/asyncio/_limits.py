"""Server limits: the ``Limits`` settings and the per-connection ``RateLimiter``.

``Limits`` gathers what a server exposed to the internet must bound: the size of one message,
the number of rooms in memory, the rate of frames and bytes per connection and the bytes
waiting to be sent to a slow reader. ``None`` switches a limit off.

``RateLimiter`` is a pair of token buckets (frames and bytes). It never reads a clock: the
caller passes ``now`` in seconds, so it is tested without sleeping.

Thread safety: none; one limiter per connection, used from its event loop.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    """What the sync server accepts; ``None`` disables a limit.

    Attributes:
        max_message_size: Largest incoming WebSocket message in bytes (websockets'
            ``max_size``); a larger one closes that connection with code 1009. The first
            SyncStep2 of a client carries its whole offline state, so keep this above the
            size of the largest document.
        max_rooms: Rooms held in memory at once. A connection to a new room beyond it first
            unloads an idle room (one without connections); if every room is in use it is
            closed with code 1013 and a reason naming the limit.
        max_frames_per_second: Sustained frames per second and connection.
        frame_burst: Frames a connection may send at once above that rate (bucket size).
        max_bytes_per_second: Sustained bytes per second and connection.
        byte_burst: Bytes a connection may send at once above that rate; None means
            ``max(max_bytes_per_second, max_message_size)`` so one maximal message passes.
        max_send_queue: Bytes waiting to be written to one connection; a reader slower than
            its room's traffic is closed with code 1013 when it falls this far behind.

    Example:
        >>> Limits(max_rooms=10).max_rooms
        10
        >>> Limits().burst_bytes() == max(Limits().max_bytes_per_second, 16 << 20)
        True
    """

    max_message_size: int | None = 16 << 20
    max_rooms: int | None = 10_000
    max_frames_per_second: float | None = 200.0
    frame_burst: int = 1_000
    max_bytes_per_second: float | None = 4 << 20
    byte_burst: int | None = None
    max_send_queue: int | None = 64 << 20

    def __post_init__(self) -> None:
        for name in ("max_message_size", "max_rooms", "byte_burst", "max_send_queue"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive or None, not {value}")
        for name in ("max_frames_per_second", "max_bytes_per_second"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive or None, not {value}")
        if self.frame_burst < 1:
            raise ValueError(f"frame_burst must be at least 1, not {self.frame_burst}")

    def burst_bytes(self) -> float | None:
        """The byte bucket's size (see ``byte_burst``), or None without a byte rate.

        Example:
            >>> Limits(max_bytes_per_second=10, max_message_size=100).burst_bytes()
            100
        """
        if self.max_bytes_per_second is None:
            return None
        if self.byte_burst is not None:
            return self.byte_burst
        return max(self.max_bytes_per_second, self.max_message_size or 0)


class _Bucket:
    """A token bucket: ``rate`` tokens per second, at most ``size`` saved up."""

    __slots__ = ("level", "rate", "size", "stamp")

    def __init__(self, rate: float, size: float, now: float) -> None:
        self.rate = rate
        self.size = size
        self.level = size
        self.stamp = now

    def take(self, amount: float, now: float) -> bool:
        elapsed = max(0.0, now - self.stamp)
        self.stamp = now
        self.level = min(self.size, self.level + elapsed * self.rate)
        if amount > self.level:
            return False
        self.level -= amount
        return True


class RateLimiter:
    """The frame and byte token buckets of one connection.

    Args:
        limits: The rates and burst sizes.
        now: The current time in seconds (any monotonic clock).

    Example:
        >>> limiter = RateLimiter(Limits(max_frames_per_second=1, frame_burst=2), now=0.0)
        >>> [limiter.check(10, now=0.0) for _ in range(3)]
        [None, None, 'rate limit exceeded: more than 1 frames/s']
        >>> limiter.check(10, now=1.0) is None  # one token came back
        True
    """

    def __init__(self, limits: Limits, *, now: float) -> None:
        self._limits = limits
        self._frames = (
            None
            if limits.max_frames_per_second is None
            else _Bucket(limits.max_frames_per_second, limits.frame_burst, now)
        )
        burst = limits.burst_bytes()
        self._bytes = (
            None
            if limits.max_bytes_per_second is None or burst is None
            else _Bucket(limits.max_bytes_per_second, burst, now)
        )

    def check(self, size: int, *, now: float) -> str | None:
        """Accounts one received frame of ``size`` bytes at time ``now`` (seconds).

        Returns:
            None when the frame is within the limits, else the reason to close the
            connection.
        """
        frames, nbytes = self._frames, self._bytes
        if frames is not None and not frames.take(1, now):
            return f"rate limit exceeded: more than {_number(frames.rate)} frames/s"
        if nbytes is not None and not nbytes.take(size, now):
            return f"rate limit exceeded: more than {_number(nbytes.rate)} bytes/s"
        return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
