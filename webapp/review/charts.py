"""Geometry of the dashboard's charts, drawn as inline SVG by the templates (no JavaScript).

Functions return plain dicts of numbers and labels; the template writes them into <svg> elements
(autoescaped), so nothing here builds markup.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

from records.questions import OUTCOME_LABELS, SHORT


def nice_max(value: float) -> int:
    """A round axis maximum >= value (1, 2, 5, 10, 20, 50, ...)."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exponent:
            return int(step * exponent)
    return int(10 * exponent)


def stacked_days(stats: Mapping[str, Any], width: int = 760, height: int = 260) -> dict:
    """Screenings per day, one stacked bar per day, one segment per outcome."""
    left, right, top, bottom = 36, 8, 10, 42
    days: Sequence[str] = stats["days"]
    keys: Sequence[str] = stats["outcomes"]
    totals = [sum(stats["per_day"][d].values()) for d in days]
    top_value = nice_max(max(totals) if totals else 0)
    plot_w = width - left - right
    plot_h = height - top - bottom
    slot_w = plot_w / max(1, len(days))
    bar_w = max(2.0, min(28.0, slot_w * 0.7))
    bars = []
    label_every = max(1, math.ceil(len(days) / 12))
    for i, day in enumerate(days):
        x = left + i * slot_w + (slot_w - bar_w) / 2
        y = top + plot_h
        segments = []
        for key in keys:
            count = stats["per_day"][day][key]
            if not count:
                continue
            h = plot_h * count / top_value
            y -= h
            segments.append(
                {
                    "key": key,
                    "label": OUTCOME_LABELS.get(key, "No outcome (abandoned)"),
                    "count": count,
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "w": round(bar_w, 1),
                    "h": round(h, 1),
                }
            )
        bars.append(
            {
                "day": day,
                "total": totals[i],
                "segments": segments,
                "label": day[5:] if i % label_every == 0 else "",
                "label_x": round(x + bar_w / 2, 1),
            }
        )
    step = max(1, nice_max(top_value / 5))
    ticks = [
        {"value": value, "y": round(top + plot_h - plot_h * value / top_value, 1)}
        for value in range(0, top_value + 1, step)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "top": top,
        "baseline": top + plot_h,
        "bars": bars,
        "ticks": ticks,
        "label_y": height - bottom + 16,
        "legend": [{"key": k, "label": OUTCOME_LABELS.get(k, "No outcome (abandoned)")} for k in keys],
        "empty": not any(totals),
    }


def drop_off(stats: Mapping[str, Any], width: int = 760) -> dict:
    """Horizontal bars: the share of screenings abandoned at each question, of those asked it (the
    percentage of the bar's label; the grey track behind it is 100%)."""
    # Questions never asked on their own in the period (e.g. the second half of a combined
    # question) are left out, unless nothing was asked at all.
    rows = [r for r in stats["drop_off"] if r["asked"]] or list(stats["drop_off"])
    row_h, label_w, right = 24, 190, 150
    height = 10 + row_h * len(rows)
    plot_w = width - label_w - right
    bars = []
    for i, row in enumerate(rows):
        y = 6 + i * row_h
        # The bar is the percentage its label reads (abandoned of asked); the track is 100%.
        w = plot_w * min(1.0, max(0.0, float(row["rate"] or 0.0)))
        bars.append(
            {
                "slot": row["slot"],
                "label": SHORT.get(row["slot"], row["slot"]),
                "abandoned": row["abandoned"],
                "asked": row["asked"],
                "rate": row["rate"],
                "x": label_w,
                "y": y,
                "w": round(w, 1),
                "h": row_h - 8,
                "text_y": y + row_h / 2 + 1,
                "value_x": round(label_w + w + 6, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "label_x": label_w - 8,
        "track_w": plot_w,
        "empty": not any(r["abandoned"] for r in rows),
    }
