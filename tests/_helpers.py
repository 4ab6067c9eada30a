"""Small imbalanced tables of every column type tabaug promises to keep."""

import numpy as np
import pandas as pd


def mixed_frame(n_majority: int = 40, n_minority: int = 12, seed: int = 0):
    """A DataFrame with float, int, nullable, bool, category, string and datetime columns."""
    rng = np.random.default_rng(seed)
    n = n_majority + n_minority
    X = pd.DataFrame(
        {
            "income": rng.normal(50, 10, n),
            "age": rng.integers(18, 90, n),
            "visits": pd.array(rng.integers(0, 20, n), dtype="Int64"),
            "small": rng.integers(0, 200, n).astype(np.uint8),
            "score32": rng.random(n).astype(np.float32),
            "owner": rng.random(n) < 0.4,
            "vip": pd.array(rng.random(n) < 0.2, dtype="boolean"),
            "city": pd.Categorical(rng.choice(["lyon", "oslo", "rome"], n),
                                   categories=["lyon", "oslo", "rome", "nice"]),
            "plan": pd.array(rng.choice(["basic", "pro"], n), dtype="string"),
            "note": pd.Series(rng.choice(["a", "b", "c"], n)),
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), "D"),
        }
    )
    y = pd.Series(np.r_[np.zeros(n_majority, int), np.ones(n_minority, int)], name="churn")
    return X, y
