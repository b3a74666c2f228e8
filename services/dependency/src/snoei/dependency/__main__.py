"""``python -m snoei.dependency``: run the dependency service."""

from snoei.dependency.config import DependencySettings
from snoei.dependency.main import create_app
from snoei.shared.runner import run_service


def main() -> None:
    run_service("dependency", DependencySettings(), create_app)


if __name__ == "__main__":
    main()
