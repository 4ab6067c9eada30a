"""The accuracy paradox, then what SMOTE inside a pipeline changes on real data.

The same as ``tabaug demo``: part 1 is 100 rows of class 0, 10 of class 1 and
a model that always predicts 0 (accuracy 0.91, recall 0.00, precision
undefined); part 2 compares LogisticRegression with and without
``tabaug.SMOTE`` inside ``tabaug.make_pipeline`` on the shipped yeast_me2
dataset, evaluated on an untouched stratified test split.

Run::

    python examples/accuracy_paradox.py
    python examples/accuracy_paradox.py --plot paradox.png   # needs matplotlib
"""

import argparse

from tabaug._demo import run_demo

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plot", metavar="FILE", help="also save the figure there")
    args = parser.parse_args()
    print(run_demo(plot=args.plot))
