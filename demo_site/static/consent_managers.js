/*
 * Small fakes of three consent managers' script activation, and the site's
 * own code for the generic "event:" convention, for the consent demo page and
 * the browser tests. Load it with data-manager="cookiebot|klaro|onetrust|event".
 * The real managers cannot run here (no network beyond package registries;
 * Cookiebot and OneTrust are served only from their CDNs, for registered
 * domains), so each fake does what the manager's documentation says it does:
 *
 * - Cookiebot (support.cookiebot.com, "Manual cookie blocking" and "If a user
 *   does not consent, how does Cookiebot block cookies"): a script marked
 *   type="text/plain" data-cookieconsent="<categories>" runs once the visitor
 *   has accepted every category it lists; consent is kept in the
 *   CookieConsent cookie, so on later pages such scripts run at load.
 *   API: Cookiebot.consent.<category>, Cookiebot.submitCustomConsent().
 * - Klaro (kiprotect/klaro README, and its 0.7.22 source,
 *   consent-manager.js updateServiceElements): elements [data-name=<service>]
 *   are replaced by a new element with the same attributes, type from
 *   data-type and src from data-src. Klaro copies attributes with
 *   setAttribute, so a nonce hidden by the browser comes through empty: under
 *   a nonce-only policy that needs 'strict-dynamic'. Consent in the "klaro"
 *   cookie. API: klaro.getManager().updateConsent(), saveAndApplyConsents().
 * - OneTrust (my.onetrust.com, "JavaScript Type Re-Writing"): a script with
 *   type="text/plain" class="optanon-category-<group>" runs once its group is
 *   in OnetrustActiveGroups; consent in the OptanonConsent cookie
 *   ("groups=C0001:1,C0002:1"). API: OneTrust.UpdateConsent("Category", "C0002:1").
 * - event: not a manager. The site records consent (a cookie of its own),
 *   pushes the name to window.cswidgetConsent and dispatches the CustomEvent.
 *
 * The banner is the page's: buttons [data-consent-accept] and
 * [data-consent-decline] inside [data-consent-banner].
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const manager = script.dataset.manager;
  const name = script.dataset.consentName;

  function readCookie(cookie) {
    const prefix = `${cookie}=`;
    const found = document.cookie.split("; ").find((part) => part.startsWith(prefix));
    return found === undefined ? null : decodeURIComponent(found.slice(prefix.length));
  }

  function writeCookie(cookie, value) {
    document.cookie = `${cookie}=${encodeURIComponent(value)}; path=/; SameSite=Lax`;
  }

  // A new, live copy of an inert tag: what every manager does, since a
  // script element whose type changes in place never runs.
  function activate(inert, changes) {
    const live = document.createElement("script");
    for (const attribute of inert.attributes) {
      live.setAttribute(attribute.name, attribute.value);
    }
    changes(live);
    live.text = inert.text;
    inert.replaceWith(live);
  }

  function whenParsed(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  const managers = {
    cookiebot() {
      const consent = { necessary: true, preferences: false, statistics: false, marketing: false };
      function run() {
        for (const inert of document.querySelectorAll('script[type="text/plain"][data-cookieconsent]')) {
          const needed = inert.getAttribute("data-cookieconsent").split(",").map((c) => c.trim());
          if (needed.every((category) => consent[category])) {
            activate(inert, (live) => {
              live.type = "text/javascript";
              live.nonce = inert.nonce;
            });
          }
        }
      }
      function submitCustomConsent(preferences, statistics, marketing) {
        Object.assign(consent, { preferences, statistics, marketing });
        writeCookie("CookieConsent", JSON.stringify(consent));
        whenParsed(run);
      }
      window.Cookiebot = { consent, submitCustomConsent };
      const stored = readCookie("CookieConsent");
      if (stored !== null) {
        Object.assign(consent, JSON.parse(stored));
        whenParsed(run);
      }
      return {
        given: stored !== null,
        accept: () => submitCustomConsent(true, true, true),
        decline: () => submitCustomConsent(false, false, false),
      };
    },

    klaro() {
      const consents = JSON.parse(readCookie("klaro") || "{}");
      function apply() {
        for (const [service, given] of Object.entries(consents)) {
          if (!given) {
            continue;
          }
          for (const element of document.querySelectorAll(`[data-name='${service}']`)) {
            if (element.tagName !== "SCRIPT" || element.type !== "text/plain") {
              continue;
            }
            activate(element, (live) => {
              live.type = element.getAttribute("data-type") || "";
              if (element.hasAttribute("data-src")) {
                live.src = element.getAttribute("data-src");
              }
            });
          }
        }
      }
      const klaroManager = {
        updateConsent(service, value) {
          consents[service] = value;
        },
        saveAndApplyConsents() {
          writeCookie("klaro", JSON.stringify(consents));
          whenParsed(apply);
        },
        getConsent: (service) => Boolean(consents[service]),
      };
      window.klaro = { getManager: () => klaroManager };
      const given = readCookie("klaro") !== null;
      if (given) {
        whenParsed(apply);
      }
      return {
        given,
        accept() {
          klaroManager.updateConsent(name, true);
          klaroManager.saveAndApplyConsents();
        },
        decline() {
          klaroManager.updateConsent(name, false);
          klaroManager.saveAndApplyConsents();
        },
      };
    },

    onetrust() {
      const groups = new Set(["C0001"]);
      function run() {
        window.OnetrustActiveGroups = `,${[...groups].join(",")},`;
        for (const inert of document.querySelectorAll('script[type="text/plain"][class*="optanon-category-"]')) {
          const classes = [...inert.classList].filter((c) => c.startsWith("optanon-category-"));
          const needed = classes.flatMap((c) => c.slice("optanon-category-".length).split("-"));
          if (needed.every((group) => groups.has(group))) {
            activate(inert, (live) => {
              live.type = "text/javascript";
              live.nonce = inert.nonce;
            });
          }
        }
      }
      function save() {
        writeCookie("OptanonConsent", `groups=${[...groups].map((g) => `${g}:1`).join(",")}`);
        whenParsed(run);
      }
      window.OneTrust = {
        UpdateConsent(kind, value) {
          const [group, flag] = value.split(":");
          if (kind === "Category") {
            if (flag === "1") {
              groups.add(group);
            } else {
              groups.delete(group);
            }
            save();
          }
        },
      };
      const stored = readCookie("OptanonConsent");
      if (stored !== null) {
        for (const pair of stored.replace(/^groups=/, "").split(",")) {
          const [group, flag] = pair.split(":");
          if (flag === "1") {
            groups.add(group);
          }
        }
        whenParsed(run);
      }
      return {
        given: stored !== null,
        accept: () => window.OneTrust.UpdateConsent("Category", `${name}:1`),
        decline: () => window.OneTrust.UpdateConsent("Category", `${name}:0`),
      };
    },

    event() {
      function consent() {
        (window.cswidgetConsent = window.cswidgetConsent || []).push(name);
        document.dispatchEvent(new CustomEvent(name));
      }
      const stored = readCookie("survey-consent");
      if (stored === "yes") {
        consent();
      }
      return {
        given: stored !== null,
        accept() {
          writeCookie("survey-consent", "yes");
          consent();
        },
        decline: () => writeCookie("survey-consent", "no"),
      };
    },
  };

  const fake = managers[manager]();
  whenParsed(() => {
    const banner = document.querySelector("[data-consent-banner]");
    if (!banner) {
      return;
    }
    banner.hidden = fake.given;
    banner.addEventListener("click", (event) => {
      const button = event.target instanceof Element && event.target.closest("button");
      if (button && button.hasAttribute("data-consent-accept")) {
        fake.accept();
      } else if (button && button.hasAttribute("data-consent-decline")) {
        fake.decline();
      } else {
        return;
      }
      banner.hidden = true;
    });
  });
})();
