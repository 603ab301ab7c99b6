"""
Progress reports for long transfers: a callable (done_bytes, total_bytes),
or True for a tqdm bar when tqdm is installed (nothing otherwise).
"""


class _Tqdm:
    def __init__(self, total):
        from tqdm import tqdm
        self.bar = tqdm(total=total, unit="B", unit_scale=True,
                        unit_divisor=1024)
        self.done = 0

    def __call__(self, done, total):
        self.bar.update(done - self.done)
        self.done = done

    def close(self):
        self.bar.close()


def check(progress):
    """TypeError unless progress is None, False, True or a callable."""
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        raise TypeError("progress must be a callable (done_bytes,"
                        " total_bytes), True or None")


class Progress:
    """Calls progress(done, total) as bytes arrive; a context manager."""

    def __init__(self, progress, total):
        self.total = total
        self.done = 0
        self.report = None
        self.closer = None
        if progress is True:
            try:
                bar = _Tqdm(total)
            except ImportError:
                bar = None
            if bar is not None:
                self.report, self.closer = bar, bar.close
        elif progress is not None and progress is not False:
            check(progress)
            self.report = progress

    def __enter__(self):
        if self.report is not None:
            self.report(0, self.total)
        return self

    def add(self, nbytes):
        self.done += nbytes
        if self.report is not None:
            self.report(self.done, self.total)

    def __exit__(self, *exc):
        if self.closer is not None:
            self.closer()
        return False
