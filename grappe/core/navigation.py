"""The navigation menu, assembled from what each app declares on its AppConfig (`nav_items`)."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset = field(default_factory=frozenset)  # empty: everyone signed in
    icon: str = ""
    order: int = 50
