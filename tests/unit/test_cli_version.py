from click.testing import CliRunner

from iamd import __version__
from iamd.cli.main import cli


def test_version_prints_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"iamd, version {__version__}"
