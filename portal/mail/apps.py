from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "portal.mail"
    label = "mail"
    verbose_name = "Email outbox"
    default_auto_field = "django.db.models.BigAutoField"
