"""The statistics dashboard and the governors' termly report."""

from insights.views.dashboard import dashboard, group_dashboard
from insights.views.reports import report, report_download, report_status, reports

__all__ = ["dashboard", "group_dashboard", "report", "report_download", "report_status", "reports"]
