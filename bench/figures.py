"""The benchmark's figures: samples, their statistics, and the table they are printed in.

A figure is one measured cost beside its baseline (measured in the same run, interleaved) and
its target. To add one, append a ``Figure`` to the list ``run.py`` prints; ``ok`` is None for a
figure that is reported without a target.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Sample:
    """Repeated measurements of one cost, in seconds (or any one unit)."""

    values: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.values.append(value)

    def __bool__(self) -> bool:
        return bool(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0..1), interpolated between the two nearest values."""
        ordered = sorted(self.values)
        if len(ordered) == 1:
            return ordered[0]
        at = q * (len(ordered) - 1)
        low = int(at)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (at - low)

    @property
    def p95(self) -> float:
        return self.quantile(0.95)

    def spread_ms(self) -> str:
        """Median with the middle half and the 95th percentile, in milliseconds."""
        return (f"{self.median * 1000:.1f} ms [{self.quantile(0.25) * 1000:.1f}–{self.quantile(0.75) * 1000:.1f}, "
                f"p95 {self.p95 * 1000:.1f}] n={len(self.values)}")


@dataclass
class Figure:
    name: str
    value: str
    baseline: str = ""
    target: str = ""
    ok: bool | None = None
    detail: str = ""


def ratio_figure(name: str, sample: Sample, base: Sample, base_name: str, limit: float) -> Figure:
    """``sample``'s median over ``base``'s median, within ``limit``."""
    ratio = sample.median / base.median
    return Figure(name, f"{ratio:.2f}x", f"{base_name} {base.spread_ms()}", f"<= {limit:g}x", ratio <= limit,
                  sample.spread_ms())


def print_table(title: str, figures: list[Figure]) -> None:
    print(f"\n{title}")
    name_w = max(len(f.name) for f in figures)
    print(f"{'measure':{name_w}}  {'result':>10}  {'target':>10}  ok   measured / baseline")
    for f in figures:
        ok = "   " if f.ok is None else ("yes" if f.ok else "NO ")
        print(f"{f.name:{name_w}}  {f.value:>10}  {f.target:>10}  {ok}  {f.detail}")
        if f.baseline:
            print(f"{'':{name_w}}  {'':>10}  {'':>10}       baseline: {f.baseline}")


def growth(values: dict[int, float]) -> str:
    """How a cost grows with size: its exponent k in cost ~ size^k between the smallest and
    largest size (0 is flat, 1 linear), in words."""
    import math

    sizes = sorted(values)
    lo, hi = sizes[0], sizes[-1]
    if values[lo] <= 0 or values[hi] <= 0 or lo == hi:
        return ""
    k = math.log(values[hi] / values[lo]) / math.log(hi / lo)
    word = "flat" if k < 0.1 else "sublinear" if k < 0.8 else "linear" if k < 1.2 else "superlinear"
    return f"x{values[hi] / values[lo]:.2f} over {hi / lo:g}x size (k={k:.2f}, {word})"
