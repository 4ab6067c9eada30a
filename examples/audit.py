"""Audit class balance across splits, and catch resampling that leaked into the test set.

Oversampling before splitting puts copies of training rows into the test
split, so test scores measure memory, not generalisation. ``tabaug.audit``
finds those rows by hashing every row of each split. This example does it the
wrong way and the right way on the shipped lending_club data and prints both
audits.

Run::

    python examples/audit.py
    python examples/audit.py --html audit.html   # self-contained page (chart needs matplotlib)
"""

import argparse

from sklearn.model_selection import train_test_split

from tabaug import RandomOverSampler, audit, datasets

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", metavar="FILE", help="also write the leaky audit as HTML")
    args = parser.parse_args()

    X, y = datasets.load("lending_club")

    # Wrong: resample the whole dataset, then split.
    X_over, y_over = RandomOverSampler(random_state=0).fit_resample(X, y)
    X_train, X_test, y_train, y_test = train_test_split(
        X_over, y_over, test_size=0.25, stratify=y_over, random_state=0
    )
    leaky = audit({"train": (X_train, y_train), "test": (X_test, y_test)})
    print("Resampled, then split (wrong):\n")
    print(leaky)

    # Right: split first; resample the training split only (ideally inside a Pipeline).
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    X_train, y_train = RandomOverSampler(random_state=0).fit_resample(X_train, y_train)
    clean = audit({"train": (X_train, y_train), "test": (X_test, y_test)})
    print("\n\nSplit, then resampled the training split (right):\n")
    print(clean)

    if args.html:
        leaky.to_html(args.html)
        print(f"\nwrote {args.html}")
