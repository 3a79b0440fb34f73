"""`python -m sahelkit.grading ...` is `sahelkit grade ...`."""
import sys

from .command import main

if __name__ == "__main__":
    sys.exit(main())
