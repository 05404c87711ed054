"""The culture and members fixtures, for tests that follow forms across several parts of the portal."""

from tests.culture.conftest import dimensions, facilitator, practice, round_  # noqa: F401 - fixtures
from tests.members.test_forms import kersal  # noqa: F401 - a fixture
