from tests.publications.wall import wall  # noqa: F401 - the fixture
