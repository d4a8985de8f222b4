"""Packaging for message_media_messages (metadata lives here; pyproject.toml holds tool config)."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
VERSION = re.search(
    r'^SDK_VERSION = "([^"]+)"', (HERE / "message_media_messages" / "configuration.py").read_text(), re.M
).group(1)

setup(
    name="message-media-messages",
    version=VERSION,
    description="A hardened, drop-in Python SDK for the MessageMedia Messages REST API",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    license_files=["LICENSE"],
    python_requires=">=3.10",
    packages=find_packages(include=["message_media_messages", "message_media_messages.*"]),
    package_data={"message_media_messages": ["py.typed"]},
    install_requires=["requests>=2.31", "python-dateutil>=2.8"],
    extras_require={
        "webhooks": ["cryptography>=41"],
        "cli": ["tqdm>=4.60"],
        "async": ["httpx>=0.26"],
        "test": [
            "pytest>=7",
            "hypothesis>=6.80",
            "schemathesis>=4",
            "cryptography>=41",
            "tqdm>=4.60",
            "httpx>=0.26",
        ],
        "lint": ["ruff>=0.5", "mypy>=1.8", "types-requests", "types-python-dateutil"],
    },
    entry_points={
        "console_scripts": ["messagemedia = message_media_messages.cli:main"],
        "pytest11": ["message_media_messages = message_media_messages.pytest_plugin"],
    },
    classifiers=[
        "Programming Language :: Python :: 3",
        "Programming Language :: Python :: 3 :: Only",
        "Typing :: Typed",
    ],
)
