"""The examples in the domain packages' docstrings run as written."""

import doctest

import pytest

import domain.mrz
import domain.screening
import domain.stay


@pytest.mark.parametrize(
    "package", [domain.mrz, domain.screening, domain.stay], ids=lambda p: p.__name__
)
def test_the_package_example_runs(package):
    result = doctest.testmod(package)
    assert result.attempted > 0
    assert result.failed == 0
