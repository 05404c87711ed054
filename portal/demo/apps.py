from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo site's content and its commands (``load_demo``, ``demo_totp``); it has no models.

    It sits above every other app, since it fills them all.
    """

    name = "portal.demo"
    label = "demo"
    verbose_name = "Demo site"
