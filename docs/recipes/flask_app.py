from flask import Flask, render_template
from flask_talisman import Talisman

from cswidget.jinja import WidgetDefaults, configure

app = Flask(__name__)
# A strict CSP with a fresh nonce per response; cswidget finds talisman's
# csp_nonce() by itself. Raise or omit follows app.debug at render time.
Talisman(
    app,
    content_security_policy={
        "default-src": "'self'",
        "script-src": ["'self'", "https://acme.example"],
    },
    content_security_policy_nonce_in=["script-src"],
)
configure(
    app.jinja_env,
    WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"),
)


@app.get("/thanks")
def thanks() -> str:
    customer = {"name": "Kate", "email": "kate@example.com"}
    return render_template("thanks.html", customer=customer, order_reference="INV-2090")
