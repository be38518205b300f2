"""The funnel: a CRM's stage history laid over the journey map, as SQL metrics, reports and overlay diagrams."""
