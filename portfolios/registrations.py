"""What portfolios add to the navigation, the home page and the demo world."""

from __future__ import annotations

from access.roles import Role
from core.registry import register_home_panel, register_nav
from demo.registry import register_demo_builder
from portfolios.demo import build_demo
from portfolios.panels import home_panel, moderation_panel, portfolio_links, reviews_panel
from qualifications.extensions import register_enrolment_links

register_nav(
    "Portfolios",
    "portfolios:home",
    roles={Role.PARTICIPANT, Role.MENTOR, Role.REVIEWER, Role.MODERATOR, Role.PROGRAMME_ADMIN},
    order=60,
)
register_nav("Portfolio administration", "portfolios:provider_admin", roles={Role.PROGRAMME_ADMIN}, order=61)
register_home_panel("portfolios", "portfolios/panels/home.html", home_panel, order=40)
register_home_panel("portfolios_reviews", "portfolios/panels/reviews.html", reviews_panel, order=41)
register_home_panel("portfolios_moderation", "portfolios/panels/moderation.html", moderation_panel, order=42)
register_demo_builder("portfolios", build_demo, order=35)
register_enrolment_links("portfolios", portfolio_links)
