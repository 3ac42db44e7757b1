import logging

import jinja2

from cswidget.jinja import WidgetDefaults, configure

logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")

env = jinja2.Environment(autoescape=True)
configure(
    env,
    WidgetDefaults(org="acme", script_src="https://acme.example/survey_widget.js"),
    on_error="omit",
)

page = env.from_string('<main>{{ cswidget_container("AKknWccEFf7", customer=customer) }}</main>')
print(page.render(customer={"email": "kate at example.com"}))
