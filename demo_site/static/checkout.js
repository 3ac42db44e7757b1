// The scripted page's own behaviour: open the survey once, either when the
// fake checkout completes (a custom DOM event) or after a delay on the page.
(() => {
  "use strict";
  const checkout = document.getElementById("checkout");
  const status = document.getElementById("checkout-status");
  let asked = false;

  function askOnce() {
    if (!asked) {
      asked = true;
      CustomerSureSurveyWidget.toggleWidget();
    }
  }

  document.addEventListener("checkout:completed", askOnce);

  document.getElementById("place-order").addEventListener("click", (event) => {
    event.currentTarget.disabled = true;
    status.textContent = "Placing your order…";
    // Stands in for the payment provider's round trip.
    setTimeout(() => {
      status.textContent = "Order ORDER-1042 confirmed. Thank you!";
      document.dispatchEvent(new CustomEvent("checkout:completed", { detail: { reference: "ORDER-1042" } }));
    }, 300);
  });

  const delay = Number(checkout.dataset.surveyDelayMs);
  if (Number.isFinite(delay)) {
    setTimeout(askOnce, delay);
  }
})();
