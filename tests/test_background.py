"""nnlab.view.background: a long playground run in a thread, stopped or cancelled between
chunks, ends with the very numbers a plain loop over the same chunks would give."""

import threading

import numpy as np

from nnlab.lessons import playground as pg
from nnlab.view import background

SETTINGS = pg.Settings(epochs=40)
DATA = pg.build_data(SETTINGS)
CHUNK = 5  # 8 chunks of 5 epochs


def chunks():
    return pg.train_in_chunks(SETTINGS, DATA, chunk_epochs=CHUNK)


def same_run(a, b):
    assert a.epochs == b.epochs
    assert np.array_equal(a.loss, b.loss)
    for (Wa, ba), (Wb, bb) in zip(a.params, b.params):
        assert np.array_equal(Wa, Wb) and np.array_equal(ba, bb)


class Gate:
    """on_step that waits at a chosen step until the test lets it go on."""

    def __init__(self, at):
        self.at, self.seen = at, []
        self.reached, self.go = threading.Event(), threading.Event()

    def __call__(self, run):
        self.seen.append(run.epochs)
        if len(self.seen) == self.at:
            self.reached.set()
            assert self.go.wait(30)


def run_job(on_step=lambda run: None):
    ended = []
    job = background.Runner().start(chunks, on_step, ended.append)
    return job, ended


def test_a_job_left_alone_ends_with_the_plain_loops_last_run_bit_for_bit():
    job, ended = run_job()
    job.join(60)
    assert job.state == "finished" and ended == [job] and job.steps == 8
    same_run(job.last, list(chunks())[-1])
    same_run(job.last, pg.train_playground(SETTINGS, DATA, chunk_epochs=CHUNK))


def end_during_chunk(at, end):
    """Run a job, and while chunk ``at`` is in hand call ``end(job)`` (stop or cancel)."""
    gate = Gate(at=at)
    job, ended = run_job(gate)
    assert gate.reached.wait(30)
    end(job)
    gate.go.set()
    job.join(60)
    return job, ended, gate


def test_stop_ends_after_the_chunk_in_hand_and_keeps_a_prefix_of_the_full_run():
    job, ended, gate = end_during_chunk(3, background.Job.stop)
    assert job.state == "stopped" and job.stopped and not job.running
    assert ended == [job] and gate.seen == [5, 10, 15] and job.last.epochs == 15
    full = list(chunks())[-1]
    assert np.array_equal(job.last.loss, full.loss[:15])  # the same epochs, the same numbers
    same_run(job.last, list(chunks())[2])
    result = pg.Result(SETTINGS, DATA, job.last, stopped=True)
    assert pg.summary(result).startswith("stopped at epoch 15 of 40")


def test_cancel_ends_between_chunks_quietly():
    job, ended, gate = end_during_chunk(2, background.Job.cancel)
    assert job.state == "cancelled" and ended == []  # nothing reported
    assert gate.seen == [5, 10]  # no chunk drawn after the cancel


def test_starting_a_job_cancels_the_previous_one_and_waits_for_it():
    runner = background.Runner()
    gate, ended = Gate(at=1), []
    first = runner.start(chunks, gate, ended.append)
    assert gate.reached.wait(30)
    threading.Timer(0.2, gate.go.set).start()  # lets the first chunk's drawing finish
    second = runner.start(chunks, lambda run: None, ended.append)
    assert first.state == "cancelled" and gate.seen == [5]  # joined before the second began
    second.join(60)
    assert second.state == "finished" and ended == [second]
    runner.cancel()  # nothing running: nothing to do


def test_a_failing_step_is_reported_not_lost():
    def broken():
        yield from ()
        raise ValueError("no data")

    ended = []
    job = background.Runner().start(broken, lambda run: None, ended.append)
    job.join(30)
    assert job.state == "failed" and isinstance(job.error, ValueError) and ended == [job]


def test_a_full_run_is_not_called_stopped():
    full = pg.Result(SETTINGS, DATA, list(chunks())[-1], stopped=True)
    assert "stopped" not in pg.summary(full)
