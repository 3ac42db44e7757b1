from pathlib import Path

import jinja2

from cswidget.jinja import WidgetDefaults, configure

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
)
# Once per environment: the account settings every cswidget_* global uses.
configure(env, WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"))

customer = {"name": "Kate", "email": "kate@example.com"}
print(env.get_template("thanks.html").render(customer=customer, order_reference="INV-2090"))
