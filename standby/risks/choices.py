"""Choices of the risk register."""

from django.db import models


class RiskCategory(models.TextChoices):
    """What can happen to services and assets (the seed's step 2, "Risks")."""

    INTERNAL_ICT = "internal_ict", "Loss of internal ICT services/assets"
    EXTERNAL_ICT = "external_ict", "Loss of external ICT services"
    DATA = "data", "Loss of data"
    STAFF = "staff", "Unavailability of key technical and support staff"
    PROVIDERS = "providers", "Failure of service providers"


class ThreatCategory(models.TextChoices):
    """The nature of a threat (what makes a risk happen)."""

    ENVIRONMENTAL = "environmental", "Environmental"
    TECHNICAL = "technical", "Technical"
    HUMAN = "human", "Human error or accident"
    MALICIOUS = "malicious", "Malicious"
    PEOPLE = "people", "People unavailable"
    SUPPLIER = "supplier", "Supplier"


class Treatment(models.TextChoices):
    """What the organisation does about a risk."""

    REDUCE = "reduce", "Reduce"
    TRANSFER = "transfer", "Transfer"
    ACCEPT = "accept", "Accept"
    AVOID = "avoid", "Avoid"


class RiskStatus(models.TextChoices):
    """Where a risk stands."""

    OPEN = "open", "Open"
    TREATING = "treating", "Being treated"
    MONITORED = "monitored", "Monitored"
    CLOSED = "closed", "Closed"


class MeasureEffect(models.TextChoices):
    """What a proactive measure changes in the quantitative model."""

    FREQUENCY = "frequency", "Frequency of the risk's threats"
    DURATION = "duration", "Outage duration of the nodes it protects"
