from flask import Flask, render_template

from cswidget.jinja import WidgetDefaults, WidgetExtension

app = Flask(__name__)
app.jinja_env.add_extension(WidgetExtension)
app.jinja_env.cswidget = WidgetDefaults(
    org="acme",
    script_src="https://acme.example/survey_widget.js",
    on_error="raise" if app.debug else "omit",
)


@app.get("/thanks")
def thanks() -> str:
    customer = {"name": "Kate", "email": "kate@example.com"}
    return render_template("thanks.html", customer=customer, order_reference="INV-2090")
