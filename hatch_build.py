"""Build hook: compile the translation catalogs (src/dispstats/locale/*/LC_MESSAGES/*.po)
into the .mo files gettext reads, for wheels and editable installs alike."""

from __future__ import annotations

import sys
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogs(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        source = Path(self.root) / "src"
        # The package's own compiler (it stamps each .mo with its .po's hash); it needs only
        # the standard library and Babel, a build requirement.
        sys.path.insert(0, str(source))
        from dispstats.reports.i18n import compile_catalog

        for po in sorted((source / "dispstats" / "locale").glob("*/LC_MESSAGES/*.po")):
            po.with_suffix(".mo").write_bytes(compile_catalog(po))
