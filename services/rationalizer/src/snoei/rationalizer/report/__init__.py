"""The board report: one self-contained HTML page rendered from a run and its landscape."""

from snoei.rationalizer.report.i18n import LANGUAGES, Language
from snoei.rationalizer.report.model import ReportInput, build_report_input
from snoei.rationalizer.report.render import render_report

__all__ = ["LANGUAGES", "Language", "ReportInput", "build_report_input", "render_report"]
