// The shapes of the public API the page reads (server/contract/*.py), only the fields used.

export type StreamStatus = "idle" | "active" | "disconnected" | "completed" | "disabled";

export interface Price {
  amount: number;
  currency: string;
}

export interface Stream {
  id: string;
  title: string;
  status: StreamStatus;
  visibility: "public" | "members" | "ticketed";
  price: Price | null;
  scheduled_at: string | null;
  playback_url: string | null;
  replays: Array<{ id: string; playback_url: string; duration: number | null }>;
  viewer_count: number;
  creator: { id: string; display_name: string };
}

export interface PhoneFormat {
  country: string;
  example: string;
  dial_code: string;
  pattern: string;
}

export interface MethodOption {
  method: string;
  currency: string;
  step: number;
  minimum: number;
  presets: number[];
  phone: PhoneFormat | null;
}

export interface Boot {
  stream: Stream;
  methods: MethodOption[];
  hls_url: string;
}

export type PaymentStatus = "pending" | "succeeded" | "failed" | "cancelled" | "expired";

export interface Payment {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  failure_reason: { code: string; message: string } | null;
  next_action: NextAction | null;
}

/** What the payer does while a payment is pending (server/contract/payments.py). */
export interface NextAction {
  type: "approve_on_phone" | "redirect" | "stripe_client_secret";
  message?: string;
  url?: string;
  client_secret?: string;
  publishable_key?: string;
}

export interface ChatMessage {
  id: string;
  author: { id: string; name: string; role: string };
  text: string;
  client_id?: string | null;
  kind?: "chat" | "tip";
  amount?: number | null;
  currency?: string | null;
}
