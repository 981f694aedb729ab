// Stripe.js, loaded from Stripe only when a fan pays by card and the server answers with a
// client secret: every other fan downloads nothing from Stripe. Stripe requires the script
// from js.stripe.com itself (never bundled), and its Payment Element keeps the card
// number inside Stripe's own frame, out of our page.

import { lang } from "./i18n";

const STRIPE_JS = "https://js.stripe.com/v3";

/** The few parts of Stripe.js the page uses. */
export interface StripeElement {
  mount(target: HTMLElement): void;
  on(event: "ready" | "loaderror", handler: () => void): void;
  destroy(): void;
}

export interface StripeElements {
  create(type: "payment"): StripeElement;
}

export interface StripeConfirmResult {
  error?: { type?: string; message?: string };
  paymentIntent?: { id: string; status: string };
}

export interface StripeClient {
  elements(options: { clientSecret: string; locale?: string; appearance?: Record<string, unknown> }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    confirmParams: { return_url: string };
    redirect?: "always" | "if_required";
  }): Promise<StripeConfirmResult>;
}

type StripeFactory = (publishableKey: string, options?: { locale?: string }) => StripeClient;

declare global {
  interface Window {
    Stripe?: StripeFactory;
  }
}

let loading: Promise<StripeFactory> | null = null;

function loadScript(): Promise<StripeFactory> {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = STRIPE_JS;
      script.onload = () => (window.Stripe ? resolve(window.Stripe) : reject(new Error("Stripe.js did not start")));
      script.onerror = () => {
        loading = null; // a later tap tries again (the link may be back)
        script.remove();
        reject(new Error("Stripe.js could not be loaded"));
      };
      document.head.append(script);
    });
  }
  return loading;
}

/** A Stripe client for `publishableKey`, speaking the page's language. */
export async function stripeClient(publishableKey: string): Promise<StripeClient> {
  const factory = await loadScript();
  return factory(publishableKey, { locale: lang() });
}
