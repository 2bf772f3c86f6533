"""The messagerie (see ``apps.messaging.models``)."""
