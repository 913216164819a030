"""A time limit for tests that feed hostile input: fail fast instead of hanging the run."""

import contextlib
import signal


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail the test (instead of hanging the run) when the block takes longer than ``seconds``.

    Uses SIGALRM, so it works on Linux and macOS in the main thread, where pytest runs tests.
    """

    def stop(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
