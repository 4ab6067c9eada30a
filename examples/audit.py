"""Audit class balance, how hard the minority class is, and resampling leaked into the test set.

Oversampling before splitting puts copies of training rows (or rows made
from them) into the test split, so test scores measure memory, not
generalisation. ``tabaug.audit`` compares each class's held-out rows with its
training rows (exact repeats, near duplicates, SMOTE segments) against the
largest class, which no oversampler grows. This example does it the wrong
way (SMOTE, then split) and the right way (split, then SMOTE the training
split) on the shipped lending_club data, with the difficulty check on, and
prints both audits.

Run::

    python examples/audit.py
    python examples/audit.py --html audit.html   # the leaky audit as a report (charts: matplotlib)
"""

import argparse

from sklearn.model_selection import train_test_split

from tabaug import SMOTE, audit, datasets

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", metavar="FILE", help="also write the leaky audit as HTML")
    args = parser.parse_args()

    X, y = datasets.load("lending_club")

    # Wrong: resample the whole dataset, then split.
    X_over, y_over = SMOTE(sampling_strategy=0.25, random_state=0).fit_resample(X, y)
    X_train, X_test, y_train, y_test = train_test_split(
        X_over, y_over, test_size=0.25, stratify=y_over, random_state=0
    )
    leaky = audit({"train": (X_train, y_train), "test": (X_test, y_test)}, difficulty=True)
    print("Resampled, then split (wrong):\n")
    print(leaky)

    # Right: split first; resample the training split only (ideally inside a Pipeline).
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    X_train, y_train = SMOTE(sampling_strategy=0.25, random_state=0).fit_resample(
        X_train, y_train
    )
    clean = audit({"train": (X_train, y_train), "test": (X_test, y_test)})
    print("\n\nSplit, then resampled the training split (right):\n")
    print(clean)

    if args.html:
        leaky.to_html(args.html)
        print(f"\nwrote {args.html}")
