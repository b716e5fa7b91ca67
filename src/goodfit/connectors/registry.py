"""Connector types by name (the ``type`` in [connectors.NAME])."""

from __future__ import annotations

from goodfit.connectors.base import Connector, ConnectorContext, Options


def _classes() -> dict[str, type]:
    # Imported here so a project without the connectors extra only fails when it syncs.
    from goodfit.connectors import django_helpdesk, freshdesk, stripe, whmcs, zendesk

    return {
        "whmcs": whmcs.WhmcsConnector,
        "stripe": stripe.StripeConnector,
        "zendesk": zendesk.ZendeskConnector,
        "freshdesk": freshdesk.FreshdeskConnector,
        "django-helpdesk": django_helpdesk.DjangoHelpdeskConnector,
    }


def _options() -> dict[str, type[Options]]:
    from goodfit.connectors import django_helpdesk, freshdesk, stripe, whmcs, zendesk

    return {
        "whmcs": whmcs.WhmcsOptions,
        "stripe": stripe.StripeOptions,
        "zendesk": zendesk.ZendeskOptions,
        "freshdesk": freshdesk.FreshdeskOptions,
        "django-helpdesk": django_helpdesk.DjangoHelpdeskOptions,
    }


def options_model(type_: str) -> type[Options]:
    return _options()[type_]


def make_connector(ctx: ConnectorContext) -> Connector:
    connector: Connector = _classes()[ctx.settings.type](ctx)
    return connector
