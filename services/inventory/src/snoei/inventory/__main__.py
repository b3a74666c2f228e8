"""``python -m snoei.inventory``: run the inventory service."""

from snoei.inventory.config import InventorySettings
from snoei.inventory.main import create_app
from snoei.shared.runner import run_service


def main() -> None:
    run_service("inventory", InventorySettings(), create_app)


if __name__ == "__main__":
    main()
