from tests.assessments.conftest import catalogues, classified, gap, iso  # noqa: F401
