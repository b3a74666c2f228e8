"""``python -m snoei.rationalizer``: run the rationalizer service."""

import sys

from pydantic import ValidationError

from snoei.rationalizer.config import RationalizerSettings
from snoei.rationalizer.main import create_app
from snoei.shared.runner import run_service


def load_settings() -> RationalizerSettings:
    """The settings, or one line per invalid setting naming it, and exit code 2."""
    try:
        return RationalizerSettings()
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path = "__".join(str(part) for part in error["loc"]).upper()
            print(
                f"snoei-rationalizer: invalid setting SNOEI_{path}: {error['msg']}", file=sys.stderr
            )
        raise SystemExit(2) from None


def main() -> None:
    run_service("rationalizer", load_settings(), create_app)


if __name__ == "__main__":
    main()
