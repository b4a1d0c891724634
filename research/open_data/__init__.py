"""Open data: the portfolio for other people's tools.

The CSV download and the JSON API (`exports`), their OpenAPI description
(`openapi`), the projects feeds (`feeds`), 360Giving export and import
(`giving360/`), and the bulk page loader those imports and the demo use
(`bulk`). Nothing here is imported by the models: the research index page's
routes hand over to research/views.py, which calls in here.
"""
