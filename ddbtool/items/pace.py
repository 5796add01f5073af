"""How fast bulk writes go: how many calls are in flight, and how much capacity they may use.

Against a local endpoint a request costs little and a handful in flight keep the
server busy; against AWS each one waits a network round trip, and the more in
flight the faster the writes, up to what the client's own CPU or the table's
capacity allows. No fixed number suits both, so `Concurrency` finds it while
writing: it starts at a few calls at once and doubles while throughput
(items written a second) still grows, keeps the best level once it does not,
and halves whenever DynamoDB throttles, growing back one call at a time.

`WriteBudget` keeps a write that shares its table with live traffic under a
number of write capacity units a second, as DynamoDB reports them
(ReturnConsumedCapacity): each call reserves its estimated cost before it is
sent, and the reservation is corrected by what DynamoDB says it consumed.

Both take their clock (and the budget its sleep) as arguments, so tests drive them
without waiting.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ddbtool.aws import MAX_CONNECTIONS

START = 8  # calls in flight before anything is measured
CEILING = MAX_CONNECTIONS  # the most: one connection each in botocore's pool
GROWTH = 1.1  # doubling must gain 10% or more throughput to count as growing
WINDOW_ROUNDS = 2  # throughput is measured over twice the limit's calls


class Concurrency:
    """A gate that lets `limit` calls run at once; adaptive unless the limit is `fixed`."""

    def __init__(
        self, fixed: int | None = None, *, clock: Callable[[], float] = time.monotonic, ceiling: int = CEILING
    ) -> None:
        self.adaptive = fixed is None
        self.limit = fixed or min(START, ceiling)
        self.ceiling = ceiling
        self.clock = clock
        self._in_flight = 0
        self._changed = threading.Condition()
        self._best_rate = 0.0
        self._best_limit = self.limit
        self._settled = False
        self._window_start: float | None = None
        self._window_items = 0
        self._window_calls = 0

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the `limit` places while a call runs."""
        with self._changed:
            while self._in_flight >= self.limit:
                self._changed.wait()
            self._in_flight += 1
            if self._window_start is None:
                self._window_start = self.clock()
        try:
            yield
        finally:
            with self._changed:
                self._in_flight -= 1
                self._changed.notify()

    def record(self, items: int, *, throttled: bool = False) -> None:
        """A call has finished: it wrote `items`, and DynamoDB throttled it (or left items unprocessed)."""
        if not self.adaptive:
            return
        with self._changed:
            if throttled:
                self._settled = True
                self.limit = max(1, self.limit // 2)
                self._new_window()
                return
            self._window_items += items
            self._window_calls += 1
            if self._window_calls < WINDOW_ROUNDS * self.limit or self._window_start is None:
                return
            elapsed = self.clock() - self._window_start
            rate = self._window_items / elapsed if elapsed > 0 else float("inf")
            self._next_limit(rate)
            self._new_window()
            self._changed.notify_all()

    def _next_limit(self, rate: float) -> None:
        if self._settled:
            # After throttling: grow back one call at a time, up to the level found best.
            self.limit = max(self.limit, min(self.limit + 1, self._best_limit))
            return
        if rate >= self._best_rate * GROWTH:
            self._best_rate, self._best_limit = rate, self.limit
            if self.limit < self.ceiling:
                self.limit = min(self.ceiling, self.limit * 2)
                return
        self.limit = self._best_limit
        self._settled = True

    def _new_window(self) -> None:
        self._window_start = self.clock()
        self._window_items = self._window_calls = 0


class WriteBudget:
    """At most `per_second` write capacity units a second, measured from what DynamoDB reports."""

    def __init__(
        self,
        per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("a write budget is a positive number of capacity units a second")
        self.per_second = per_second
        self.clock = clock
        self.sleep = sleep
        self._lock = threading.Lock()
        self._next_free: float | None = None  # when the capacity reserved so far is paid for

    def reserve(self, units: float) -> None:
        """Wait until `units` more fit in the budget, and reserve them."""
        with self._lock:
            now = self.clock()
            start = now if self._next_free is None else max(self._next_free, now)
            self._next_free = start + units / self.per_second
        if start > now:
            self.sleep(start - now)

    def settle(self, reserved: float, consumed: float) -> None:
        """A call reserved `reserved` units and DynamoDB says it consumed `consumed`."""
        with self._lock:
            if self._next_free is not None:
                self._next_free += (consumed - reserved) / self.per_second


class CallReport:
    """What one paced call reports back: items written, throttling, capacity consumed if known."""

    written = 0
    throttled = False
    consumed: float | None = None


class Pace:
    """How one bulk write paces its calls: `concurrency` in flight (None: adaptive), under `max_wcu`."""

    def __init__(
        self,
        concurrency: int | None = None,
        max_wcu: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.gate = Concurrency(concurrency, clock=clock)
        self.budget = WriteBudget(max_wcu, clock=clock, sleep=sleep) if max_wcu is not None else None

    def beside(self) -> Pace:
        """The pace of a few writes running beside this one (an app's, during a seed): calls
        of their own in flight (START, or fewer if this pace is fixed lower), the same budget.

        Taking turns at this gate, they would wait behind every batch in flight."""
        other = copy.copy(self)
        other.gate = Concurrency(START if self.gate.adaptive else min(START, self.gate.limit))
        return other

    @property
    def workers(self) -> int:
        """Threads enough for the most calls the gate may ever let through."""
        return self.gate.ceiling if self.gate.adaptive else self.gate.limit

    @contextmanager
    def call(self, units: float = 0.0) -> Iterator[CallReport]:
        """Wait for the budget to allow `units` and for a place in flight; hold it during the call."""
        if self.budget is not None:
            self.budget.reserve(units)
        report = CallReport()
        try:
            with self.gate.slot():
                yield report
        finally:
            self.gate.record(report.written, throttled=report.throttled)
            if self.budget is not None:
                self.budget.settle(units, units if report.consumed is None else report.consumed)
