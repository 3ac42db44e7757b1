"""The cswidget demo site: every embed scenario as a page, a local stand-in of
CustomerSure's widget script and a survey sandbox that stores responses.

Run it with `make demo`; the ASGI app is `demo_site.app:app`.
"""
