"""A long run trained in a background thread, one chunk at a time, so that it can be stopped.

While a marimo cell runs, its kernel reads no messages from the page: a Stop button, or a
changed control, would wait until the run ends. So lesson 05 trains a run of several chunks
in a thread instead (marimo's ``mo.Thread``, which may talk to the page) and checks between
chunks whether it should go on. Two ways to end it early:

- ``stop()`` (the learner's **Stop**): the chunk in hand ends, and the run so far is kept and
  reported, as a finished run is;
- ``cancel()`` (newer settings replace the run): the chunk in hand ends and nothing more is
  drawn or reported. ``Runner.start`` cancels the previous job, and waits for it, before it
  starts the next, so two runs never draw on one picture.

Nothing here knows about marimo or about training: a job drives any iterator of steps, and
hands each step to ``on_step`` and the last one to ``on_end``. With the same iterator the
last step is the very object a plain ``for`` loop would end with.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable


class Job:
    """One run in a thread: its state, the last step it made, and the ways to end it."""

    def __init__(self, make_steps: Callable[[], Iterable], on_step: Callable[[Any], None],
                 on_end: Callable[["Job"], None], thread: type = threading.Thread):
        self._make_steps, self._on_step, self._on_end = make_steps, on_step, on_end
        self._stop, self._cancel = threading.Event(), threading.Event()
        self.last = None  # the last step made (the run so far)
        self.result = None  # what on_end makes of it, for whoever reads the job afterwards
        self.steps = 0
        self.state = "waiting"  # then "running", and "finished", "stopped" or "cancelled"
        self.error: BaseException | None = None
        self._thread = thread(target=self._run, daemon=True)

    def start(self) -> "Job":
        self.state = "running"
        self._thread.start()
        return self

    def stop(self) -> None:
        """End after the chunk in hand, keeping (and reporting) the run so far."""
        self._stop.set()

    def cancel(self) -> None:
        """End after the chunk in hand; nothing more is drawn or reported."""
        self._cancel.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def stopped(self) -> bool:
        return self.state == "stopped"

    def _cancelled(self) -> bool:
        # mo.Thread also says so when the cell that started it is run again or interrupted
        return self._cancel.is_set() or getattr(self._thread, "should_exit", False)

    def _run(self) -> None:
        steps = iter(self._make_steps())
        try:
            while True:
                if self._cancelled():
                    self.state = "cancelled"
                    return
                try:
                    step = next(steps)  # one chunk of work
                except StopIteration:
                    self.state = "finished"
                    break
                if self._cancelled():
                    self.state = "cancelled"
                    return
                self.last, self.steps = step, self.steps + 1
                self._on_step(step)
                if self._stop.is_set():  # checked after a step: a stopped job has made one
                    self.state = "stopped"
                    break
        except Exception as error:  # shown by on_end, not lost in a thread
            self.error, self.state = error, "failed"
        finally:
            close = getattr(steps, "close", None)
            if close is not None:
                close()  # a generator's cleanup (a progress bar removes itself) runs now
        self._on_end(self)


class Runner:
    """At most one job at a time: starting one cancels the previous one and waits for it."""

    def __init__(self, thread: type = threading.Thread):
        self._thread = thread
        self.job: Job | None = None

    def start(self, make_steps: Callable[[], Iterable], on_step: Callable[[Any], None],
              on_end: Callable[[Job], None]) -> Job:
        """Run ``make_steps()`` (called in the new thread) step by step in the background."""
        self.cancel()
        self.job = Job(make_steps, on_step, on_end, self._thread)
        return self.job.start()

    def cancel(self) -> None:
        """Cancel the job in hand, if any, and wait until it has ended."""
        if self.job is not None:
            self.job.cancel()
            self.job.join()

    def stop(self) -> None:
        """Stop the job in hand, if any: it ends after its chunk and reports the run so far."""
        if self.job is not None:
            self.job.stop()
